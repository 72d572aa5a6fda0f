import { matrixColumns, type ColumnSource } from "../core/column-source";
import type { Matrix } from "../core/matrix";
import { Rng } from "../core/rng";
import { sharedArray } from "../core/shared-array";

/** The bin code that holds missing values (NaN) of every feature. */
export const MISSING_BIN = 255;

/** The most non-missing bins a feature can have. */
export const MAX_BINS = 255;

/** Rows bin edges are learnt from by default (a random subsample of them when there are more), as scikit-learn's `_BinMapper`. */
export const BIN_SUBSAMPLE = 200_000;

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
export function binEdges(X: Matrix, maxBins = MAX_BINS, rng?: Rng, subsample = BIN_SUBSAMPLE): BinEdges {
  const { rows, cols } = X;
  const sampleRows = binSample(rows, rng, subsample);
  const binner = new ColumnBinner(sampleRows ? sampleRows.length : rows, maxBins);
  const perFeature: Float64Array[] = [];
  for (let f = 0; f < cols; f++) perFeature.push(binner.bin(X, f, sampleRows, null, 0));
  return concatEdges(perFeature);
}

/**
 * Codes `X` with learnt edges into a column-major byte matrix (see codeFeature), a block of its
 * columns per pass over the rows (matrixColumns).
 * @param shared back the codes with a SharedArrayBuffer, for worker threads.
 */
export function applyBins(X: Matrix, binning: BinEdges, shared = false): BinnedData {
  const { edges, edgeOffset, nBins } = binning;
  return { codes: applyBinsToColumns(matrixColumns(X), binning, shared), rows: X.rows, cols: X.cols, nBins, edges, edgeOffset };
}

/**
 * `applyBins(X.toMatrix(), binning).codes`, read a column of X at a time: held-out rows binned at
 * the training edges without a matrix of them.
 */
export function applyBinsToColumns(X: ColumnSource, binning: BinEdges, shared = false): Uint8Array {
  const { rows, cols } = X;
  const { edges, edgeOffset } = binning;
  const codes = newCodes(rows * cols, shared);
  const values = new Float64Array(rows);
  for (let f = 0; f < cols; f++) codeFeature(X.column(f, values), rows, edges.subarray(edgeOffset[f]!, edgeOffset[f + 1]!), codes, f * rows);
  return codes;
}

/**
 * Writes the bin of each value `column[i]` (i < rows) at `codes[base + i]`: the first
 * of `edges` (one feature's, ascending) at or above it, `MISSING_BIN` for NaN. The search of each
 * value reads only the edges of its cell (see EdgeIndex).
 */
export function codeFeature(column: Float64Array, rows: number, edges: Float64Array, codes: Uint8Array, base: number): void {
  const { min, scale, first } = edgeIndex(edges);
  for (let i = 0; i < rows; i++) {
    const v = column[i]!;
    if (v !== v) {
      codes[base + i] = MISSING_BIN;
      continue;
    }
    const c = cellOf(v, min, scale);
    let lo = first[c]!, hi = first[c + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    codes[base + i] = lo;
  }
}

/** Cells of an EdgeIndex. */
const CELLS = 4096;

/**
 * An index over one feature's ascending edges: the range of its finite edges cut into CELLS equal
 * cells, and `first[c]`, how many edges lie in cells before c. A value's cell (`cellOf`) rises
 * with the value, so the edges of earlier cells are below it and those of later cells above: the
 * first edge at or above it is among its own cell's, first[c]..first[c + 1], or is first[c + 1].
 * Quantile edges spread over the cells, so a search reads one or two edges instead of eight.
 */
interface EdgeIndex {
  readonly min: number;
  readonly scale: number;
  readonly first: Int32Array;
}

function edgeIndex(edges: Float64Array): EdgeIndex {
  let min = 0, max = 0, any = false;
  for (let b = 0; b < edges.length; b++) {
    const e = edges[b]!;
    if (e === Infinity || e === -Infinity) continue;
    if (!any) min = e;
    max = e;
    any = true;
  }
  const scale = max > min && Number.isFinite((CELLS - 1) / (max - min)) ? (CELLS - 1) / (max - min) : 0;
  const first = new Int32Array(CELLS + 1);
  for (let b = 0; b < edges.length; b++) first[cellOf(edges[b]!, min, scale) + 1]!++;
  for (let c = 0; c < CELLS; c++) first[c + 1]! += first[c]!;
  return { min, scale, first };
}

/** The cell of a non-NaN value, 0..CELLS-1: non-decreasing in v (an infinite product, or NaN from 0 x infinity, clamps). */
function cellOf(v: number, min: number, scale: number): number {
  const x = (v - min) * scale;
  return x >= CELLS - 1 ? CELLS - 1 : x > 0 ? Math.floor(x) : 0;
}

/**
 * `applyBins(X, binEdges(X, maxBins, rng))`, in one pass per feature when every row is used: the
 * codes come from the same hashing or sort that finds the edges, not from a search per value.
 */
export function binData(X: Matrix, maxBins = MAX_BINS, rng?: Rng, shared = false, subsample = BIN_SUBSAMPLE): BinnedData {
  const { rows, cols } = X;
  if (rows > subsample) return applyBins(X, binEdges(X, maxBins, rng, subsample), shared);
  const codes = newCodes(rows * cols, shared);
  const binner = new ColumnBinner(rows, maxBins);
  const perFeature: Float64Array[] = [];
  for (let f = 0; f < cols; f++) perFeature.push(binner.bin(X, f, undefined, codes, f * rows));
  return { codes, rows, cols, ...concatEdges(perFeature) };
}

/**
 * `binData(X.toMatrix(), maxBins, rng, shared, subsample)` (the same codes and edges), holding one
 * feature column of X at a time instead of the whole matrix: each column is written into one
 * reused array, its edges found (from the same subsample of rows) and its codes written at once.
 */
export function binColumns(X: ColumnSource, maxBins = MAX_BINS, rng?: Rng, shared = false, subsample = BIN_SUBSAMPLE): BinnedData {
  const { rows, cols } = X;
  const sampleRows = binSample(rows, rng, subsample);
  const codes = newCodes(rows * cols, shared);
  const binner = new ColumnBinner(sampleRows ? sampleRows.length : rows, maxBins);
  const values = new Float64Array(rows);
  const perFeature: Float64Array[] = [];
  for (let f = 0; f < cols; f++) perFeature.push(binColumn(binner, X.column(f, values), sampleRows, codes, f * rows));
  return { codes, rows, cols, ...concatEdges(perFeature) };
}

/** The rows (ascending) bin edges are learnt from: a random `subsample` of them when there are more, else undefined (all). */
export function binSample(rows: number, rng: Rng | undefined, subsample = BIN_SUBSAMPLE): Int32Array | undefined {
  return rows > subsample ? (rng ?? new Rng(0)).permutation(rows).subarray(0, subsample).sort() : undefined;
}

/**
 * One feature of binColumns: the edges of the column `values` (every row's value) learnt from
 * `sampleRows` (all rows when undefined), its codes written at `codes[base..base+rows)`.
 */
export function binColumn(binner: ColumnBinner, values: Float64Array, sampleRows: Int32Array | undefined, codes: Uint8Array, base: number): Float64Array {
  const column: Matrix = { data: values, rows: values.length, cols: 1 };
  if (!sampleRows) return binner.bin(column, 0, undefined, codes, base);
  const edges = binner.bin(column, 0, sampleRows, null, 0);
  codeFeature(values, values.length, edges, codes, base);
  return edges;
}

/** The edges of features binned by several threads (SharedArrayBuffer-backed): feature f's at `f * maxBins`, `edgeCount[f]` of them. */
export interface SharedEdges {
  readonly maxBins: number;
  readonly edges: Float64Array;
  readonly edgeCount: Int32Array;
}

/** Room for `cols` features' edges, at most `maxBins` each. */
export function newSharedEdges(cols: number, maxBins: number): SharedEdges {
  return { maxBins, edges: sharedArray(Float64Array, cols * maxBins), edgeCount: sharedArray(Int32Array, cols) };
}

/** Records feature f's edges `e`. */
export function keepEdges(s: SharedEdges, f: number, e: Float64Array): void {
  s.edges.set(e, f * s.maxBins);
  s.edgeCount[f] = e.length;
}

/** The edges of features 0..cols-1 recorded, concatenated. */
export function keptEdges(s: SharedEdges, cols: number): BinEdges {
  return concatEdges(Array.from({ length: cols }, (_, f) => s.edges.slice(f * s.maxBins, f * s.maxBins + s.edgeCount[f]!)));
}

/**
 * What the threads binning one dataset together share (all SharedArrayBuffer-backed): X, the codes
 * being written, each feature's edges, the next unclaimed feature (`ctrl[0]`) and the features
 * done (`ctrl[1]`).
 */
export interface SharedBinning extends SharedEdges {
  readonly X: Matrix;
  readonly codes: Uint8Array;
  readonly ctrl: Int32Array;
}

/** A SharedBinning of X (every row used), nothing claimed yet. */
export function shareBinning(X: Matrix, maxBins = MAX_BINS): SharedBinning {
  const { rows, cols } = X;
  const data = X.data.buffer instanceof SharedArrayBuffer ? X.data : sharedArray(Float64Array, X.data.length);
  if (data !== X.data) data.set(X.data);
  return { X: { data, rows, cols }, codes: newCodes(rows * cols, true), ...newSharedEdges(cols, maxBins), ctrl: sharedArray(Int32Array, 2) };
}

/**
 * Bins features of a SharedBinning, claimed one at a time, until none is left: what every thread
 * binning the dataset runs. Each feature is binned whole by one thread as binData does it.
 */
export function binClaimed(s: SharedBinning): void {
  const { X, maxBins, codes, ctrl } = s;
  let binner: ColumnBinner | undefined;
  for (let f = Atomics.add(ctrl, 0, 1); f < X.cols; f = Atomics.add(ctrl, 0, 1)) {
    binner ??= new ColumnBinner(X.rows, maxBins);
    keepEdges(s, f, binner.bin(X, f, undefined, codes, f * X.rows));
    Atomics.add(ctrl, 1, 1);
    Atomics.notify(ctrl, 1);
  }
}

/**
 * The caller's side of a SharedBinning: bins claimed features, waits for the others, returns `binData(X)`'s result (codes shared).
 * @param claim how every thread of this binning bins its claimed features (default binClaimed).
 */
export function finishBinning(s: SharedBinning, claim: (s: SharedBinning) => void = binClaimed): BinnedData {
  claim(s);
  const { X, ctrl } = s;
  for (let d = Atomics.load(ctrl, 1); d < X.cols; d = Atomics.load(ctrl, 1)) Atomics.wait(ctrl, 1, d);
  return { codes: s.codes, rows: X.rows, cols: X.cols, ...keptEdges(s, X.cols) };
}

/** The real threshold of the split "bins <= bin go left" of feature `f`. */
export function binThreshold(b: BinEdges, f: number, bin: number): number {
  return bin < b.nBins[f]! - 1 ? b.edges[b.edgeOffset[f]! + bin]! : Infinity;
}

export function newCodes(size: number, shared: boolean): Uint8Array {
  return shared ? sharedArray(Uint8Array, size) : new Uint8Array(size);
}

function concatEdges(perFeature: Float64Array[]): BinEdges {
  const cols = perFeature.length;
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

/** Finds one feature's bin edges (and optionally its codes), with buffers reused across features. */
export class ColumnBinner {
  private readonly values: Float64Array;
  private readonly index: Int32Array;
  private readonly slot: Uint8Array;
  private readonly tmpValues: Float64Array;
  private readonly tmpIndex: Int32Array;
  private readonly few: DistinctSet;

  constructor(rows: number, private readonly maxBins: number) {
    this.values = new Float64Array(rows);
    this.index = new Int32Array(rows);
    this.slot = new Uint8Array(rows);
    this.tmpValues = new Float64Array(rows);
    this.tmpIndex = new Int32Array(rows);
    this.few = new DistinctSet(maxBins);
  }

  /**
   * The edges of feature f over `sampleRows` (all rows when undefined). With `codes`, also writes
   * the bin of every row at `codes[base + row]` (every row must then be sampled).
   */
  bin(X: Matrix, f: number, sampleRows: Int32Array | undefined, codes: Uint8Array | null, base: number): Float64Array {
    const { data, cols } = X;
    const { values, index, slot, few, maxBins } = this;
    const m = sampleRows ? sampleRows.length : X.rows;
    few.clear();
    let k = 0;
    for (let r = 0; r < m; r++) {
      const i = sampleRows ? sampleRows[r]! : r;
      const v = data[i * cols + f]!;
      if (v === v) {
        values[k] = v;
        index[k] = i;
        slot[k++] = few.add(v);
      } else if (codes) codes[base + i] = MISSING_BIN;
    }
    if (!few.overflowed) {
      // few distinct values (one-hot, counts, codes): each is its own bin, edges at the midpoints
      const distinct = few.values();
      const order = Array.from(distinct.keys()).sort((a, b) => distinct[a]! - distinct[b]!);
      const edges = new Float64Array(Math.max(order.length - 1, 0));
      for (let j = 0; j + 1 < order.length; j++) edges[j] = (distinct[order[j]!]! + distinct[order[j + 1]!]!) / 2;
      if (codes) {
        const rank = new Uint8Array(order.length);
        order.forEach((s, j) => (rank[s] = j));
        for (let j = 0; j < k; j++) codes[base + index[j]!] = rank[slot[j]!]!;
      }
      return edges;
    }
    // more than maxBins distinct values: quantiles at maxBins-1 inner cut points, deduplicated
    const sorted = values.subarray(0, k);
    const rowOf = index.subarray(0, k);
    sortWithIndex(sorted, rowOf, this.tmpValues, this.tmpIndex);
    const cuts: number[] = [];
    for (let q = 1; q < maxBins; q++) {
      const pos = (q / maxBins) * (k - 1);
      const lo = Math.floor(pos);
      const hi = Math.min(lo + 1, k - 1);
      const a = sorted[lo]!, b = sorted[hi]!;
      const v = lo === hi || a === b ? a : (a + b) / 2;
      if (cuts.length === 0 || v > cuts[cuts.length - 1]!) cuts.push(v);
    }
    // a cut equal to the maximum would leave an empty last bin
    while (cuts.length > 0 && cuts[cuts.length - 1]! >= sorted[k - 1]!) cuts.pop();
    const edges = Float64Array.from(cuts);
    if (codes) {
      // walking the values in order, the bin (first edge >= value) only moves up
      let b = 0;
      for (let j = 0; j < k; j++) {
        const v = sorted[j]!;
        while (b < edges.length && edges[b]! < v) b++;
        codes[base + rowOf[j]!] = b;
      }
    }
    return edges;
  }
}

/**
 * The distinct values added, up to `limit` of them (open addressing on the value's bits; -0 counts
 * as 0); past the limit it only records that it overflowed.
 */
class DistinctSet {
  private readonly keys: Float64Array;
  private readonly slots: Int16Array;
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
    this.slots = new Int16Array(cap);
    this.mask = cap - 1;
    this.found = new Float64Array(limit);
  }

  clear(): void {
    this.slots.fill(-1);
    this.size = 0;
    this.overflowed = false;
  }

  /** Adds v; returns its insertion number (0 once overflowed). */
  add(v: number): number {
    if (this.overflowed) return 0;
    const x = v + 0;
    this.bits[0] = x;
    // murmur3's finaliser over both words: integers as doubles differ only in their high bits
    let h = this.words[0]! ^ Math.imul(this.words[1]!, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
    for (;;) {
      h &= this.mask;
      const s = this.slots[h]!;
      if (s < 0) break;
      if (this.keys[h] === x) return s;
      h++;
    }
    if (this.size === this.limit) {
      this.overflowed = true;
      return 0;
    }
    this.slots[h] = this.size;
    this.keys[h] = x;
    this.found[this.size] = x;
    return this.size++;
  }

  /** A copy of the distinct values, in insertion order. */
  values(): Float64Array {
    return this.found.slice(0, this.size);
  }
}

/** Bits of each 11-bit radix digit pass: three over the low word of a float64, three over the high word. */
const DIGIT_SHIFT = [0, 11, 22, 0, 11, 22];
const DIGIT_MASK = [2047, 2047, 1023, 2047, 2047, 1023];

/**
 * Sorts `values` ascending (as Float64Array.prototype.sort: -0 before 0; no NaN) and permutes
 * `index` alongside, by an LSD radix sort on the values' bits (six 11-bit digits, a pass skipped
 * when every value has the same digit). `tmpValues` and `tmpIndex` are scratch of at least the same length.
 */
export function sortWithIndex(values: Float64Array, index: Int32Array, tmpValues: Float64Array, tmpIndex: Int32Array): void {
  const n = values.length;
  let src = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  let dst = new Uint32Array(tmpValues.buffer, tmpValues.byteOffset, 2 * n);
  let srcI = index, dstI = tmpIndex.subarray(0, n);
  // order-preserving unsigned keys: negative values get every bit flipped, others the sign bit
  for (let i = 0; i < n; i++) {
    const hi = src[2 * i + 1]!;
    const neg = hi >>> 31;
    src[2 * i + 1] = hi ^ (neg === 1 ? 0xffffffff : 0x80000000);
    src[2 * i] = src[2 * i]! ^ (neg === 1 ? 0xffffffff : 0);
  }
  const counts = new Int32Array(6 * 2048);
  for (let i = 0; i < n; i++) {
    const lo = src[2 * i]!, hi = src[2 * i + 1]!;
    counts[lo & 2047]!++;
    counts[2048 + ((lo >>> 11) & 2047)]!++;
    counts[4096 + (lo >>> 22)]!++;
    counts[6144 + (hi & 2047)]!++;
    counts[8192 + ((hi >>> 11) & 2047)]!++;
    counts[10240 + (hi >>> 22)]!++;
  }
  for (let p = 0; p < 6; p++) {
    const off = p * 2048, shift = DIGIT_SHIFT[p]!, mask = DIGIT_MASK[p]!, word = p < 3 ? 0 : 1;
    let b = 0;
    while (counts[off + b] === 0) b++;
    if (counts[off + b] === n) continue;
    let sum = 0;
    for (let d = 0; d <= mask; d++) {
      const c = counts[off + d]!;
      counts[off + d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const lo = src[2 * i]!, hi = src[2 * i + 1]!;
      const j = counts[off + (((word === 0 ? lo : hi) >>> shift) & mask)]!++;
      dst[2 * j] = lo;
      dst[2 * j + 1] = hi;
      dstI[j] = srcI[i]!;
    }
    [src, dst] = [dst, src];
    [srcI, dstI] = [dstI, srcI];
  }
  // back to float bits (the sign bit of a key is set for non-negative values), into `values`
  const out = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) {
    const hi = src[2 * i + 1]!;
    const pos = hi >>> 31;
    out[2 * i + 1] = hi ^ (pos === 1 ? 0x80000000 : 0xffffffff);
    out[2 * i] = src[2 * i]! ^ (pos === 1 ? 0 : 0xffffffff);
  }
  if (srcI !== index) index.set(srcI);
}

const rowMajorCache = new WeakMap<Uint8Array, Uint8Array>();

/**
 * The codes row-major (`[i * cols + f]`), missing values mapped to each feature's own missing slot
 * `nBins[f]`: what building all features' histograms of a scattered set of rows reads, one cache
 * line per row instead of one per row and feature. Made once per codes array (cached).
 */
export function rowMajorCodes(data: BinnedData): Uint8Array {
  const cached = rowMajorCache.get(data.codes);
  if (cached) return cached;
  const out = writeRowMajorCodes(data, new Uint8Array(data.rows * data.cols));
  rowMajorCache.set(data.codes, out);
  return out;
}

/** Writes `rowMajorCodes(data)` into `out` (rows x cols bytes) and returns it. */
export function writeRowMajorCodes(data: BinnedData, out: Uint8Array): Uint8Array {
  const { codes, rows, cols, nBins } = data;
  for (let f = 0; f < cols; f++) {
    const nb = nBins[f]!, base = f * rows;
    for (let i = 0; i < rows; i++) {
      const b = codes[base + i]!;
      out[i * cols + f] = b > nb ? nb : b;
    }
  }
  return out;
}
