import type { Matrix } from "../core/matrix";
import { identity } from "../core/rng";
import { keepEdges, MAX_BINS, MISSING_BIN, type BinnedData, type SharedBinning } from "../tree/binner";
import { RADIX_SORT_WASM } from "../wasm/radix-sort.wasm";
import { allocator, compileKernel, instantiate, MAX_KERNEL_BYTES, memory } from "../wasm/loader";

/**
 * The exact quantile summary of one feature (WQSummary::MakeSummary): each distinct value with
 * its weight (count) and the rank below it (rmin; rmax = rmin + w). A pruned summary is a list of
 * indices into it: SetPrune copies entries, never changes them.
 */
export interface Exact {
  readonly value: Float32Array;
  readonly rmin: Float64Array;
  readonly w: Float64Array;
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
  return cutsOfSorted(Float32Array.from(values).sort(), maxBin);
}

/**
 * xgbCuts of float32 values already in ascending order.
 * @param room buffers for the exact summary and its entries' indices (at least sorted.length each), else new ones.
 */
function cutsOfSorted(sorted: Float32Array, maxBin: number, room?: SummaryRoom): Float64Array {
  if (sorted.length === 0) return new Float64Array(0);
  const exact = exactSummary(sorted, room);
  return cutsOfSummary(exact, sorted.length, maxBin, room?.all.subarray(0, exact.value.length));
}

/** Buffers for the exact summaries of columns of up to `rows` values, reused column after column. */
class SummaryRoom {
  readonly value: Float32Array;
  readonly rmin: Float64Array;
  readonly w: Float64Array;
  /** 0..rows-1. */
  readonly all: Int32Array;

  constructor(rows: number) {
    this.value = new Float32Array(rows);
    this.rmin = new Float64Array(rows);
    this.w = new Float64Array(rows);
    this.all = identity(rows);
  }
}

/**
 * xgbCuts of n values from their exact summary.
 * @param all 0..entries-1 (the summary's entries), else made here.
 */
function cutsOfSummary(exact: Exact, n: number, maxBin: number, all = identity(exact.value.length)): Float64Array {
  // the sketch's own summary, when all values fit its queue (WQuantileSketch::GetSummary)
  const limit = sketchLimit(n, Math.min(maxBin, n));
  const summary = n <= 2 * limit ? setPrune(exact, all, limit) : all;
  const intermediate = Math.min(n, maxBin * SKETCH_FACTOR);
  const bins = Math.min(intermediate, maxBin);
  const final = setPrune(exact, setPrune(exact, summary, intermediate), bins + 1);
  const cuts: number[] = [];
  for (let i = 1; i < Math.min(final.length, bins); i++) {
    const v = exact.value[final[i]!]!;
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

/** Each distinct value of ascending `sorted` with its count and the rank below it (in `room`'s buffers when given). */
function exactSummary(sorted: Float32Array, room?: SummaryRoom): Exact {
  const n = sorted.length;
  const value = room?.value ?? new Float32Array(n), rmin = room?.rmin ?? new Float64Array(n), w = room?.w ?? new Float64Array(n);
  let e = -1, last = NaN;
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    if (v !== last) {
      value[++e] = last = v;
      rmin[e] = i;
      w[e] = 1;
    } else w[e]! += 1;
  }
  return { value: value.subarray(0, e + 1), rmin: rmin.subarray(0, e + 1), w: w.subarray(0, e + 1) };
}

/** The exact summary of a column's distinct values `value` (float32) and their counts, both in any order. */
function summaryOfCounts(value: Float32Array, count: Int32Array): Exact {
  const order = Array.from(value.keys()).sort((a, b) => value[a]! - value[b]!);
  const exact = { value: new Float32Array(order.length), rmin: new Float64Array(order.length), w: new Float64Array(order.length) };
  for (let e = 0, below = 0; e < order.length; e++) {
    exact.value[e] = value[order[e]!]!;
    exact.rmin[e] = below;
    exact.w[e] = count[order[e]!]!;
    below += count[order[e]!]!;
  }
  return exact;
}

/**
 * WQSummary::SetPrune: at most `maxSize` of the entries `src` (indices into `s`) at evenly spaced
 * ranks, the first and last kept; in float32 rank arithmetic as XGBoost's.
 */
export function setPrune(s: Exact, src: Int32Array, maxSize: number): Int32Array {
  if (src.length <= maxSize) return src;
  const rmin = (j: number) => s.rmin[src[j]!]!;
  const rmax = (j: number) => s.rmin[src[j]!]! + s.w[src[j]!]!;
  const wmin = (j: number) => s.w[src[j]!]!;
  // nondecreasing in j (rmin and rmax rise entry by entry)
  const key = (j: number) => f32(rmax(j) + rmin(j));
  const size = src.length;
  const begin = rmax(0);
  const range = f32(rmin(size - 1) - begin);
  const n = maxSize - 1;
  const out: number[] = [src[0]!];
  let i = 1, last = 0;
  for (let k = 1; k < n; k++) {
    const dx2 = f32(2 * f32(f32(f32(k * range) / n) + begin));
    // XGBoost's walk `while (i < size - 1 && dx2 >= key(i + 1)) i++`, galloping then halving:
    // the same i, in log steps where a step skips thousands of entries
    let step = 1;
    while (i + step <= size - 1 && key(i + step) <= dx2) {
      i += step;
      step *= 2;
    }
    for (let hi = Math.min(i + step, size); hi - i > 1; ) {
      const mid = (i + hi) >> 1;
      if (key(mid) <= dx2) i = mid;
      else hi = mid;
    }
    if (i === size - 1) break;
    const pick = dx2 < f32(f32(rmin(i) + wmin(i)) + f32(rmax(i + 1) - wmin(i + 1))) ? i : i + 1;
    if (pick !== last) {
      out.push(src[pick]!);
      last = pick;
    }
  }
  if (last !== size - 1) out.push(src[size - 1]!);
  return Int32Array.from(out);
}

/**
 * X binned at XGBoost's cuts: a value goes to the bin of the last cut at or below it, as XGBoost's
 * `x < cut` splits read it. Our codes hold at most 255 value bins: with 256 (max_bin 256 on a
 * feature with that many distinct values) the top two are merged.
 */
export function xgbBinData(X: Matrix, maxBin: number, countFew = true): BinnedData {
  const codes = new Uint8Array(X.rows * X.cols);
  const binner = new XgbColumnBinner(X.rows, countFew);
  const perFeature: Float64Array[] = [];
  for (let f0 = 0; f0 < X.cols; f0 += BLOCK_FEATURES) perFeature.push(...binner.binBlock(X, f0, Math.min(X.cols, f0 + BLOCK_FEATURES), maxBin, codes));
  const nBins = Int32Array.from(perFeature, (e) => e.length + 1);
  const edgeOffset = new Int32Array(X.cols + 1);
  perFeature.forEach((e, f) => (edgeOffset[f + 1] = edgeOffset[f]! + e.length));
  const edges = new Float64Array(edgeOffset[X.cols]!);
  perFeature.forEach((e, f) => edges.set(e, edgeOffset[f]!));
  return { codes, rows: X.rows, cols: X.cols, nBins, edges, edgeOffset };
}

/**
 * Features binned together: their values are read from X's rows in one pass (a row's values of
 * neighbouring features share a cache line, where a pass per feature read every line once per
 * feature), as float32 (the values binned; NaN stays NaN).
 */
const BLOCK_FEATURES = 5;

/**
 * xgbBinData's binning of a block of features at a time, with buffers for `rows` rows reused block
 * after block: what each thread binning a dataset together runs.
 */
class XgbColumnBinner {
  /** A block's values, feature by feature (BLOCK_FEATURES x rows, made on first use). */
  private block: Float32Array | undefined;
  private readonly rowOf: Int32Array;
  private readonly sorter: RadixSorter;
  private readonly few: FewValues | undefined;
  private readonly room: SummaryRoom;

  /** @param countFew bin a column of at most max_bin distinct values from their counts, without sorting it (the same bins). */
  constructor(rows: number, countFew = true) {
    this.room = new SummaryRoom(rows);
    this.rowOf = new Int32Array(rows);
    this.sorter = new RadixSorter(rows);
    this.few = countFew ? new FewValues(rows) : undefined;
  }

  /** Bins features f0..f1-1 (at most BLOCK_FEATURES) into codes; returns their edges. */
  binBlock(X: Matrix, f0: number, f1: number, maxBin: number, codes: Uint8Array): Float64Array[] {
    const { rows, cols, data } = X;
    const block = (this.block ??= new Float32Array(BLOCK_FEATURES * rows));
    const width = f1 - f0;
    for (let i = 0, at = f0; i < rows; i++, at += cols) for (let j = 0; j < width; j++) block[j * rows + i] = data[at + j]!;
    const edges: Float64Array[] = [];
    for (let j = 0; j < width; j++) edges.push(this.bin(block.subarray(j * rows, (j + 1) * rows), f0 + j, maxBin, codes));
    return edges;
  }

  /**
   * Writes the codes of feature f, whose values are `column`, into codes[f rows..(f+1) rows);
   * returns its edges (at most MAX_BINS - 1). Moves the column's non-missing values to its front.
   */
  private bin(column: Float32Array, f: number, maxBin: number, codes: Uint8Array): Float64Array {
    const rows = column.length;
    const rowOf = this.rowOf;
    const base = f * rows;
    let m = 0;
    for (let i = 0; i < rows; i++) {
      const v = column[i]!;
      if (v === v) {
        column[m] = v;
        rowOf[m++] = i;
      } else codes[base + i] = MISSING_BIN;
    }
    const values = column.subarray(0, m);
    const rowsOf = m === rows ? undefined : rowOf;
    const few = this.few?.count(values, maxBin);
    if (few) {
      const cuts = cutsOfSummary(summaryOfCounts(few.value, few.count), m, maxBin).subarray(0, MAX_BINS - 1);
      this.few!.assign(codes.subarray(base, base + rows), cuts, rowsOf);
      return cuts.map(belowInFloat32);
    }
    const { sorted, order } = this.sorter.sort(values);
    const cuts = cutsOfSorted(sorted, maxBin, this.room).subarray(0, MAX_BINS - 1);
    // without missing values the positions sorted are the rows
    assignBins(codes.subarray(base, base + rows), sorted, cuts, order, rowsOf);
    // the same bins for doubles: each cut's edge is the largest double below it in float32
    return cuts.map(belowInFloat32);
  }
}

/**
 * Bins features of a SharedBinning at XGBoost's cuts (its `maxBins` is max_bin: room for every
 * feature's edges), claimed a block at a time, until none is left: binClaimed for xgbBinData, each
 * feature binned whole by one thread.
 */
export function xgbBinClaimed(s: SharedBinning): void {
  const { X, maxBins, codes, ctrl } = s;
  let binner: XgbColumnBinner | undefined;
  for (let f0 = Atomics.add(ctrl, 0, BLOCK_FEATURES); f0 < X.cols; f0 = Atomics.add(ctrl, 0, BLOCK_FEATURES)) {
    binner ??= new XgbColumnBinner(X.rows);
    const f1 = Math.min(X.cols, f0 + BLOCK_FEATURES);
    binner.binBlock(X, f0, f1, maxBins, codes).forEach((e, j) => keepEdges(s, f0 + j, e));
    Atomics.add(ctrl, 1, f1 - f0);
    Atomics.notify(ctrl, 1);
  }
}

/**
 * Each sorted value's bin, the number of cuts at or below it (XGBoost's x < cut goes left), into
 * `codes` at its row: `rowOf[order[j]]`, or `order[j]` without `rowOf`.
 */
function assignBins(codes: Uint8Array, sorted: Float32Array, cuts: Float64Array, order: Int32Array, rowOf: Int32Array | undefined): void {
  const m = sorted.length;
  for (let j = 0, b = 0; j < m; j++) {
    const x = sorted[j]!;
    while (b < cuts.length && cuts[b]! <= x) b++;
    codes[rowOf ? rowOf[order[j]!]! : order[j]!] = b;
  }
}

/**
 * A column's distinct float32 values and their counts, when it has few (one-hot, flags, small
 * integers), by open addressing on their bits (-0 counted as 0): binning such a column needs no
 * sort. Remembers each value's entry to assign the bins after.
 */
class FewValues {
  private readonly slots = new Int32Array(FEW_SLOTS);
  private readonly bits = new Int32Array(FEW_SLOTS);
  private readonly counts = new Int32Array(FEW_SLOTS);
  /** Each value's entry (index into bits and counts). */
  private readonly entry: Uint16Array;
  private m = 0;
  private distinct = 0;

  constructor(rows: number) {
    this.entry = new Uint16Array(rows);
  }

  /** The distinct values and their counts, or undefined when there are more than `limit` (at most 256) of them. */
  count(values: Float32Array, limit: number): { value: Float32Array; count: Int32Array } | undefined {
    const { slots, bits, counts, entry } = this;
    const vbits = new Int32Array(values.buffer, values.byteOffset, values.length);
    slots.fill(-1);
    let d = 0;
    for (let j = 0; j < vbits.length; j++) {
      const b = vbits[j] === NEGATIVE_ZERO ? 0 : vbits[j]!;
      let s = Math.imul(b, 0x9e3779b1) >>> (32 - FEW_SLOT_BITS);
      let e = slots[s]!;
      while (e >= 0 && bits[e] !== b) e = slots[(s = (s + 1) & (FEW_SLOTS - 1))]!;
      if (e < 0) {
        if (d === limit) return undefined;
        slots[s] = e = d++;
        bits[e] = b;
        counts[e] = 0;
      }
      counts[e]! += 1;
      entry[j] = e;
    }
    this.m = vbits.length;
    this.distinct = d;
    return { value: new Float32Array(bits.buffer, 0, d).slice(), count: counts.slice(0, d) };
  }

  /** The counted values' bins (the number of cuts at or below each) into codes at their rows: rowOf[j], or j without rowOf. */
  assign(codes: Uint8Array, cuts: Float64Array, rowOf: Int32Array | undefined): void {
    const value = new Float32Array(this.bits.buffer, 0, this.distinct);
    const binOf = new Uint8Array(this.distinct);
    for (let e = 0; e < this.distinct; e++) {
      let b = 0;
      while (b < cuts.length && cuts[b]! <= value[e]!) b++;
      binOf[e] = b;
    }
    const entry = this.entry;
    if (rowOf) for (let j = 0; j < this.m; j++) codes[rowOf[j]!] = binOf[entry[j]!]!;
    else for (let j = 0; j < this.m; j++) codes[j] = binOf[entry[j]!]!;
  }
}

/** FewValues's hash table: four times the 256 values it may hold. */
const FEW_SLOT_BITS = 10;
const FEW_SLOTS = 1 << FEW_SLOT_BITS;
/** The bits of float32 -0 as an int32. */
const NEGATIVE_ZERO = -0x80000000;

/**
 * Sorts float32 values with their positions by LSD radix sort, three passes of 11 bits of an
 * order-preserving key (sign flipped, negatives inverted): linear time, where a comparison sort
 * of each 200k-row column was most of a fit's binning. The three digits are counted in one read
 * of the keys, and a digit every key shares (the top one of values of one sign and magnitude) is
 * not passed over.
 */
export class RadixSorter {
  private readonly keys: Uint32Array[];
  private readonly idx: Int32Array[];
  /** Each digit's counts, then their running sums: RADIX + 1 per digit. */
  private readonly count: Int32Array;
  /** wasm/radix-sort.wat over a memory holding the buffers, where WebAssembly runs. */
  private readonly kernel: { sort: (values: number, m: number, ka: number, kb: number, ia: number, ib: number, count: number, sorted: number) => number } | undefined;
  private readonly values: Float32Array | undefined;
  private readonly sorted: Float32Array | undefined;

  /** @param useKernel sort in WebAssembly where it runs and `capacity` fits one memory (the same order as in JS). */
  constructor(capacity: number, useKernel = true) {
    const countLength = RADIX_DIGITS * (RADIX + 1);
    const module = useKernel ? compileKernel(RADIX_SORT_WASM) : null;
    // six arrays of `capacity` 4-byte values and the counts, each 16-byte aligned
    const bytes = 4 * (6 * capacity + countLength) + 7 * 16;
    if (!module || bytes > MAX_KERNEL_BYTES) {
      this.keys = [new Uint32Array(capacity), new Uint32Array(capacity)];
      this.idx = [new Int32Array(capacity), new Int32Array(capacity)];
      this.count = new Int32Array(countLength);
      return;
    }
    const mem = memory(bytes);
    const { take } = allocator();
    const u32 = () => new Uint32Array(mem.buffer, take(4 * capacity), capacity);
    const i32 = () => new Int32Array(mem.buffer, take(4 * capacity), capacity);
    const f32 = () => new Float32Array(mem.buffer, take(4 * capacity), capacity);
    this.values = f32();
    this.sorted = f32();
    this.keys = [u32(), u32()];
    this.idx = [i32(), i32()];
    this.count = new Int32Array(mem.buffer, take(4 * countLength), countLength);
    this.kernel = instantiate(module, mem);
  }

  /** `values` ascending, and for each sorted position the position it came from (views into reused buffers, valid until the next sort). */
  sort(values: Float32Array): { sorted: Float32Array; order: Int32Array } {
    const m = values.length, kernel = this.kernel;
    if (kernel) {
      this.values!.set(values);
      const at = (a: { byteOffset: number }) => a.byteOffset;
      const [ka, kb] = this.keys, [ia, ib] = this.idx;
      const from = kernel.sort(at(this.values!), m, at(ka!), at(kb!), at(ia!), at(ib!), at(this.count), at(this.sorted!));
      return { sorted: this.sorted!.subarray(0, m), order: this.idx[from]!.subarray(0, m) };
    }
    const bits = new Uint32Array(values.buffer, values.byteOffset, m);
    const count = this.count;
    count.fill(0);
    let from = 0;
    const ka = this.keys[0]!, ia = this.idx[0]!;
    for (let j = 0; j < m; j++) {
      const b = bits[j]!;
      const k = (b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
      ka[j] = k;
      ia[j] = j;
      count[(k & RADIX_MASK) + 1]! += 1;
      count[RADIX + 1 + ((k >>> RADIX_BITS) & RADIX_MASK) + 1]! += 1;
      count[2 * (RADIX + 1) + (k >>> (2 * RADIX_BITS)) + 1]! += 1;
    }
    for (let digit = 0; digit < RADIX_DIGITS; digit++) {
      const c = digit * (RADIX + 1);
      let shared = false;
      for (let d = 1; d <= RADIX; d++) {
        if (count[c + d] === m) shared = true;
        count[c + d]! += count[c + d - 1]!;
      }
      if (shared) continue;
      this.pass(this.keys[from]!, this.idx[from]!, this.keys[1 - from]!, this.idx[1 - from]!, m, digit * RADIX_BITS, c);
      from = 1 - from;
    }
    // the values back from their sorted keys (in order, where reading values[ia[j]] jumps about)
    const sorted = new Float32Array(m);
    const sortedBits = new Uint32Array(sorted.buffer);
    const keys = this.keys[from]!;
    for (let j = 0; j < m; j++) {
      const k = keys[j]!;
      sortedBits[j] = k & 0x80000000 ? k ^ 0x80000000 : ~k;
    }
    return { sorted, order: this.idx[from]!.subarray(0, m) };
  }

  /** One stable scatter on the digit at `shift`, from (ka, ia) into (kb, ib), by the running counts at count[c..]. */
  private pass(ka: Uint32Array, ia: Int32Array, kb: Uint32Array, ib: Int32Array, m: number, shift: number, c: number): void {
    const count = this.count;
    for (let j = 0; j < m; j++) {
      const k = ka[j]!;
      const at = count[c + ((k >>> shift) & RADIX_MASK)]!++;
      kb[at] = k;
      ib[at] = ia[j]!;
    }
  }
}

const RADIX_BITS = 11;
const RADIX_DIGITS = 3;
const RADIX = 1 << RADIX_BITS;
const RADIX_MASK = RADIX - 1;

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
