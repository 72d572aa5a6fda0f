import { readFileSync } from "node:fs";
import { take, takeRows, type Matrix } from "../../src/core/matrix";
import { Rng } from "../../src/core/rng";
import { datasetPath } from "../datasets";

/** A numeric CSV whose last column is the target: classes become indices of the sorted labels. */
export function loadNumeric(name: string, task: "classification" | "regression"): { X: Matrix; y: Float64Array; labels: string[] } {
  const lines = readFileSync(datasetPath(name), "utf8").trim().split(/\r?\n/).slice(1);
  const rows = lines.map((l) => l.split(",").map((s) => s.replace(/^"|"$/g, "")));
  const cols = rows[0]!.length - 1;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => {
    for (let j = 0; j < cols; j++) data[i * cols + j] = r[j] === "" ? NaN : Number(r[j]);
  });
  const raw = rows.map((r) => r[cols]!);
  const labels = task === "classification" ? [...new Set(raw)].sort() : [];
  const y = Float64Array.from(raw, (v) => (task === "classification" ? labels.indexOf(v) : Number(v)));
  return { X: { data, rows: rows.length, cols }, y, labels };
}

/** A seeded shuffled train/test split by fraction. */
export function split(X: Matrix, y: Float64Array, testFraction: number, seed: number): { Xtr: Matrix; ytr: Float64Array; Xte: Matrix; yte: Float64Array } {
  const perm = new Rng(seed).permutation(X.rows);
  const nTest = Math.round(X.rows * testFraction);
  const [test, train] = [perm.subarray(0, nTest), perm.subarray(nTest)];
  return { Xtr: takeRows(X, train), ytr: take(y, train), Xte: takeRows(X, test), yte: take(y, test) };
}

/** Share of equal entries. */
export function accuracy(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) s++;
  return s / a.length;
}
