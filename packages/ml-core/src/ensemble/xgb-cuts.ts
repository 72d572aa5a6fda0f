import type { Matrix } from "../core/matrix";
import { applyBins, MAX_BINS, type BinnedData } from "../tree/binner";

/** One entry of a quantile summary: a distinct value and the ranks below and up to it. */
interface Entry {
  readonly value: number;
  readonly rmin: number;
  readonly rmax: number;
  readonly wmin: number;
}

/** XGBoost's WQSketch::kFactor: the intermediate summary keeps max_bin times this many entries. */
const SKETCH_FACTOR = 8;
const f32 = Math.fround;

/**
 * XGBoost 1.7's `hist` cuts of one feature (`HostSketchContainer::MakeCuts`), from the exact
 * summary of its values: pruned to the sketch's limit size, then to min(n, 8 max_bin) entries,
 * then to max_bin + 1, whose values from the second on are the cuts (`AddCutPoint`). A bin holds the values from one cut up to, not
 * including, the next. XGBoost works in float32, and so does this (values and rank arithmetic).
 * When the values overflow the sketch's queue (more than 2 limit_size of them: over 4,098 at
 * max_bin 256) XGBoost's streaming sketch is itself approximate, and the cuts here are close to,
 * not always equal to, XGBoost's.
 * @param values the feature's non-missing values.
 * @returns ascending interior cuts (the last, above every value, is left out).
 */
export function xgbCuts(values: Float64Array, maxBin: number): Float64Array {
  const n = values.length;
  if (n === 0) return new Float64Array(0);
  const exact = exactSummary(Float32Array.from(values).sort());
  // the sketch's own summary, when all values fit its queue (WQuantileSketch::GetSummary)
  const limit = sketchLimit(n, Math.min(maxBin, n));
  const summary = n <= 2 * limit ? setPrune(exact, limit) : exact;
  const intermediate = Math.min(n, maxBin * SKETCH_FACTOR);
  const bins = Math.min(intermediate, maxBin);
  const final = setPrune(setPrune(summary, intermediate), bins + 1);
  const cuts: number[] = [];
  for (let i = 1; i < Math.min(final.length, bins); i++) {
    const v = final[i]!.value;
    if (i === 1 || v > cuts[cuts.length - 1]!) cuts.push(v);
  }
  return Float64Array.from(cuts);
}

/** WQuantileSketch::Init's limit_size for n values at eps = 1 / (8 bins). */
function sketchLimit(n: number, bins: number): number {
  for (let level = 1; ; level++) {
    const limit = Math.min(n, level * bins * SKETCH_FACTOR + 1);
    if (2 ** level * limit >= n) return limit;
  }
}

/** Each distinct value of ascending `sorted` with its rank range (WQSummary::MakeSummary). */
function exactSummary(sorted: Float32Array): Entry[] {
  const out: Entry[] = [];
  let rank = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    const w = j - i;
    out.push({ value: sorted[i]!, rmin: rank, rmax: rank + w, wmin: w });
    rank += w;
    i = j;
  }
  return out;
}

/** WQSummary::SetPrune: at most `maxSize` entries at evenly spaced ranks, the first and last kept. */
function setPrune(src: Entry[], maxSize: number): Entry[] {
  if (src.length <= maxSize) return src;
  const begin = src[0]!.rmax;
  const range = f32(src[src.length - 1]!.rmin - begin);
  const n = maxSize - 1;
  const out: Entry[] = [src[0]!];
  let i = 1, last = 0;
  for (let k = 1; k < n; k++) {
    const dx2 = f32(2 * f32(f32(f32(k * range) / n) + begin));
    while (i < src.length - 1 && dx2 >= f32(src[i + 1]!.rmax + src[i + 1]!.rmin)) i++;
    if (i === src.length - 1) break;
    const a = src[i]!, b = src[i + 1]!;
    const pick = dx2 < f32(f32(a.rmin + a.wmin) + f32(b.rmax - b.wmin)) ? i : i + 1;
    if (pick !== last) {
      out.push(src[pick]!);
      last = pick;
    }
  }
  if (last !== src.length - 1) out.push(src[src.length - 1]!);
  return out;
}

/**
 * X binned at XGBoost's cuts: a value goes to the bin of the last cut at or below it, as XGBoost's
 * `x < cut` splits read it. Our codes hold at most 255 value bins: with 256 (max_bin 256 on a
 * feature with that many distinct values) the top two are merged.
 */
export function xgbBinData(X: Matrix, maxBin: number): BinnedData {
  const { rows, cols, data } = X;
  const perFeature: Float64Array[] = [];
  const column = new Float64Array(rows);
  for (let f = 0; f < cols; f++) {
    let m = 0;
    for (let i = 0; i < rows; i++) {
      const v = data[i * cols + f]!;
      if (v === v) column[m++] = v;
    }
    const cuts = xgbCuts(column.subarray(0, m), maxBin).subarray(0, MAX_BINS - 1);
    // bin = first edge >= v: each cut's edge is the largest double below it in float32
    perFeature.push(cuts.map(belowInFloat32));
  }
  const nBins = Int32Array.from(perFeature, (e) => e.length + 1);
  const edgeOffset = new Int32Array(cols + 1);
  perFeature.forEach((e, f) => (edgeOffset[f + 1] = edgeOffset[f]! + e.length));
  const edges = new Float64Array(edgeOffset[cols]!);
  perFeature.forEach((e, f) => edges.set(e, edgeOffset[f]!));
  return applyBins(X, { nBins, edges, edgeOffset });
}

const box64 = new Float64Array(1);
const bits64 = new BigInt64Array(box64.buffer);
const box32 = new Float32Array(1);
const bits32 = new Int32Array(box32.buffer);

/** The largest double below finite `x`. */
function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  box64[0] = x;
  bits64[0] = x > 0 ? bits64[0]! - 1n : bits64[0]! + 1n;
  return box64[0]!;
}

/** The float32 below float32 `c`. */
function previousFloat32(c: number): number {
  if (c === 0) return -1.401298464324817e-45;
  box32[0] = c;
  bits32[0] = c > 0 ? bits32[0]! - 1 : bits32[0]! + 1;
  return box32[0]!;
}

/**
 * The largest double x with fround(x) < c, for a float32 cut c: XGBoost compares float32 values,
 * `x < c`, and a tree here compares doubles, `x <= threshold`.
 */
export function belowInFloat32(c: number): number {
  const mid = (c + previousFloat32(c)) / 2; // exact: a float32 midpoint needs 25 bits of mantissa
  return Math.fround(mid) < c ? mid : nextDown(mid);
}
