/** What a command answers: `data` is printed as one JSON line with `--json`, `text` otherwise. */
export interface Outcome {
  readonly data: unknown;
  readonly text: string;
}

/** A plain text table of `rows` under `columns` (column name → cell), padded to the widest cell. */
export function table<R>(rows: readonly R[], columns: Record<string, (row: R) => unknown>): string {
  const names = Object.keys(columns);
  const cells = rows.map((r) => names.map((n) => show(columns[n]!(r))));
  const widths = names.map((n, j) => Math.max(n.length, ...cells.map((c) => c[j]!.length)));
  const line = (c: string[]) => c.map((s, j) => s.padEnd(widths[j]!)).join("  ").trimEnd();
  return [line(names.map((n) => n.toUpperCase())), ...cells.map(line)].join("\n");
}

/** A value as one short cell: numbers to 4 significant digits, objects as JSON, null as "-". */
export function show(v: unknown): string {
  if (v === null || v === undefined) return "-";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** `key: value` lines, aligned. */
export function fields(record: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(record).map((k) => k.length));
  return Object.entries(record)
    .map(([k, v]) => `${k.padEnd(width)}  ${show(v)}`)
    .join("\n");
}
