import { DataError, InvalidHyperparameterError } from "../core/errors";
import type { StateValue } from "../core/estimator";
import { composeRows, type ColumnSource } from "../core/column-source";
import type { Matrix } from "../core/matrix";
import type { Table } from "../data/table";
import { BooleanStep, NumericStep, OneHotStep, STEP_KINDS, type Step } from "./steps";

/** Options of `Pipeline.fit`. */
export interface PipelineOptions {
  /** The target column, left out of the features. */
  target: string;
  /** Standardise numeric features with the training rows' mean and std (std 0 -> 1). */
  scale: boolean;
  /** Most output features per categorical column; rarer categories share an "other" feature. Default 50. */
  maxCategories?: number;
}

const STATE_VERSION = 1;

/** One output feature: feature `j` of `step`. */
interface OutputFeature {
  readonly step: Step;
  readonly j: number;
}

/**
 * The preprocessing of a tabular dataset, fitted on training rows only: numeric columns get
 * median imputation (and standardisation when `scale`), categorical ones most-frequent
 * imputation and one-hot encoding, yes/no columns one 0/1 feature. It turns tables (the
 * training file or another file with the same columns) and raw JSON records into matrices.
 *
 * Like scikit-learn's `ColumnTransformer([SimpleImputer(median) + StandardScaler, SimpleImputer(most_frequent) + OneHotEncoder(handle_unknown="ignore")])`.
 */
export class Pipeline {
  /** The table columns the pipeline reads, in order. */
  readonly inputColumns: string[];
  /** One name per output feature: the column, or `column=category` for one-hot parts. */
  readonly featureNames: string[];
  /** `featureSources[j]`: the input column output feature j comes from. */
  readonly featureSources: string[];
  /** Every output feature: the step that writes it and its index within the step. */
  private readonly features: readonly OutputFeature[];

  private constructor(
    readonly target: string,
    private readonly steps: readonly Step[],
    private readonly options: { scale: boolean; maxCategories: number },
  ) {
    this.inputColumns = steps.map((s) => s.column);
    this.featureNames = steps.flatMap((s) => s.featureNames);
    this.featureSources = steps.flatMap((s) => s.featureNames.map(() => s.column));
    this.features = steps.flatMap((step) => step.featureNames.map((_, j) => ({ step, j })));
  }

  /**
   * Learns the preprocessing from the training rows of `table`.
   * @param table the data.
   * @param rows the training rows (table row indices).
   * @param options target column, whether to scale, `maxCategories` (default 50).
   */
  static fit(table: Table, rows: ArrayLike<number>, options: PipelineOptions): Pipeline {
    const maxCategories = options.maxCategories ?? 50;
    if (!Number.isInteger(maxCategories) || maxCategories < 2) {
      throw new InvalidHyperparameterError(`\`maxCategories\` must be an integer of at least 2, but got ${maxCategories}.`);
    }
    const steps: Step[] = table.columns
      .filter((c) => c.name !== options.target)
      .map((c) => {
        if (c.kind === "numeric") return NumericStep.fit(c, rows, options.scale);
        if (c.booleanLike) return BooleanStep.fit(c, rows);
        return OneHotStep.fit(c, rows, maxCategories);
      });
    return new Pipeline(options.target, steps, { scale: options.scale, maxCategories });
  }

  /**
   * The feature matrix of `rows` of `table` (default: all rows). `table` may be another file
   * with the same columns; extra columns (the target among them) are ignored.
   * @throws DataError `MISSING_COLUMNS` when an input column is absent, `INVALID_VALUE` for text in a numeric column.
   */
  transform(table: Table, rows?: ArrayLike<number>): Matrix {
    this.checkColumns(table);
    const idx = rows ?? allRows(table.nRows);
    const cols = this.featureNames.length;
    const data = new Float64Array(idx.length * cols);
    this.features.forEach(({ step, j }, f) => step.writeFeature(table.column(step.column)!, idx, j, data, cols, f));
    return { data, rows: idx.length, cols };
  }

  /**
   * The features of `rows` of `table` (default: all rows) as a `ColumnSource`: the values
   * `transform` gives, computed one feature column at a time when asked, so that the whole
   * matrix never exists (histogram boosting bins them column by column).
   * @throws DataError `MISSING_COLUMNS`, as `transform`; `INVALID_VALUE` when a column is read.
   */
  columns(table: Table, rows?: ArrayLike<number>): ColumnSource {
    this.checkColumns(table);
    return new PipelineColumns(this, this.features, table, rows ? Int32Array.from(rows) : allRows(table.nRows));
  }

  private checkColumns(table: Table): void {
    const absent = this.inputColumns.filter((name) => !table.column(name));
    if (absent.length) {
      throw new DataError("MISSING_COLUMNS", `The data lacks ${absent.length} column(s) the model needs: ${absent.slice(0, 10).map((n) => `\`${n}\``).join(", ")}.`, { missing: absent });
    }
  }

  /**
   * The feature matrix of raw JSON records (prediction requests): absent columns and missing
   * values are imputed, unseen categories give all zeros.
   * @throws DataError `INVALID_VALUE` naming the record index and column for a value of the wrong type.
   * @throws DataError `NO_KNOWN_COLUMNS` for a record with none of the model's columns (misnamed
   *   columns would otherwise all be imputed, and every such row predicted alike).
   */
  transformRecords(records: readonly Record<string, unknown>[]): Matrix {
    const cols = this.featureNames.length;
    const data = new Float64Array(records.length * cols);
    records.forEach((record, i) => {
      if (record === null || typeof record !== "object" || Array.isArray(record)) {
        throw new DataError("INVALID_VALUE", `Row ${i}: expected an object of column -> value, but got ${JSON.stringify(record)}.`, { row: i });
      }
      if (this.steps.length && !this.steps.some((step) => step.column in record)) {
        const expected = this.steps.map((step) => step.column);
        throw new DataError("NO_KNOWN_COLUMNS", `Row ${i} has none of the model's columns (${expected.join(", ")}); send a missing value as null.`, { row: i, columns: expected });
      }
      let at = i * cols;
      for (const step of this.steps) {
        step.writeValue(record[step.column], i, data, at);
        at += step.featureNames.length;
      }
    });
    return { data, rows: records.length, cols };
  }

  /** The fitted pipeline as a state tree for `persist`. */
  toState(): StateValue {
    return { version: STATE_VERSION, target: this.target, scale: this.options.scale, maxCategories: this.options.maxCategories, steps: this.steps.map((s) => s.toState()) };
  }

  /** Rebuilds a pipeline saved with `toState`. */
  static fromState(state: StateValue): Pipeline {
    const s = state as { version?: number; target: string; scale: boolean; maxCategories: number; steps: { kind: keyof typeof STEP_KINDS }[] };
    if (!s || typeof s !== "object" || s.version !== STATE_VERSION) throw new Error(`saved pipeline format ${String(s?.version)} is not supported (this build reads ${STATE_VERSION})`);
    const steps = s.steps.map((step) => {
      const restore = STEP_KINDS[step.kind];
      if (!restore) throw new Error(`saved pipeline holds an unknown step kind ${String(step.kind)}`);
      return restore(step as never);
    });
    return new Pipeline(s.target, steps, { scale: s.scale, maxCategories: s.maxCategories });
  }
}

/** Table rows read through a fitted pipeline, a feature column at a time (see `Pipeline.columns`). */
class PipelineColumns implements ColumnSource {
  readonly rows: number;
  readonly cols: number;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly features: readonly OutputFeature[],
    private readonly table: Table,
    private readonly tableRows: Int32Array,
  ) {
    this.rows = tableRows.length;
    this.cols = features.length;
  }

  column(f: number, out: Float64Array): Float64Array {
    const { step, j } = this.features[f]!;
    step.writeFeature(this.table.column(step.column)!, this.tableRows, j, out, 1, 0);
    return out;
  }

  take(indices: ArrayLike<number>): ColumnSource {
    return new PipelineColumns(this.pipeline, this.features, this.table, composeRows(this.tableRows, indices));
  }

  toMatrix(): Matrix {
    return this.pipeline.transform(this.table, this.tableRows);
  }
}

function allRows(n: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}
