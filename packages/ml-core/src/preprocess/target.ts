import { DataError } from "../core/errors";
import type { Task } from "../core/estimator";
import type { Label } from "../core/classes";
import type { Column, Table } from "../data/table";

export type { Label } from "../core/classes";

/**
 * The learning target of a table: `rows` are the table rows whose target is present, `y` is
 * aligned with them. Classification: `y[i]` indexes `labels` (sorted like `numpy.unique`);
 * regression: `y` holds the numbers and `labels` is absent.
 */
export interface Target {
  y: Float64Array;
  labels?: Label[];
  rows: Int32Array;
}

/**
 * Extracts the target column of `table` for a task; rows where the target is missing are left out.
 * @param table the data.
 * @param target name of the target column.
 * @param task "classification" or "regression".
 * @throws DataError `TARGET_NOT_FOUND`, `TARGET_ALL_MISSING`, `SINGLE_CLASS`, `NON_NUMERIC_TARGET`.
 */
export function prepareTarget(table: Table, target: string, task: Task): Target {
  const column = table.column(target);
  if (!column) {
    const names = table.names();
    const shown = names.slice(0, 10).map((n) => `\`${n}\``).join(", ");
    const more = names.length > 10 ? ` (and ${names.length - 10} more)` : "";
    throw new DataError("TARGET_NOT_FOUND", `The target column \`${target}\` is not in the data; available columns: ${shown}${more}.`, { target, available: names });
  }
  const rows = presentRows(column);
  if (rows.length === 0) throw new DataError("TARGET_ALL_MISSING", `The target column \`${target}\` has no values: every row is missing it.`, { target });
  const y = new Float64Array(rows.length);

  if (task === "regression") {
    if (column.kind !== "numeric") {
      const sample = column.categories.slice(0, 3).map((c) => JSON.stringify(c)).join(", ");
      throw new DataError("NON_NUMERIC_TARGET", `Regression needs a numeric target, but \`${target}\` holds text (e.g. ${sample}).`, { target });
    }
    rows.forEach((r, i) => (y[i] = column.values[r]!));
    return { y, rows };
  }

  let labels: Label[];
  if (column.kind === "numeric") {
    const distinct = new Set<number>();
    for (let i = 0; i < rows.length; i++) distinct.add(column.values[rows[i]!]!);
    const unique = Float64Array.from(distinct).sort();
    labels = Array.from(unique);
    const index = new Map(labels.map((l, i) => [l as number, i]));
    rows.forEach((r, i) => (y[i] = index.get(column.values[r]!)!));
  } else {
    const used = new Uint8Array(column.categories.length);
    rows.forEach((r) => (used[column.codes[r]!] = 1));
    const remap = new Int32Array(column.categories.length).fill(-1);
    labels = [];
    column.categories.forEach((c, k) => {
      if (used[k]) {
        remap[k] = labels.length;
        labels.push(c);
      }
    });
    rows.forEach((r, i) => (y[i] = remap[column.codes[r]!]!));
  }
  if (labels.length < 2) {
    throw new DataError("SINGLE_CLASS", `Classification needs at least two classes, but \`${target}\` only holds ${JSON.stringify(labels[0])}.`, { target, labels });
  }
  return { y, labels, rows };
}

/** The rows of `column` whose value is present, in order. */
function presentRows(column: Column): Int32Array {
  const present = (i: number) => (column.kind === "numeric" ? column.values[i] === column.values[i] : column.codes[i]! >= 0);
  const n = column.kind === "numeric" ? column.values.length : column.codes.length;
  let count = 0;
  for (let i = 0; i < n; i++) if (present(i)) count++;
  const rows = new Int32Array(count);
  for (let i = 0, k = 0; i < n; i++) if (present(i)) rows[k++] = i;
  return rows;
}
