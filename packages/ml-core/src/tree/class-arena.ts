import type { BinnedData } from "./binner";
import { allocator, instantiate, kernelMemory, type Kernels } from "./kernels";

/**
 * One thread's WebAssembly memory for growing class trees with features drawn per node (random
 * forests): the binned codes (copied once), the grower's row order, and per row its statistics
 * vector (class weights, then the row count when counted, zero-padded to an even width), so that
 * a drawn feature's histogram of a node's rows is one kernel call, reading no gathered copy. Also
 * partitions the rows. The same additions in the same order as the JS loops of grow.ts, hence the
 * same trees.
 *
 * The constructor throws where WebAssembly SIMD with shared memory is not available or the data is
 * too large; see `classArenaFor`.
 */
export class ClassArena {
  /** The grower's row order (length n). */
  readonly rows: Int32Array;
  /** Per row, `width` float64: the row's class weight at its class, the count 1 at `k` when counted. */
  readonly vec: Float64Array;
  /** One feature's histogram (256 bins of `width`), where `addRows` builds. */
  readonly scratch: Float64Array;
  /** Missing rows seen by the last `partition`. */
  missing = 0;
  private readonly kernels: Kernels;
  private readonly codes: number;
  private readonly rowsAt: number;
  private readonly vecAt: number;
  private readonly scratchAt: number;
  private readonly twinAt: number;
  private readonly scalarAt: number;
  private readonly scalar: Int32Array;

  /**
   * @param data the binned features (codes copied in).
   * @param width float64 per row and bin: an even number, at least the classes (plus 1 when counted).
   */
  constructor(readonly data: BinnedData, readonly width: number) {
    const { rows: n, cols: F } = data;
    const { take, end } = allocator();
    this.codes = take(n * F);
    this.rowsAt = take(4 * n);
    this.vecAt = take(8 * width * n);
    this.scratchAt = take(8 * width * 256);
    this.twinAt = take(8 * width * 256);
    this.scalarAt = take(4);
    const { module, memory } = kernelMemory(end());
    const buf = memory.buffer;
    new Uint8Array(buf, this.codes, n * F).set(data.codes);
    this.kernels = instantiate(module, memory);
    this.rows = new Int32Array(buf, this.rowsAt, n);
    this.vec = new Float64Array(buf, this.vecAt, width * n);
    this.scratch = new Float64Array(buf, this.scratchAt, width * 256);
    this.scalar = new Int32Array(buf, this.scalarAt, 1);
  }

  /**
   * Adds the rows `rows[start..start+m)` of feature f into `scratch` (left zeroed by the caller
   * where it was used); returns the range of non-missing bins seen as `lo << 9 | (hi + 1)`.
   */
  addRows(f: number, start: number, m: number): number {
    const { data, width } = this;
    return this.kernels.addRows(this.scratchAt, this.codes + f * data.rows, this.rowsAt + 4 * start, m, this.vecAt, 8 * width, data.nBins[f]!, this.twinAt);
  }

  /**
   * Partitions `rows[start..end)` on feature f: code <= bin to the left, missing to the left when
   * `missingLeft`; returns the first right position and sets `missing`.
   */
  partition(start: number, end: number, f: number, bin: number, missingLeft: boolean): number {
    const mid = this.kernels.partition(this.rowsAt, start, end, this.codes + f * this.data.rows, bin, missingLeft ? 1 : 0, this.scalarAt);
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
