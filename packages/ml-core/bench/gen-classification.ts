/**
 * A seeded synthetic classification set in the spirit of scikit-learn's `make_classification`:
 * class clusters on the vertices of a hypercube in the informative features, redundant features
 * as random linear combinations of them, the rest noise, and a share of flipped labels.
 *
 *     node --import tsx bench/gen-classification.ts out.csv [rows] [cols]
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { Matrix } from "../src/core/matrix";
import { Rng } from "../src/core/rng";

/** Settings of `makeClassification` (scikit-learn's names and defaults, except n_samples). */
export interface ClassificationSettings {
  readonly nSamples: number;
  readonly nFeatures: number;
  readonly nInformative: number;
  readonly nRedundant: number;
  readonly nClasses: number;
  readonly nClustersPerClass: number;
  readonly flipY: number;
  readonly classSep: number;
  readonly seed: number;
}

/** Default settings for a rows x cols set: 10 informative, 5 redundant features, 2 classes. */
export function defaultSettings(nSamples: number, nFeatures: number): ClassificationSettings {
  return { nSamples, nFeatures, nInformative: Math.min(10, nFeatures), nRedundant: Math.min(5, Math.max(0, nFeatures - 10)), nClasses: 2, nClustersPerClass: 2, flipY: 0.01, classSep: 1, seed: 0 };
}

/**
 * A letter-recognition-like set: `nClasses` classes (one cluster each) in 16 features, each
 * rounded into the integers 0-15 by its min and max (small-integer features, as in UCI "letter").
 */
export function makeManyClass(nSamples: number, nClasses = 26, seed = 0): { X: Matrix; y: Float64Array } {
  const F = 16;
  const { X, y } = makeClassification({ nSamples, nFeatures: F, nInformative: 12, nRedundant: 4, nClasses, nClustersPerClass: 1, flipY: 0.01, classSep: 1.5, seed });
  for (let j = 0; j < F; j++) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < X.rows; i++) {
      const v = X.data[i * F + j]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    for (let i = 0; i < X.rows; i++) X.data[i * F + j] = Math.min(15, Math.floor(((X.data[i * F + j]! - lo) / (hi - lo)) * 16));
  }
  return { X, y };
}

/** Generates the features (row-major) and class indices. */
export function makeClassification(s: ClassificationSettings): { X: Matrix; y: Float64Array } {
  const rng = new Rng(s.seed);
  const { nSamples: n, nFeatures: F, nInformative: I, nRedundant: R } = s;
  const nClusters = s.nClasses * s.nClustersPerClass;
  // cluster centres: distinct hypercube vertices scaled by classSep, plus a random covariance per cluster
  const centres: number[][] = [];
  const mix: number[][][] = [];
  for (let c = 0; c < nClusters; c++) {
    const code = c * 2654435761 + 12345;
    centres.push(Array.from({ length: I }, (_, j) => (((code >>> j % 30) & 1) * 2 - 1) * s.classSep));
    mix.push(Array.from({ length: I }, () => Array.from({ length: I }, () => rng.uniform(-1, 1))));
  }
  const redundant = Array.from({ length: R }, () => Array.from({ length: I }, () => rng.uniform(-1, 1)));
  const data = new Float64Array(n * F);
  const y = new Float64Array(n);
  const z = new Float64Array(I);
  for (let i = 0; i < n; i++) {
    const cluster = i % nClusters;
    y[i] = cluster % s.nClasses;
    for (let j = 0; j < I; j++) z[j] = rng.normal();
    const row = i * F;
    for (let j = 0; j < I; j++) {
      let v = centres[cluster]![j]!;
      for (let q = 0; q < I; q++) v += mix[cluster]![j]![q]! * z[q]! * 0.5;
      data[row + j] = v;
    }
    for (let r = 0; r < R; r++) {
      let v = 0;
      for (let j = 0; j < I; j++) v += redundant[r]![j]! * data[row + j]!;
      data[row + I + r] = v;
    }
    for (let j = I + R; j < F; j++) data[row + j] = rng.normal();
    if (rng.next() < s.flipY) y[i] = rng.int(s.nClasses);
  }
  // shuffle rows so classes and clusters interleave randomly
  const perm = rng.permutation(n);
  const X2 = new Float64Array(n * F);
  const y2 = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    X2.set(data.subarray(perm[k]! * F, perm[k]! * F + F), k * F);
    y2[k] = y[perm[k]!]!;
  }
  return { X: { data: X2, rows: n, cols: F }, y: y2 };
}

/** Writes features and a last `target` column as CSV, 10,000 rows at a time (a 2M x 55 file is longer than a string may be). */
export function writeCsv(path: string, X: Matrix, y: Float64Array): void {
  const fd = openSync(path, "w");
  try {
    writeSync(fd, [...Array.from({ length: X.cols }, (_, j) => `x${j}`), "target"].join(",") + "\n");
    for (let start = 0; start < X.rows; start += 10_000) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(start + 10_000, X.rows); i++) {
        const row: string[] = [];
        for (let j = 0; j < X.cols; j++) row.push(String(X.data[i * X.cols + j]));
        row.push(String(y[i]));
        lines.push(row.join(","));
      }
      writeSync(fd, lines.join("\n") + "\n");
    }
  } finally {
    closeSync(fd);
  }
}

if (require.main === module) {
  const [out, rows, cols] = process.argv.slice(2);
  if (!out) throw new Error("usage: gen-classification.ts out.csv [rows] [cols]");
  const { X, y } = makeClassification(defaultSettings(Number(rows ?? 200000), Number(cols ?? 30)));
  writeCsv(out, X, y);
}
