import type { Rng } from "../core/rng";
import { rowMajorCodes, type BinnedData } from "./binner";
import type { ClassArena } from "./class-arena";
import type { ClassTarget, GradTarget, GrowOptions } from "./grow";
import type { HistTeam } from "./hist-team";
import { addClassRowMajor, addClassRows, addGradAll, addGradEntries, addGradRowMajor, addGradRows } from "./hist-loops";
import { addInto, chunkCount, chunkStart, fillDefaultBins, sparseCodes, worthSparse, type SparseCodes } from "./sparse-codes";
import { classWidth, isClassCounted, statLayout, type StatLayout } from "./stat-layout";

/** Bins of one feature at most (missing bin included). */
const BINS = 256;
/** Same as binner's MISSING_BIN, local so hot loops do not read it through a module binding. */
const MISSING_BIN = 255;
/** Fewest rows x features for which a HistTeam's threads are woken (below, syncing costs more than it saves). */
export const TEAM_MIN_WORK = 100_000;

/**
 * The rows going right during a JS partition, until they follow the left ones: one buffer for every
 * tree this thread grows (each thread loads its own copy of this module), grown as needed.
 */
let rightRows = new Int32Array(0);

/**
 * Builds a tree's histograms and partitions its rows: the grower's row order, per-bin statistics of
 * a node's rows (one feature into `scratch`, or all features into a histogram of the pool), parent
 * minus child, and the split of a node's rows. This class does it all with plain-JS loops; the
 * team and arena builders below hand parts of it to WebAssembly, with the same arithmetic in the
 * same order, hence the same trees. `histBuilderFor` picks one per tree.
 */
export class HistBuilder {
  /** Missing rows seen by the last `partition`. */
  missing = 0;
  /** The HistTeam whose memory the builder's histograms live in, when it has one (its kernels scan them too, see Splitter). */
  readonly team: HistTeam | undefined = undefined;
  /**
   * Whether a tree with features drawn per node may give its root all features' histograms (see
   * the grower's ROOT_HIST_RATIO): worth it where each drawn feature is built by a JS loop too.
   */
  readonly rootHistForDrawn: boolean = true;
  /** Histograms given back, reused by `acquire`. */
  protected readonly pool: Float64Array[] = [];
  /** What `inOrder` found for every row, until the next partition. */
  private ordered: boolean | undefined;
  /** addClassRows' second histogram, made on first use (an arena's builder uses its own). */
  private twinHist: Float64Array | undefined;
  /** The node's statistics in row order (see `gather`). */
  private ordA: Float64Array;
  private ordB: Float64Array | Int32Array;
  private rowCodes: Uint8Array | undefined;
  private readonly y: Float64Array | undefined;
  private readonly w: Float64Array | undefined;
  private readonly g: Float64Array | undefined;
  private readonly h: Float64Array | undefined;

  /**
   * @param rows the sample's rows, which the builder permutes so that each node owns a range.
   * @param scratch one feature's histogram (BINS x C), where `buildFeature` adds, left zeroed between features.
   * @param perm, isConst the feature order and constant-feature marks the Splitter draws with (length F).
   * @param gathered room for this many gathered rows up front (grown when first needed).
   * @param sparse the data's sparse codes, to build all-feature gradient histograms without their default bins.
   */
  constructor(
    readonly data: BinnedData,
    target: ClassTarget | GradTarget,
    readonly layout: StatLayout,
    readonly rows: Int32Array,
    readonly scratch: Float64Array = new Float64Array(BINS * layout.C),
    readonly perm: Int32Array = new Int32Array(data.cols),
    readonly isConst: Uint8Array = new Uint8Array(data.cols),
    gathered = rows.length,
    protected readonly sparse?: SparseCodes,
  ) {
    this.ordA = new Float64Array(gathered);
    this.ordB = layout.isClass ? new Int32Array(gathered) : new Float64Array(gathered);
    this.y = target.kind === "class" ? target.y : undefined;
    this.w = target.kind === "class" ? target.weight : undefined;
    this.g = target.kind === "grad" ? target.g : undefined;
    this.h = target.kind === "grad" ? target.h : undefined;
  }

  private twin(): Float64Array {
    return (this.twinHist ??= new Float64Array(BINS * this.layout.C));
  }

  /** A zeroed all-feature histogram; give it back with `release`. */
  acquire(): Float64Array {
    const b = this.pool.pop();
    if (b) {
      b.fill(0);
      return b;
    }
    return new Float64Array(this.layout.histSize);
  }

  release(b: Float64Array | null): void {
    if (b) this.pool.push(b);
  }

  /**
   * The sums of g and of h (0 without hessians) over the tree's rows, added in row order, when the
   * builder has them already; else undefined.
   */
  gradSums(): readonly [number, number] | undefined {
    return undefined;
  }

  /** Copies the rows back into `sample` when they were permuted elsewhere, and lets go of borrowed memory. */
  finish(_sample: Int32Array): void {}

  /** Lets go of borrowed memory without touching the rows (a subtree's builder: the tree's rows are not all its own). */
  dispose(): void {}

  /**
   * Gathers the statistics of rows start..end in row order, so that the per-feature loops of
   * `buildFeature` read them sequentially; due before `buildFeature` on a node's rows.
   */
  beginNode(start: number, end: number): void {
    this.gather(start, end);
  }

  /** The statistics of rows start..end into ordA, ordB in row order. */
  private gather(start: number, end: number): void {
    const m = end - start, rows = this.rows, isClass = this.layout.isClass;
    if (this.ordA.length < m) {
      this.ordA = new Float64Array(rows.length);
      this.ordB = isClass ? new Int32Array(rows.length) : new Float64Array(rows.length);
    }
    const ordA = this.ordA, ordB = this.ordB;
    if (isClass) {
      const w = this.w!, y = this.y!;
      for (let r = 0; r < m; r++) {
        const i = rows[start + r]!;
        ordA[r] = w[i]!;
        ordB[r] = y[i]!;
      }
    } else if (this.layout.unitHess) {
      const g = this.g!;
      for (let r = 0; r < m; r++) ordA[r] = g[rows[start + r]!]!;
    } else {
      const g = this.g!, h = this.h!;
      for (let r = 0; r < m; r++) {
        const i = rows[start + r]!;
        ordA[r] = g[i]!;
        ordB[r] = h[i]!;
      }
    }
  }

  /**
   * Adds the rows start..end of feature f into `scratch` (missing values in bin nBins[f]); returns
   * the range of non-missing bins seen as `lo << 9 | (hi + 1)`.
   */
  buildFeature(f: number, start: number, end: number): number {
    const { data, layout: L } = this;
    const cb = f * data.rows, m = end - start, nb = data.nBins[f]!;
    if (L.isClass) return addClassRows(this.scratch, 0, data.codes, cb, this.rows, start, m, this.ordA, this.ordB as Int32Array, nb, L.C, L.k, L.counted, this.twin());
    return addGradRows(this.scratch, 0, data.codes, cb, this.rows, start, m, this.ordA, L.unitHess ? undefined : (this.ordB as Float64Array), nb, L.counted);
  }

  /** Zeroes the bins lo..hi and the missing slot of feature f in scratch (loops: a fill call costs more than these few bins). */
  clearScratch(f: number, lo: number, hi: number): void {
    const scratch = this.scratch, C = this.layout.C;
    for (let t = lo * C, e = (hi + 1) * C; t < e; t++) scratch[t] = 0;
    for (let t = this.data.nBins[f]! * C, e = t + C; t < e; t++) scratch[t] = 0;
  }

  /** Whether feature f's missing slot in scratch is empty (every channel, weights or counts, is zero). */
  scratchMissingEmpty(f: number): boolean {
    const scratch = this.scratch, C = this.layout.C;
    for (let t = this.data.nBins[f]! * C, e = t + C; t < e; t++) if (scratch[t] !== 0) return false;
    return true;
  }

  /**
   * Whether the rows start..start+m are 0..n-1 in order (a root over every row); checked once
   * until a partition moves rows (a team's builder asks for the root twice, over millions of rows).
   */
  protected inOrder(start: number, m: number): boolean {
    if (start !== 0 || m !== this.data.rows) return false;
    this.ordered ??= this.isIdentity(m);
    return this.ordered;
  }

  /** Whether rows[0..m) are 0..m-1 in order. */
  protected isIdentity(m: number): boolean {
    const rows = this.rows;
    for (let r = 0; r < m; r++) if (rows[r] !== r) return false;
    return true;
  }

  /**
   * Histograms of all features of the rows start..end into `hist` (their stats gathered first,
   * unless the rows are 0..n-1 in order); `totals` are the rows' statistics (the node's), from
   * which sparse codes' default bins are made, when the rows are enough to pay for that (`worthSparse`).
   */
  buildFull(hist: Float64Array, start: number, end: number, totals: ArrayLike<number>): void {
    const { data, layout: L, rows } = this;
    const { codes, rows: n, cols: F, nBins } = data;
    const m = end - start;
    if (this.sparse && worthSparse(this.sparse, m, L.C)) {
      this.gather(start, end);
      const ordB = L.unitHess ? undefined : (this.ordB as Float64Array);
      const K = chunkCount(m);
      for (let j = 0; j < K; j++) {
        const a = chunkStart(m, K, j), b = chunkStart(m, K, j + 1);
        const into = j === 0 ? hist : this.acquire();
        addGradEntries(into, this.sparse, rows, start + a, b - a, this.ordA.subarray(a), ordB?.subarray(a), L.counted);
        if (j > 0) {
          addInto(hist, into, L.histSize);
          this.release(into);
        }
      }
      fillDefaultBins(hist, L.histOff, this.sparse, L.C, totals);
      return;
    }
    if (!this.inOrder(start, m)) {
      // scattered rows: all features of a row at once, from the row-major codes
      this.gather(start, end);
      const rowCodes = (this.rowCodes ??= rowMajorCodes(data));
      if (L.isClass) addClassRowMajor(hist, L.histOff, rowCodes, F, rows, start, m, this.ordA, this.ordB as Int32Array, L.C, L.k, L.counted);
      else addGradRowMajor(hist, L.histOff, rowCodes, F, 0, F, rows, start, m, this.ordA, L.unitHess ? undefined : (this.ordB as Float64Array), L.counted);
      return;
    }
    if (L.isClass) {
      const y = Int32Array.from(this.y!);
      for (let f = 0; f < F; f++) addClassRows(hist, L.histOff[f]!, codes, f * n, null, start, m, this.w!, y, nBins[f]!, L.C, L.k, L.counted, this.twin());
    } else {
      for (let f = 0; f < F; f++) addGradAll(hist, L.histOff[f]!, codes, f * n, start, m, this.g!, this.h, nBins[f]!, L.counted);
    }
  }

  /** big -= small over an all-feature histogram. */
  subtract(big: Float64Array, small: Float64Array): void {
    for (let t = 0, size = this.layout.histSize; t < size; t++) big[t]! -= small[t]!;
  }

  /**
   * Partitions rows start..end on feature f: code <= bin to the left, missing to the left when
   * `missingLeft`, each side in its rows' order (every node's rows keep the root's order, ascending
   * in boosting: builds and leaf updates then read the rows' data forwards); returns the first
   * right position and sets `missing`.
   */
  partition(start: number, end: number, f: number, bin: number, missingLeft: boolean): number {
    this.ordered = undefined;
    return this.partitionRows(start, end, f, bin, missingLeft);
  }

  /** `partition`'s work, in plain JS here (the team's and arena's builders hand it to WebAssembly). */
  protected partitionRows(start: number, end: number, f: number, bin: number, missingLeft: boolean): number {
    const rows = this.rows, codes = this.data.codes, cb = f * this.data.rows;
    if (rightRows.length < end - start) rightRows = new Int32Array(rows.length);
    const right = rightRows;
    // stable, without a branch per row: every row is written at the next left position and the
    // next right one, and the position of its side advances
    const lm = missingLeft ? 1 : 0;
    let i = start, j = 0, missing = 0;
    for (let r = start; r < end; r++) {
      const row = rows[r]!;
      const c = codes[cb + row]!;
      const isMissing = c === MISSING_BIN ? 1 : 0;
      missing += isMissing;
      const left = isMissing === 1 ? lm : c <= bin ? 1 : 0;
      rows[i] = row;
      right[j] = row;
      i += left;
      j += 1 - left;
    }
    rows.set(right.subarray(0, j), i);
    this.missing = missing;
    return i;
  }
}

/**
 * A HistTeam's builder: all-feature histograms, subtraction and partitions in WebAssembly over the
 * team's memory (with its helper threads from TEAM_MIN_WORK rows x features), where the rows and
 * each row's (g, h) pair live; per-feature builds stay with the JS loops. Two-class trees over every
 * feature are (w if class 0, w if class 1) pairs plus a count, a (g, h) histogram to the kernels.
 */
class TeamHistBuilder extends HistBuilder {
  /** @param prepared the team's rows and pairs are in place already (a subtree grown on a second lane, see SubtreeFork). */
  constructor(data: BinnedData, target: ClassTarget | GradTarget, layout: StatLayout, sample: Int32Array, override readonly team: HistTeam, sparse: SparseCodes | undefined, prepared = false) {
    super(data, target, layout, team.rows.subarray(0, sample.length), undefined, undefined, undefined, 0, sparse);
    if (prepared) return;
    this.rows.set(sample);
    const ab = team.ab, n = data.rows;
    if (target.kind === "class") {
      const yy = target.y, ww = target.weight;
      for (let i = 0; i < n; i++) {
        ab[2 * i] = yy[i] === 0 ? ww[i]! : 0;
        ab[2 * i + 1] = yy[i] === 1 ? ww[i]! : 0;
      }
    } else {
      const inOrder = this.inOrder(0, sample.length);
      const ready = team.takePairs();
      if (ready && !inOrder) throw new Error("a HistTeam's prepared pairs are for trees of every row in order.");
      // the root's sums on the way, valid when the sample is every row in order (rootTotals' order)
      const sums = ready ?? fillPairs(ab, target.g, target.h, n);
      if (inOrder) this.sums = sums;
    }
  }

  private sums: readonly [number, number] | undefined;

  override gradSums(): readonly [number, number] | undefined {
    return this.sums;
  }

  protected override isIdentity(m: number): boolean {
    return this.team.isIdentity(m);
  }

  /** A histogram in the team's memory where it has one (every build writes all of it: not zeroed). */
  override acquire(): Float64Array {
    const size = this.layout.histSize;
    return this.pool.pop() ?? this.team.newHist(size) ?? new Float64Array(size);
  }

  override buildFull(hist: Float64Array, start: number, end: number, totals: ArrayLike<number>): void {
    const m = end - start;
    const sparse = this.sparse && worthSparse(this.sparse, m, this.layout.C);
    this.team.build(hist, start, m, this.inOrder(start, m), this.layout.C === 2, m * this.data.cols >= TEAM_MIN_WORK, sparse ? totals : undefined);
  }

  override subtract(big: Float64Array, small: Float64Array): void {
    this.team.subtract(big, small, this.layout.histSize);
  }

  protected override partitionRows(start: number, end: number, f: number, bin: number, missingLeft: boolean): number {
    const mid = this.team.partition(start, end, f, bin, missingLeft);
    this.missing = this.team.missing;
    return mid;
  }

  override finish(sample: Int32Array): void {
    sample.set(this.rows);
    this.dispose();
  }

  override dispose(): void {
    for (const b of this.pool) this.team.releaseHist(b);
    this.pool.length = 0;
  }
}

/**
 * The builder of a subtree grown on a team's second lane (see SubtreeFork): over the first
 * `sampleLength` rows of the team, whose rows and pairs the tree's builder put in place.
 */
export function laneHistBuilder(data: BinnedData, target: GradTarget, opts: GrowOptions, lane: HistTeam, sampleLength: number): HistBuilder {
  const sparse = opts.sparseHistograms ? sparseCodes(data) : undefined;
  return new TeamHistBuilder(data, target, statLayout(data, target, opts, 0), lane.rows.subarray(0, sampleLength), lane, sparse, true);
}

/**
 * ab[2i], ab[2i + 1] = g[i], h[i] (or 1 without h) for i < n; returns the sums of g and of h (0
 * without h) in that order. A function of its own: the sums stay in registers.
 */
function fillPairs(ab: Float64Array, g: Float64Array, h: Float64Array | undefined, n: number): [number, number] {
  let sg = 0, sh = 0;
  if (h === undefined) {
    for (let i = 0; i < n; i++) {
      const a = g[i]!;
      ab[2 * i] = a;
      ab[2 * i + 1] = 1;
      sg += a;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const a = g[i]!, b = h[i]!;
      ab[2 * i] = a;
      ab[2 * i + 1] = b;
      sg += a;
      sh += b;
    }
  }
  return [sg, sh];
}

/**
 * A ClassArena's builder (class trees with features drawn per node): the drawn features'
 * histograms and the partitions in WebAssembly over the arena's memory, where the rows, each row's
 * class and weight, scratch and the Splitter's feature order live; no all-feature histograms.
 */
class ArenaHistBuilder extends HistBuilder {
  /** The kernels build each node's drawn features faster than JS loops build all of the root's and subtract them down lopsided splits. */
  override readonly rootHistForDrawn = false;

  constructor(data: BinnedData, target: ClassTarget, layout: StatLayout, sample: Int32Array, readonly arena: ClassArena) {
    super(data, target, layout, arena.rows.subarray(0, sample.length), arena.scratch, arena.perm, arena.isConst, 0);
    this.rows.set(sample);
    arena.setTarget(target.y, target.weight, layout.k, layout.counted);
  }

  /** Nothing to gather: the kernel reads each row's class and weight. */
  override beginNode(): void {}

  override buildFeature(f: number, start: number, end: number): number {
    return this.arena.addRows(f, start, end - start);
  }

  protected override partitionRows(start: number, end: number, f: number, bin: number, missingLeft: boolean): number {
    const mid = this.arena.partition(start, end, f, bin, missingLeft);
    this.missing = this.arena.missing;
    return mid;
  }

  override finish(sample: Int32Array): void {
    sample.set(this.rows);
  }
}

/**
 * The histogram builder for one tree (chosen once per tree): an arena's for class trees with
 * features drawn per node when one of the right width is given, a team's for gradient trees and
 * two-class trees over every feature when a team is given, else plain JS over `sample` in place.
 * Gradient trees grown with `sparseHistograms` build from the data's sparse codes, when it has
 * them (a team must have been made with them).
 */
export function histBuilderFor(data: BinnedData, target: ClassTarget | GradTarget, sample: Int32Array, opts: GrowOptions, rng: Rng | undefined, team?: HistTeam, arena?: ClassArena): HistBuilder {
  const F = data.cols;
  const isClass = target.kind === "class";
  const k = isClass ? target.nClasses : target.h === undefined ? 1 : 2;
  if (arena !== undefined && isClass && opts.maxFeatures < F && rng !== undefined && arena.width === classWidth(k, opts, F)) {
    return new ArenaHistBuilder(data, target, statLayout(data, target, opts, arena.width), sample, arena);
  }
  const layout = statLayout(data, target, opts, 0);
  const sparse = !isClass && opts.sparseHistograms ? sparseCodes(data) : undefined;
  if (team !== undefined && (!isClass || (k === 2 && isClassCounted(opts, F) && opts.maxFeatures >= F))) {
    if (team.sparse !== sparse && sparse) throw new Error("A tree with sparse histograms needs a HistTeam made with sparse codes.");
    return new TeamHistBuilder(data, target, layout, sample, team, sparse);
  }
  return new HistBuilder(data, target, layout, sample, undefined, undefined, undefined, sample.length, sparse);
}

/** The ClassArena behind a builder, when it is an arena's (the Splitter's whole-node kernel needs it). */
export function arenaOf(builder: HistBuilder): ClassArena | undefined {
  return builder instanceof ArenaHistBuilder ? builder.arena : undefined;
}
