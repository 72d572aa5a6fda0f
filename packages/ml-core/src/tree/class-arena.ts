import type { Rng } from "../core/rng";
import { MISSING_BIN, type BinnedData } from "./binner";
import { allocator } from "../wasm/loader";
import { instantiate, kernelMemory, type Kernels } from "./kernels";

/**
 * One thread's WebAssembly memory for growing class trees with features drawn per node (random
 * forests): the binned codes (copied once), the grower's row order, and per row its class and
 * weight, so that a drawn feature's histogram of a node's rows (per bin, `width` float64: class
 * weights, then the row count when counted, zero-padded to an even width) is one kernel call,
 * adding each row's weight to its class alone (as many adds for 26 classes as for 2), reading
 * no gathered copy; for
 * gini without a row count a whole node's draws, builds and scans are one call (`drawScanGini`).
 * Also partitions the rows. The same arithmetic in the same order as the JS loops of hist-loops.ts,
 * hence the same trees.
 *
 * The constructor throws where WebAssembly SIMD with shared memory is not available or the data is
 * too large; see `classArenaFor`.
 */
export class ClassArena {
  /** The grower's row order (length n). */
  readonly rows: Int32Array;
  /** Per row, its class slot's byte offset in a bin (8 x class). */
  private readonly cls: Int32Array;
  /** Per row, its weight. */
  private readonly wt: Float64Array;
  /** The count slot's byte offset in a bin when counted (8 x classes), else -1. */
  private countAt = -1;
  /** One feature's histogram (256 bins of `width`), where `addRows` builds. */
  readonly scratch: Float64Array;
  /** The grower's feature order (length F), kept across a tree's nodes. */
  readonly perm: Int32Array;
  /** 1 for the features known constant at the node being split (all 0 between nodes). */
  readonly isConst: Uint8Array;
  /** Missing rows seen by the last `partition`. */
  missing = 0;
  /** The last `drawScanGini`: best score, its feature (-1 when none), bin and missing direction, and the features found constant. */
  best = -Infinity;
  feature = -1;
  bin = 0;
  missingLeft = false;
  readonly found: Int32Array;
  /** The best split's left statistics (width float64) after `drawScanGini`. */
  readonly left: Float64Array;
  private readonly kernels: Kernels;
  private readonly codes: number;
  private readonly rowsAt: number;
  private readonly clsAt: number;
  private readonly wtAt: number;
  private readonly scratchAt: number;
  private readonly twinAt: number;
  private readonly scalarAt: number;
  /** Where a partition puts the rows going right (n int32). */
  private readonly rightAt: number;
  private readonly scalar: Int32Array;
  private readonly args: Int32Array;
  private readonly nodeBlock: Float64Array;
  private readonly known: Int32Array;
  private readonly rngState: Int32Array;
  private readonly argsAt: number;

  /**
   * @param data the binned features (codes copied in).
   * @param width float64 per row and bin: an even number, at least the classes (plus 1 when counted).
   */
  constructor(readonly data: BinnedData, readonly width: number) {
    const { rows: n, cols: F } = data;
    const { take, end } = allocator();
    this.codes = take(n * F);
    this.rowsAt = take(4 * n);
    this.clsAt = take(4 * n);
    this.wtAt = take(8 * n);
    this.scratchAt = take(8 * width * 256);
    this.twinAt = take(8 * width * 256);
    this.scalarAt = take(4);
    this.rightAt = take(4 * n);
    const argsAt = take(4 * 26), nodeAt = take(8 * (1 + 2 * width)), sLAt = take(8 * width), presentAt = take(4 * width), markAt = take(width);
    const permAt = take(4 * F), isConstAt = take(F), knownAt = take(4 * F), foundAt = take(4 * F), rngAt = take(16), nBinsAt = take(4 * F);
    const { module, memory } = kernelMemory(end());
    const buf = memory.buffer;
    new Uint8Array(buf, this.codes, n * F).set(data.codes);
    this.kernels = instantiate(module, memory);
    this.rows = new Int32Array(buf, this.rowsAt, n);
    this.cls = new Int32Array(buf, this.clsAt, n);
    this.wt = new Float64Array(buf, this.wtAt, n);
    this.scratch = new Float64Array(buf, this.scratchAt, width * 256);
    this.scalar = new Int32Array(buf, this.scalarAt, 1);
    this.perm = new Int32Array(buf, permAt, F);
    this.isConst = new Uint8Array(buf, isConstAt, F);
    this.known = new Int32Array(buf, knownAt, F);
    this.found = new Int32Array(buf, foundAt, F);
    this.rngState = new Int32Array(buf, rngAt, 4);
    this.nodeBlock = new Float64Array(buf, nodeAt, 1 + 2 * width);
    this.left = this.nodeBlock.subarray(1 + width, 1 + 2 * width);
    new Int32Array(buf, nBinsAt, F).set(data.nBins);
    this.args = new Int32Array(buf, argsAt, 26);
    this.args.set([this.codes, n, F, 0, 0, this.clsAt, width, 0, nBinsAt, this.scratchAt, this.twinAt, permAt, isConstAt, knownAt, 0, rngAt, 0, nodeAt, sLAt, -1, 0, 0, foundAt, this.wtAt, presentAt, markAt]);
    this.argsAt = argsAt;
  }

  /** Loads the tree's target: each row's class `y` and weight `w`, and whether bins count rows (at slot k). */
  setTarget(y: ArrayLike<number>, w: ArrayLike<number>, k: number, counted: boolean): void {
    const { cls, wt } = this;
    for (let i = 0; i < cls.length; i++) {
      cls[i] = 8 * y[i]!;
      wt[i] = w[i]!;
    }
    this.countAt = counted ? 8 * k : -1;
  }

  /**
   * One node of a tree with features drawn per node, k classes under gini without a row count:
   * draws features (from `rng`, through `perm`) until `maxFeatures` were drawn and one was not
   * constant, building and scanning each one's histogram, as the Splitter's drawAndScan does with
   * addRows and scanUncounted. `totals` are the node's statistics (width), `known` the
   * features known constant. Sets `best`, `feature`, `bin`, `missingLeft`, `left`; returns how
   * many features were found constant (the first entries of `found`).
   */
  drawScanGini(start: number, end: number, k: number, totals: Float64Array, known: readonly number[], rng: Rng, maxFeatures: number): number {
    const a = this.args, nb = this.nodeBlock, width = this.width;
    a[3] = this.rowsAt + 4 * start;
    a[4] = end - start;
    a[7] = k;
    for (let i = 0; i < known.length; i++) this.known[i] = known[i]!;
    a[14] = known.length;
    a[16] = maxFeatures;
    nb[0] = -Infinity;
    for (let c = 0; c < width; c++) {
      nb[1 + c] = totals[c]!;
      nb[1 + width + c] = 0;
    }
    rng.saveState(this.rngState);
    const nFound = this.kernels.drawScanGini(this.argsAt);
    rng.loadState(this.rngState);
    this.best = nb[0]!;
    this.feature = a[19]!;
    this.bin = a[20]!;
    this.missingLeft = a[21] === 1;
    return nFound;
  }

  /**
   * Adds the rows `rows[start..start+m)` of feature f into `scratch` (left zeroed by the caller
   * where it was used); returns the range of non-missing bins seen as `lo << 9 | (hi + 1)`.
   */
  addRows(f: number, start: number, m: number): number {
    const { data, width } = this;
    return this.kernels.addRows(this.scratchAt, this.codes + f * data.rows, this.rowsAt + 4 * start, m, this.clsAt, this.wtAt, this.countAt, 8 * width, data.nBins[f]!, this.twinAt);
  }

  /**
   * Partitions `rows[start..end)` on feature f as HistBuilder.partition does (stable): code <= bin
   * to the left, missing to the left when `missingLeft`; returns the first right position and sets `missing`.
   */
  partition(start: number, end: number, f: number, bin: number, missingLeft: boolean): number {
    const mid = this.kernels.partition(this.rowsAt, start, end, this.codes + f * this.data.rows, bin, missingLeft ? 1 : 0, this.scalarAt, this.rightAt, MISSING_BIN);
    this.missing = this.scalar[0]!;
    return mid;
  }
}

let last: ClassArena | undefined;

/**
 * This thread's ClassArena for `data` with `width`, kept for the next tree of the same data (one
 * per thread: a new dataset replaces it, `dropClassArena` frees it); undefined where one cannot be
 * made (the grower then uses its JS loops, to the same trees).
 */
export function classArenaFor(data: BinnedData, width: number): ClassArena | undefined {
  if (last && last.data.codes === data.codes && last.width === width) return last;
  try {
    last = new ClassArena(data, width);
  } catch {
    last = undefined;
  }
  return last;
}

/** Lets this thread's ClassArena go (once its forest is grown), so its memory is not held until the next fit. */
export function dropClassArena(): void {
  last = undefined;
}
