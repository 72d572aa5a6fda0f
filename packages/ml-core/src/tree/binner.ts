import type { Matrix } from "../core/matrix";
import { Rng } from "../core/rng";

/** The bin code that holds missing values (NaN) of every feature. */
export const MISSING_BIN = 255;

/** The most non-missing bins a feature can have. */
export const MAX_BINS = 255;

/**
 * A dataset binned once for histogram trees: one byte per value, column-major (`codes[f * rows + i]`).
 * Bin `b` of feature `f` holds the values `x` with `edges[f][b-1] < x <= edges[f][b]`; missing values
 * are in `MISSING_BIN`. Thresholds are real values, so fitted trees predict on raw features.
 */
export interface BinnedData {
  readonly codes: Uint8Array;
  readonly rows: number;
  readonly cols: number;
  /** Number of non-missing bins of each feature. */
  readonly nBins: Int32Array;
  /** Upper edges of the bins of every feature, concatenated: feature `f` starts at `edgeOffset[f]`. */
  readonly edges: Float64Array;
  readonly edgeOffset: Int32Array;
}

/** Bin edges learnt from data: `binEdges(X)` then `applyBins(X, edges)` (the same X or another). */
export interface BinEdges {
  readonly nBins: Int32Array;
  readonly edges: Float64Array;
  readonly edgeOffset: Int32Array;
}

/**
 * Learns at most `maxBins` quantile bins per feature (midpoints between distinct values when a
 * feature has few of them), from at most `subsample` rows like scikit-learn's `_BinMapper`.
 * @param X features, NaN = missing.
 * @param maxBins non-missing bins per feature, 2..255 (default 255).
 * @param rng draws the subsample when X has more than `subsample` rows.
 * @param subsample default 200,000.
 */
export function binEdges(X: Matrix, maxBins = MAX_BINS, rng?: Rng, subsample = 200_000): BinEdges {
  const { rows, cols, data } = X;
  let sampleRows: Int32Array | undefined;
  if (rows > subsample) sampleRows = (rng ?? new Rng(0)).permutation(rows).subarray(0, subsample).sort();
  const m = sampleRows ? sampleRows.length : rows;
  const perFeature: Float64Array[] = [];
  const col = new Float64Array(m);
  const few = new DistinctSet(maxBins);
  for (let f = 0; f < cols; f++) {
    let k = 0;
    few.clear();
    for (let r = 0; r < m; r++) {
      const i = sampleRows ? sampleRows[r]! : r;
      const v = data[i * cols + f]!;
      if (v === v) {
        col[k++] = v;
        few.add(v);
      }
    }
    // few distinct values (one-hot, counts, codes): sort those only, not every row
    const sorted = few.overflowed ? col.subarray(0, k).sort() : few.values().sort();
    const n = sorted.length;
    // distinct values
    let d = 0;
    const distinct = new Float64Array(n);
    for (let j = 0; j < n; j++) if (j === 0 || sorted[j]! !== sorted[j - 1]!) distinct[d++] = sorted[j]!;
    let edges: Float64Array;
    if (d <= maxBins) {
      edges = new Float64Array(Math.max(d - 1, 0));
      for (let j = 0; j + 1 < d; j++) edges[j] = (distinct[j]! + distinct[j + 1]!) / 2;
    } else {
      // more than maxBins distinct values: the set overflowed and `sorted` is the whole column.
      // quantiles at maxBins-1 inner cut points, deduplicated
      const cuts: number[] = [];
      for (let q = 1; q < maxBins; q++) {
        const pos = (q / maxBins) * (n - 1);
        const lo = Math.floor(pos);
        const hi = Math.min(lo + 1, n - 1);
        const a = sorted[lo]!, b = sorted[hi]!;
        const v = lo === hi || a === b ? a : (a + b) / 2;
        if (cuts.length === 0 || v > cuts[cuts.length - 1]!) cuts.push(v);
      }
      // a cut equal to the maximum would leave an empty last bin
      while (cuts.length > 0 && cuts[cuts.length - 1]! >= sorted[n - 1]!) cuts.pop();
      edges = Float64Array.from(cuts);
    }
    perFeature.push(edges);
  }
  const nBins = new Int32Array(cols);
  const edgeOffset = new Int32Array(cols + 1);
  for (let f = 0; f < cols; f++) {
    nBins[f] = perFeature[f]!.length + 1;
    edgeOffset[f + 1] = edgeOffset[f]! + perFeature[f]!.length;
  }
  const edges = new Float64Array(edgeOffset[cols]!);
  for (let f = 0; f < cols; f++) edges.set(perFeature[f]!, edgeOffset[f]!);
  return { nBins, edges, edgeOffset };
}

/**
 * The distinct values added, up to `limit` of them (open addressing on the value's bits; -0 counts
 * as 0); past the limit it only records that it overflowed.
 */
class DistinctSet {
  private readonly keys: Float64Array;
  private readonly used: Uint8Array;
  private readonly mask: number;
  private readonly bits = new Float64Array(1);
  private readonly words = new Int32Array(this.bits.buffer);
  private readonly found: Float64Array;
  size = 0;
  overflowed = false;

  constructor(private readonly limit: number) {
    let cap = 16;
    while (cap < 4 * (limit + 1)) cap *= 2;
    this.keys = new Float64Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
    this.found = new Float64Array(limit);
  }

  clear(): void {
    this.used.fill(0);
    this.size = 0;
    this.overflowed = false;
  }

  add(v: number): void {
    if (this.overflowed) return;
    const x = v + 0;
    this.bits[0] = x;
    let h = Math.imul(this.words[0]! ^ Math.imul(this.words[1]!, 0x9e3779b1), 0x85ebca6b) >>> 0;
    for (;;) {
      h &= this.mask;
      if (this.used[h] === 0) break;
      if (this.keys[h] === x) return;
      h++;
    }
    if (this.size === this.limit) {
      this.overflowed = true;
      return;
    }
    this.used[h] = 1;
    this.keys[h] = x;
    this.found[this.size++] = x;
  }

  /** A copy of the distinct values, in insertion order. */
  values(): Float64Array {
    return this.found.slice(0, this.size);
  }
}

/**
 * Codes `X` with learnt edges into a column-major byte matrix (binary search per value).
 * @param shared back the codes with a SharedArrayBuffer, for worker threads.
 */
export function applyBins(X: Matrix, binning: BinEdges, shared = false): BinnedData {
  const { rows, cols, data } = X;
  const { edges, edgeOffset, nBins } = binning;
  const codes = shared ? new Uint8Array(new SharedArrayBuffer(rows * cols)) : new Uint8Array(rows * cols);
  for (let f = 0; f < cols; f++) {
    const lo0 = edgeOffset[f]!;
    const hi0 = edgeOffset[f + 1]!;
    const base = f * rows;
    for (let i = 0; i < rows; i++) {
      const v = data[i * cols + f]!;
      if (v !== v) {
        codes[base + i] = MISSING_BIN;
        continue;
      }
      // first edge >= v
      let lo = lo0, hi = hi0;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (edges[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      codes[base + i] = lo - lo0;
    }
  }
  return { codes, rows, cols, nBins, edges, edgeOffset };
}

/** `applyBins(X, binEdges(X, maxBins, rng))`. */
export function binData(X: Matrix, maxBins = MAX_BINS, rng?: Rng, shared = false): BinnedData {
  return applyBins(X, binEdges(X, maxBins, rng), shared);
}

/** The real threshold of the split "bins <= bin go left" of feature `f`. */
export function binThreshold(b: BinEdges, f: number, bin: number): number {
  return bin < b.nBins[f]! - 1 ? b.edges[b.edgeOffset[f]! + bin]! : Infinity;
}
