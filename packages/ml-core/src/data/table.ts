/** A column of numbers; `NaN` marks a missing value. */
export type NumericColumn = { kind: "numeric"; name: string; values: Float64Array };

/**
 * A dictionary-encoded text column: `codes[i]` indexes `categories` (sorted by code point, like
 * `numpy.unique`), `-1` marks a missing value. `booleanLike` is set when every category is one
 * side of a yes/no pair (true/false, yes/no, y/n, t/f, any case).
 */
export type CategoricalColumn = { kind: "categorical"; name: string; codes: Int32Array; categories: string[]; booleanLike: boolean };

/** One column of a `Table`. */
export type Column = NumericColumn | CategoricalColumn;

/** A columnar table: every column has `nRows` values. */
export class Table {
  private readonly byName: Map<string, Column>;

  /**
   * @param nRows number of rows every column holds.
   * @param columns the columns, in file order; names must be unique.
   */
  constructor(
    readonly nRows: number,
    readonly columns: readonly Column[],
  ) {
    this.byName = new Map(columns.map((c) => [c.name, c]));
    for (const c of columns) {
      const n = c.kind === "numeric" ? c.values.length : c.codes.length;
      if (n !== nRows) throw new RangeError(`column ${c.name} has ${n} values, but the table has ${nRows} rows.`);
    }
  }

  /** The column called `name`, or undefined. */
  column(name: string): Column | undefined {
    return this.byName.get(name);
  }

  /** The column names, in file order. */
  names(): string[] {
    return this.columns.map((c) => c.name);
  }
}
