import { readFileSync } from "node:fs";
import type { Matrix } from "../../src/core/matrix";
import { datasetPath } from "../datasets";

/** A numeric dataset split for tests: every 5th row (i % 5 == 0) is test, features standardised on the train part. */
export interface Split {
  readonly Xtrain: Matrix;
  readonly ytrain: Float64Array;
  readonly Xtest: Matrix;
  readonly ytest: Float64Array;
  readonly nClasses: number;
}

/**
 * Loads an all-numeric CSV whose last column is the target: string targets become class
 * indices sorted, like scikit-learn's LabelEncoder.
 * The same split and scaling are done by scripts/make-linear-fixture.py.
 */
export function loadSplit(file: string, task: "classification" | "regression"): Split {
  const lines = readFileSync(datasetPath(file), "utf8").trim().split(/\r?\n/).slice(1);
  const rows = lines.map((l) => l.split(","));
  const d = rows[0]!.length - 1;
  const labels = task === "classification" ? [...new Set(rows.map((r) => r[d]!))].sort() : [];
  const X = rows.map((r) => r.slice(0, d).map(Number));
  const y = rows.map((r) => (task === "classification" ? labels.indexOf(r[d]!) : Number(r[d])));
  const trainIdx = X.map((_, i) => i).filter((i) => i % 5 !== 0);
  const testIdx = X.map((_, i) => i).filter((i) => i % 5 === 0);
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (const i of trainIdx) for (let j = 0; j < d; j++) mean[j]! += X[i]![j]! / trainIdx.length;
  for (const i of trainIdx) for (let j = 0; j < d; j++) std[j]! += (X[i]![j]! - mean[j]!) ** 2 / trainIdx.length;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) || 1;
  const take = (idx: number[]): Matrix => {
    const data = new Float64Array(idx.length * d);
    idx.forEach((i, r) => { for (let j = 0; j < d; j++) data[r * d + j] = (X[i]![j]! - mean[j]!) / std[j]!; });
    return { data, rows: idx.length, cols: d };
  };
  return {
    Xtrain: take(trainIdx),
    ytrain: Float64Array.from(trainIdx.map((i) => y[i]!)),
    Xtest: take(testIdx),
    ytest: Float64Array.from(testIdx.map((i) => y[i]!)),
    nClasses: labels.length,
  };
}

/** Share of equal entries. */
export function accuracy(y: Float64Array, p: Float64Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === p[i]) ok++;
  return ok / y.length;
}

/** Coefficient of determination. */
export function r2(y: Float64Array, p: Float64Array): number {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  let ss = 0, st = 0;
  for (let i = 0; i < y.length; i++) { ss += (y[i]! - p[i]!) ** 2; st += (y[i]! - mean) ** 2; }
  return 1 - ss / st;
}
