import { MISSING_BIN, writeRowMajorCodes, type BinnedData } from "./binner";
import { allocator } from "../wasm/loader";
import { instantiate, kernelMemory, type KernelMemory, type Kernels } from "./kernels";
import type { GrowNode } from "./node-arrays";
import type { SubtreeFork } from "./subtree-fork";
import { addInto, chunkCount, chunkStart, fillDefaultBins, MAX_CHUNKS, sparseCodes, type SparseCodes } from "./sparse-codes";

// ctrl words
/**
 * seq << 12 | next unclaimed unit: claiming is one compare-exchange, valid only for the current
 * build. A build of U units numbers them F-U .. F-1, so that every thread sees the end (F) without
 * reading anything else; unit number u is the build's unit u - (F - U).
 */
const TICKET = 0;
/** Units finished in the current build. */
const DONE = 1;
const STOP = 2;
/** Rows in the current build. */
const M = 3;
/** How the current build adds its rows: one of the BuildMode values. */
const MODE = 4;
/** 1: the pair alone per bin (2 channels), else the pair and a count (3). */
const PAIR_ONLY = 5;
/** Byte address of the current build's first row number. */
const ROWS = 6;
/** Twin slots handed out: the caller has slot 0, each helper takes the next one. */
const SLOTS = 7;
/** Byte address of the current build's histograms. */
const HIST = 8;
/** Byte addresses of the current build's gathered pairs and of its sparse chunks' part histograms (its lane's). */
const ORD = 9;
const PARTS = 10;
/** A shared partition's feature, bin, missing side (1: left) and first row position of its second half. */
const SPLIT_FEATURE = 11;
const SPLIT_BIN = 12;
const SPLIT_MISSING_LEFT = 13;
const SPLIT_HALF = 14;
/** Each half's first right position once partitioned (two words). */
const SPLIT_MID = 15;
const CTRL_WORDS = 17;

/** How a build adds its rows, and what its units are. */
const enum BuildMode {
  /** Rows 0..m-1 in order (the root), read without `rows`: a block of features per unit (addInOrder). */
  InOrder = 0,
  /** Scattered rows, each row's codes read row-major: a group of features per unit (addRowMajor). */
  RowMajor = 1,
  /** Scattered rows, their pairs gathered first (gatherPairs): a block of features per unit (addGathered). */
  Gathered = 2,
  /** The rows' entries in the sparse codes: a chunk of rows per unit (see chunkCount). */
  Sparse = 3,
  /** Not a build: a partition of the rows (see `partition`), a half of them per unit. */
  Partition = 4,
}

/** Fewest rows of a partition shared by two threads (below, handing half over costs more than it saves). */
const SHARED_PARTITION_ROWS = 32768;
/**
 * Milliseconds a thread polls a control word before it sleeps on it: the other thread usually
 * moves on within microseconds, where waking from Atomics.wait took ~80 µs here (OpenMP's threads,
 * XGBoost's, spin likewise before they sleep).
 */
const SPIN_MS = 1;

/** Waits while ctrl[index] is `value`: polls for up to SPIN_MS, then sleeps until it changes. */
function waitWhile(ctrl: Int32Array, index: number, value: number): void {
  const t0 = performance.now();
  for (let k = 1; Atomics.load(ctrl, index) === value; k++) {
    if ((k & 1023) === 0 && performance.now() - t0 > SPIN_MS) {
      Atomics.wait(ctrl, index, value);
      return;
    }
  }
}

/** Fewest rows of a gathered build (below, gathering and reading each feature's column cost more). */
const GATHER_MIN_ROWS = 2048;
/**
 * Fewest bytes of codes and pairs (n x (F + 16)) for gathered builds: about a core's L2 cache. A
 * node's scattered rows read from row-major codes beyond it wait on the next cache level for every
 * row, where each feature's column (n bytes) stays in it: on 160k x 30 (7.4 MB) gathered builds
 * from 2048 rows made the fit 5% faster (best fits 1107-1146 -> 1024-1093 ms); on 46k x 9 (1.2 MB)
 * they were not faster.
 */
const GATHER_MIN_BYTES = 4 << 20;
const FEATURE_BITS = 12;
const FEATURE_MASK = (1 << FEATURE_BITS) - 1;

/** Most features a team handles (the ticket's feature field). */
export const TEAM_MAX_FEATURES = FEATURE_MASK;
/** Threads that may build at once (the caller and its helpers); a helper beyond them does not join. */
const MAX_THREADS = 16;
/** Bytes of one feature's histogram at most: 256 bins of 3 float64. */
const MAX_FEATURE_BYTES = 256 * 24;
/** Lanes of a team: its caller's and one helper thread's (see HistLane). */
const LANES = 2;
/** Bytes of a lane's scalars (see Layout.scalar), and where its scan's arguments start in them. */
const SCALAR_BYTES = 128;
const SCAN_ARGS = 16;
/** Histograms a team holds in its memory for the grower (more are plain arrays, built via `out`). */
const HIST_SLOTS = 64;
/** Most bytes of those histograms. */
const HIST_SLOT_BYTES = 256 << 20;

/** Byte addresses of the parts of a team's memory. */
interface Layout {
  /** Column-major bin codes (feature f at codes + f n), missing as the feature's missing slot (see writeTeamCodes). */
  readonly codes: number;
  /** The same codes row-major, missing mapped to each feature's missing slot (see rowMajorCodes). */
  readonly rowCodes: number;
  /** The grower's row order (n int32). */
  readonly rows: number;
  /**
   * 16 bytes per row position: a gathered build of positions start.. puts its pairs, in its rows'
   * order, from ord + 16 start on, and a partition its rows going right (so lanes working on
   * different rows never share any of it).
   */
  readonly ord: number;
  /** Per row: (g, h) or (g, 1) as two float64. */
  readonly ab: number;
  /** Per feature, the byte offset of its histogram with 2 and 3 channels per bin (int32). */
  readonly off2: number;
  readonly off3: number;
  /** Per lane (LANES, `outBytes` apart), the histograms of a build into an array outside the memory, laid out as the caller's. */
  readonly out: number;
  readonly outBytes: number;
  /** `slots` histograms (each `slotBytes`) handed out to the grower. */
  readonly slots: number;
  readonly slotCount: number;
  readonly slotBytes: number;
  /** BLOCK_FEATURES zeroed histograms of one feature per thread, MAX_THREADS threads. */
  readonly twins: number;
  /** Per lane (SCALAR_BYTES apart), the int32 a partition writes its missing count to, then a scan's arguments (SCAN_ARGS on). */
  readonly scalar: number;
  /** The sparse codes' entries and starts (see SparseCodes), when the team has them. */
  readonly entries: number;
  readonly starts: number;
  /** Per lane (`(MAX_CHUNKS - 1) partBytes` apart), the histograms of a sparse build's chunks but the first. */
  readonly parts: number;
  readonly partBytes: number;
  /** The float64 values of the team's user (see HistTeam.values). */
  readonly values: number;
  readonly valueCount: number;
  readonly bytes: number;
}

/** What the helper threads of a HistTeam get (all of it can be posted to a worker thread). */
export interface HistTeamShared {
  readonly ctrl: Int32Array;
  readonly module: object;
  readonly memory: KernelMemory;
  readonly layout: Layout;
  readonly n: number;
  readonly nBins: Int32Array;
}

/** Offsets (in float64) of each feature's histogram with C channels per bin, missing slot last. */
function offsets(nBins: Int32Array, C: number): Int32Array {
  const off = new Int32Array(nBins.length + 1);
  for (let f = 0; f < nBins.length; f++) off[f + 1] = off[f]! + (nBins[f]! + 1) * C;
  return off;
}

function layoutFor(n: number, F: number, histDoubles: number, sparse: SparseCodes | undefined, valueCount: number): Layout {
  const { take, end } = allocator();
  const codes = take(n * F);
  const rowCodes = take(n * F);
  const rows = take(4 * n);
  const ord = take(16 * n);
  const ab = take(16 * n);
  const off2 = take(4 * (F + 1));
  const off3 = take(4 * (F + 1));
  const slotBytes = Math.ceil((8 * histDoubles) / 16) * 16;
  const out = take(LANES * slotBytes);
  const slotCount = Math.max(0, Math.min(HIST_SLOTS, Math.floor(HIST_SLOT_BYTES / slotBytes)));
  const slots = take(slotCount * slotBytes);
  const twins = take(MAX_THREADS * BLOCK_FEATURES * MAX_FEATURE_BYTES);
  const scalar = take(SCALAR_BYTES * LANES);
  const entries = take(sparse ? sparse.entries.byteLength : 0);
  const starts = take(sparse ? sparse.starts.byteLength : 0);
  const parts = take(sparse ? LANES * (MAX_CHUNKS - 1) * slotBytes : 0);
  const values = take(8 * valueCount);
  return { codes, rowCodes, rows, ord, ab, off2, off3, out, outBytes: slotBytes, slots, slotCount, slotBytes, twins, scalar, entries, starts, parts, partBytes: slotBytes, values, valueCount, bytes: end() };
}

/**
 * The codes column-major, each feature's missing ones (MISSING_BIN) as its missing slot, nBins[f]:
 * the kernels then read every code as its bin, without a test.
 */
function writeTeamCodes(data: BinnedData, out: Uint8Array): void {
  const { rows: n, cols: F, nBins, codes } = data;
  out.set(codes);
  for (let f = 0; f < F; f++) {
    const col = out.subarray(f * n, (f + 1) * n), nb = nBins[f]!;
    for (let i = col.indexOf(MISSING_BIN); i >= 0; i = col.indexOf(MISSING_BIN, i + 1)) col[i] = nb;
  }
}

/**
 * A HistTeam's memory for `data`: its codes column- and row-major, the offsets and the sparse codes
 * copied in, and control words with nothing to claim.
 */
function newTeamMemory(data: BinnedData, off2: Int32Array, off3: Int32Array, sparse: SparseCodes | undefined, valueCount: number): HistTeamShared {
  const { rows: n, cols: F, nBins } = data;
  const L = layoutFor(n, F, off3[F]!, sparse, valueCount);
  const { module, memory } = kernelMemory(L.bytes);
  const buf = memory.buffer;
  writeTeamCodes(data, new Uint8Array(buf, L.codes, n * F));
  writeRowMajorCodes(data, new Uint8Array(buf, L.rowCodes, n * F));
  new Int32Array(buf, L.off2, F + 1).set(off2.map((o) => 8 * o));
  new Int32Array(buf, L.off3, F + 1).set(off3.map((o) => 8 * o));
  if (sparse) {
    new Uint16Array(buf, L.entries, sparse.entries.length).set(sparse.entries);
    new Int32Array(buf, L.starts, sparse.starts.length).set(sparse.starts);
  }
  const ctrl = new Int32Array(new SharedArrayBuffer(CTRL_WORDS * 4));
  // nothing to claim until the first build: a zero ticket would read as unit 0 of a build 0, and a
  // helper claiming it would count a unit done in the first real build, which could then copy a
  // helper's histogram before it was finished
  ctrl[TICKET] = F;
  ctrl[SLOTS] = 1;
  return { ctrl, module, memory, layout: L, n, nBins };
}

/**
 * A second lane of a HistTeam, on a helper thread: over the same memory (rows, pairs, codes) with
 * its own control words, half of the histogram slots and scratch of its own, it builds and
 * partitions alone (never waking anyone) on rows of its own, while the team's first lane works on
 * others. Its twin slot is the one the thread has as a helper.
 */
export interface HistLane {
  readonly shared: HistTeamShared;
  readonly slot: number;
}

/** Most features per unit of work when the rows are scattered (read row-major, a group of features per pass). */
const GROUP = 8;

/**
 * Features per unit of in-order and gathered builds. Such a unit adds its features' rows a block
 * of BLOCK_ROWS at a time, every feature of the unit in turn: the block's pairs (256 kB) are read
 * from memory once for all of them, then from the L2 cache; a pass per feature over every pair was
 * bound by memory bandwidth with two threads.
 */
const BLOCK_FEATURES = 4;
/** Rows per block of a unit's pass (even: a block's first row stays even, as addInOrder's twins need). */
const BLOCK_ROWS = 16384;

/**
 * Features per unit of a build in `mode`: GROUP for row-major builds, else BLOCK_FEATURES, or half
 * the features when there are fewer than two units' worth, so that two threads share a build
 * evenly (9 features row-major: 5 and 4, not 8 and 1).
 */
function groupSize(F: number, mode: BuildMode): number {
  return Math.min(mode === BuildMode.RowMajor ? GROUP : BLOCK_FEATURES, Math.ceil(F / 2));
}

/** Units of the current build (see BuildMode). */
function unitsOf(ctrl: Int32Array, F: number): number {
  const mode = ctrl[MODE]! as BuildMode;
  if (mode === BuildMode.Partition) return 2;
  return mode === BuildMode.Sparse ? chunkCount(ctrl[M]!) : Math.ceil(F / groupSize(F, mode));
}

/** Claims the next unit number of build `base` (seq << 12); -1 when none is left or the build is over. */
function claim(ctrl: Int32Array, base: number, F: number): number {
  for (;;) {
    const v = Atomics.load(ctrl, TICKET);
    const u = v & FEATURE_MASK;
    if (v - u !== base || u >= F) return -1;
    if (Atomics.compareExchange(ctrl, TICKET, v, v + 1) === v) return u;
  }
}

/**
 * Zeroes unit u's histograms at the build's address and builds them there with the kernels, using
 * twin slot `slot` (BLOCK_FEATURES twins); `ctrl` says what the build is (its lane's), `mem` views
 * the whole memory.
 */
function buildUnit(k: Kernels, s: HistTeamShared, ctrl: Int32Array, mem: Float64Array, off: Int32Array, u: number, slot: number): void {
  const { layout: L, n, nBins } = s;
  const F = nBins.length;
  const m = ctrl[M]!, mode = ctrl[MODE]! as BuildMode, pairOnly = ctrl[PAIR_ONLY] === 1, hist = ctrl[HIST]!;
  const stride = pairOnly ? 16 : 24;
  if (mode === BuildMode.Partition) {
    // half u of the rows, its right rows after its left ones (the right ones via its own part of
    // `ord`), its missing count into int32 u of the first lane's scalars
    const start = ctrl[ROWS]!, half = ctrl[SPLIT_HALF]!, a = u === 0 ? start : half, b = u === 0 ? half : start + m;
    const f = ctrl[SPLIT_FEATURE]!;
    ctrl[SPLIT_MID + u] = k.partition(L.rows, a, b, L.codes + f * n, ctrl[SPLIT_BIN]!, ctrl[SPLIT_MISSING_LEFT]!, L.scalar + 4 * u, L.ord + 16 * a, nBins[f]!);
    return;
  }
  if (mode === BuildMode.Sparse) {
    // chunk u of the rows, into the build's histogram or a part of its own
    const K = chunkCount(m), a = chunkStart(m, K, u), b = chunkStart(m, K, u + 1);
    const into = u === 0 ? hist : ctrl[PARTS]! + (u - 1) * L.partBytes;
    mem.fill(0, into >>> 3, (into >>> 3) + off[F]!);
    k.addRowEntries(into, L.entries, L.starts, ctrl[ROWS]! + 4 * a, b - a, L.ab, stride);
    return;
  }
  const group = groupSize(F, mode);
  const f0 = u * group, f1 = Math.min(F, f0 + group);
  mem.fill(0, (hist >>> 3) + off[f0]!, (hist >>> 3) + off[f1]!);
  if (mode === BuildMode.RowMajor) {
    k.addRowMajor(hist, pairOnly ? L.off2 : L.off3, L.rowCodes, F, f0, f1, ctrl[ROWS]!, m, L.ab, stride);
    return;
  }
  const twins = L.twins + slot * BLOCK_FEATURES * MAX_FEATURE_BYTES;
  for (let a = 0; a < m; a += BLOCK_ROWS) {
    const len = Math.min(BLOCK_ROWS, m - a);
    for (let f = f0; f < f1; f++) {
      if (mode === BuildMode.InOrder && pairOnly) k.addInOrderPairs(hist + 8 * off[f]!, L.codes + f * n + a, L.ab + 16 * a, len, twins + (f - f0) * MAX_FEATURE_BYTES);
      else if (mode === BuildMode.InOrder) k.addInOrder(hist + 8 * off[f]!, L.codes + f * n + a, L.ab + 16 * a, len, stride, twins + (f - f0) * MAX_FEATURE_BYTES);
      else k.addGathered(hist + 8 * off[f]!, L.codes + f * n, ctrl[ROWS]! + 4 * a, ctrl[ORD]! + 16 * a, len, stride);
    }
  }
  if (mode === BuildMode.InOrder) for (let f = f0; f < f1; f++) k.mergeTwin(hist + 8 * off[f]!, twins + (f - f0) * MAX_FEATURE_BYTES, nBins[f]!, stride);
}

/**
 * How a build of m rows adds them: from the sparse codes when it has them, in order when they are
 * rows 0..m-1, else gathered when the data is too large for the caches and m is at most half of
 * it (measured on 160k x 30 to 1.6M x 55: a feature's histogram then stays in the L1 cache, where
 * a row-major build spreads each row over every feature's), else row-major.
 */
function buildMode(m: number, n: number, F: number, identity: boolean, sparse: boolean): BuildMode {
  if (sparse) return BuildMode.Sparse;
  if (identity) return BuildMode.InOrder;
  return m >= GATHER_MIN_ROWS && 2 * m <= n && n * (F + 16) >= GATHER_MIN_BYTES ? BuildMode.Gathered : BuildMode.RowMajor;
}

/**
 * Builds gradient histograms of all features in WebAssembly over one shared memory, with helper
 * threads: the grower keeps its row order in `rows`, fills `ab` with each row's (g, h) pair once
 * per tree and calls `build` for the histograms of a node's rows; it and the helpers claim units
 * (a feature, a group of features, or a chunk of rows: see BuildMode) one at a time from a shared
 * ticket. Each feature's bins add its rows in their order whichever unit and thread builds it, so
 * the histograms are bit-identical to a single-threaded build, and to the JS loops of
 * hist-loops.ts (same additions in the same order); with no helper running the caller simply
 * builds every unit. Histograms from `newHist` live in the memory and are built in place;
 * others are built in the memory and copied. Also partitions `rows` (the split of a node) and
 * subtracts histograms in WebAssembly. A second lane of the team (see HistLane) lets one helper
 * grow a subtree on rows of its own meanwhile (see SubtreeFork).
 *
 * Throws where WebAssembly SIMD with shared memory is not available or the data does not fit in
 * one memory (2 GiB); startHistTeam then leaves the grower to its JS loops.
 */
export class HistTeam {
  readonly shared: HistTeamShared;
  /** The grower's row order, in the team's memory (length n). */
  readonly rows: Int32Array;
  /** Per row: g then h (or 1), length 2n. */
  readonly ab: Float64Array;
  /** Missing rows seen by the last `partition`. */
  missing = 0;
  /**
   * Set when the next tree's pairs are in `ab` already (every row's, written by its user, see
   * LogisticPairs), with the sums of g and of h over the rows in order: its builder then takes
   * them as they are (`takePairs`).
   */
  preparedPairs: readonly [number, number] | undefined;
  /** `values` float64 of the team's user, in its memory (see the constructor). */
  readonly values: Float64Array;
  private seq = 0;
  private readonly kernels: Kernels;
  private readonly out: Float64Array;
  private readonly mem: Float64Array;
  /** Histograms in the memory not handed out. */
  private readonly free: Float64Array[] = [];
  private readonly off2: Int32Array;
  private readonly off3: Int32Array;
  private readonly scalar: Int32Array;
  /** The control words of this lane's builds: the shared ones (lane 0), or its own. */
  private readonly ctrl: Int32Array;
  /** This lane's twin slot, and the byte addresses of its part histograms and partition count. */
  private readonly slot: number;
  private readonly partsAt: number;
  private readonly scalarAt: number;
  /** The scan kernel's arguments and its pick (see scanGradPlain). */
  private readonly scanArgs: Float64Array;
  private readonly scanPicks: Int32Array;

  /** The data's sparse codes, when the team builds gradient histograms without their default bins. */
  readonly sparse: SparseCodes | undefined;
  /** A helper taking subtrees of the fit's trees, when the fit set one up. */
  fork: SubtreeFork | undefined;

  /**
   * @param sparse build gradient histograms from the data's sparse codes, when it has them (see `build`).
   * @param lane a second lane of the team whose `shared` is given (on a helper thread, see HistLane), instead of a new team.
   * @param lanes 2 to leave half of the histogram slots to a second lane.
   * @param values float64 for the team's user to keep in its memory (`values`), where kernels
   * instantiated on that memory reach them and the pairs alike.
   */
  constructor(readonly data: BinnedData, { sparse = false, lane, lanes = 1, values = 0 }: { sparse?: boolean; lane?: HistLane; lanes?: 1 | 2; values?: number } = {}) {
    const { rows: n, cols: F, nBins } = data;
    if (F > TEAM_MAX_FEATURES) throw new RangeError(`a histogram team handles at most ${TEAM_MAX_FEATURES} features, but got ${F}.`);
    this.off2 = offsets(nBins, 2);
    this.off3 = offsets(nBins, 3);
    this.sparse = sparse ? sparseCodes(data) : undefined;
    this.shared = lane?.shared ?? newTeamMemory(data, this.off2, this.off3, this.sparse, values);
    const { module, memory, layout: L } = this.shared;
    const buf = memory.buffer;
    const index = lane ? 1 : 0;
    this.ctrl = lane ? new Int32Array(CTRL_WORDS) : this.shared.ctrl;
    this.slot = lane?.slot ?? 0;
    this.kernels = instantiate(module, memory);
    this.rows = new Int32Array(buf, L.rows, n);
    this.ab = new Float64Array(buf, L.ab, 2 * n);
    this.values = new Float64Array(buf, L.values, L.valueCount);
    this.out = new Float64Array(buf, L.out + index * L.outBytes, this.off3[F]!);
    this.mem = new Float64Array(buf);
    // with two lanes, the second has the upper half of the slots
    const half = lane || lanes === 2 ? Math.ceil(L.slotCount / 2) : L.slotCount;
    for (let i = index === 0 ? half - 1 : L.slotCount - 1; i >= index * half; i--) this.free.push(new Float64Array(buf, L.slots + i * L.slotBytes, this.off3[F]!));
    this.scalarAt = L.scalar + SCALAR_BYTES * index;
    this.scalar = new Int32Array(buf, this.scalarAt, 1);
    this.scanArgs = new Float64Array(buf, this.scalarAt + SCAN_ARGS, 9);
    this.scanPicks = new Int32Array(buf, this.scalarAt + SCAN_ARGS + 72, 3);
    this.partsAt = L.parts + index * (MAX_CHUNKS - 1) * L.partBytes;
  }

  /** The prepared pairs' sums, once (see preparedPairs). */
  takePairs(): readonly [number, number] | undefined {
    const sums = this.preparedPairs;
    this.preparedPairs = undefined;
    return sums;
  }

  /** Float64 of the largest histograms a build writes (every feature, 3 channels). */
  get histCapacity(): number {
    return this.out.length;
  }

  /**
   * A histogram of `size` float64 in the memory (contents undefined), or undefined when all are
   * handed out. Give it back with `releaseHist`.
   */
  newHist(size: number): Float64Array | undefined {
    const h = this.free.pop();
    return h && h.length >= size ? h.subarray(0, size) : undefined;
  }

  /** Returns a histogram from `newHist` (other arrays are ignored). */
  releaseHist(h: Float64Array): void {
    if (this.address(h) >= 0) this.free.push(new Float64Array(h.buffer, h.byteOffset, this.out.length));
  }

  /** The byte address of a histogram from `newHist`, or -1 for any other array. */
  private address(h: Float64Array): number {
    return h.buffer === this.mem.buffer ? h.byteOffset : -1;
  }

  /**
   * Builds all features' histograms of the rows `rows[start..start+m)` (or rows 0..m-1 in order
   * when `identity`) from their pairs in `ab`, into `hist` (every value written): 2 channels per
   * bin when `pairOnly` (the pair: (g, 1), or (g, h) without a count), else 3 (the pair and a
   * count). The helpers are woken only when `wake`. With the rows'
   * `totals` (per channel, the count last) and sparse codes, the build adds the rows' entries, a
   * chunk of rows per unit (see chunkCount), and the sparse features' default bins are those
   * totals less their other bins. Otherwise (see buildMode) each feature adds its rows in their
   * order, whoever builds it, however: the same histograms.
   */
  build(hist: Float64Array, start: number, m: number, identity: boolean, pairOnly: boolean, wake = true, totals?: ArrayLike<number>): void {
    const s = this.shared, ctrl = this.ctrl, F = s.nBins.length;
    const off = pairOnly ? this.off2 : this.off3;
    const at = this.address(hist);
    const sparse = totals !== undefined ? this.sparse : undefined;
    const mode = buildMode(m, s.n, F, identity, sparse !== undefined);
    ctrl[M] = m;
    ctrl[MODE] = mode;
    ctrl[PAIR_ONLY] = pairOnly ? 1 : 0;
    ctrl[ROWS] = s.layout.rows + 4 * start;
    ctrl[HIST] = at >= 0 ? at : this.out.byteOffset;
    ctrl[ORD] = s.layout.ord + 16 * start;
    ctrl[PARTS] = this.partsAt;
    if (mode === BuildMode.Gathered) this.kernels.gatherPairs(ctrl[ORD]!, s.layout.ab, ctrl[ROWS]!, m);
    const U = this.doUnits(off, wake);
    const into = ctrl[HIST]!;
    if (sparse) for (let j = 1; j < U; j++) addInto(this.mem.subarray(into >>> 3), this.mem.subarray((this.partsAt + (j - 1) * s.layout.partBytes) >>> 3), off[F]!);
    if (at < 0) hist.set(this.out.subarray(0, off[F]!));
    if (sparse) fillDefaultBins(hist, off, sparse, pairOnly ? 2 : 3, totals!);
  }

  /**
   * Does the units of the build (or partition) set up in the control words: with the helpers when
   * `wake` and this is the team's first lane (the caller claims units too, then waits for the
   * others'), else alone. Returns how many there were.
   */
  private doUnits(off: Int32Array, wake: boolean): number {
    const s = this.shared, ctrl = this.ctrl, F = s.nBins.length;
    const U = unitsOf(ctrl, F);
    // a ticket numbers units F-U..F-1: more units than features (chunks) are built here alone
    if (wake && ctrl === s.ctrl && U > 1 && U <= F) {
      Atomics.store(ctrl, DONE, 0);
      this.seq = (this.seq + 1) & 0x7ffff;
      const base = this.seq << FEATURE_BITS;
      Atomics.store(ctrl, TICKET, base + F - U);
      Atomics.notify(ctrl, TICKET);
      for (let u = claim(ctrl, base, F); u >= 0; u = claim(ctrl, base, F)) {
        buildUnit(this.kernels, s, ctrl, this.mem, off, u - (F - U), 0);
        Atomics.add(ctrl, DONE, 1);
      }
      for (let d = Atomics.load(ctrl, DONE); d < U; d = Atomics.load(ctrl, DONE)) waitWhile(ctrl, DONE, d);
    } else {
      for (let u = 0; u < U; u++) buildUnit(this.kernels, s, ctrl, this.mem, off, u, this.slot);
    }
    return U;
  }

  /** Whether the grower's rows[0..m) are 0..m-1 in order. */
  isIdentity(m: number): boolean {
    return this.kernels.isIdentity(this.shared.layout.rows, m) === 1;
  }

  /** big[0..n) -= small[0..n), in WebAssembly when both come from `newHist`. */
  subtract(big: Float64Array, small: Float64Array, n: number): void {
    const a = this.address(big), b = this.address(small);
    if (a >= 0 && b >= 0) this.kernels.subtract(a, b, n);
    else for (let t = 0; t < n; t++) big[t]! -= small[t]!;
  }

  /**
   * Partitions `rows[start..end)` on feature f as HistBuilder.partition does (stable): code <= bin
   * to the left, missing to the left when `missingLeft`; returns the first right position and sets
   * `missing` to the missing rows seen. From SHARED_PARTITION_ROWS rows on, the first lane of a
   * team with a helper shares it by halves: each half's rows split in place (left ones, then right
   * ones), then the first half's right rows and the second half's left ones swap places: the same
   * order.
   */
  partition(start: number, end: number, f: number, bin: number, missingLeft: boolean): number {
    const L = this.shared.layout, ctrl = this.ctrl;
    if (end - start < SHARED_PARTITION_ROWS || ctrl !== this.shared.ctrl || Atomics.load(ctrl, SLOTS) < 2) {
      const mid = this.kernels.partition(L.rows, start, end, L.codes + f * this.shared.n, bin, missingLeft ? 1 : 0, this.scalarAt, L.ord + 16 * start, this.shared.nBins[f]!);
      this.missing = this.scalar[0]!;
      return mid;
    }
    const half = start + ((end - start) >> 1);
    ctrl[MODE] = BuildMode.Partition;
    ctrl[M] = end - start;
    ctrl[ROWS] = start;
    ctrl[SPLIT_HALF] = half;
    ctrl[SPLIT_FEATURE] = f;
    ctrl[SPLIT_BIN] = bin;
    ctrl[SPLIT_MISSING_LEFT] = missingLeft ? 1 : 0;
    this.doUnits(this.off2, true);
    const mid0 = ctrl[SPLIT_MID]!, mid1 = ctrl[SPLIT_MID + 1]!;
    // [start, mid0) left, [mid0, half) right | [half, mid1) left, [mid1, end) right
    const rows = this.rows;
    const firstRight = new Int32Array(this.mem.buffer, L.ord + 16 * start, half - mid0);
    firstRight.set(rows.subarray(mid0, half));
    rows.copyWithin(mid0, half, mid1);
    const mid = mid0 + (mid1 - half);
    rows.set(firstRight, mid);
    const missing = new Int32Array(this.mem.buffer, L.scalar, 2);
    this.missing = missing[0]! + missing[1]!;
    return mid;
  }

  /**
   * The Splitter's scan of every feature of a gradient node's histograms with 2 channels per bin
   * and XGBoost's plain gain (the scanGradPlain kernel: the same split): updates the node's best
   * split and left statistics (at C = 2) when a candidate beats its `improvement`. Returns false,
   * doing nothing, when `hist` is not from `newHist`.
   * @param minRows rows a side needs (channel 1 holds them: the count, or the hessian).
   */
  scanGradPlain(node: GrowNode, hist: Float64Array, lambda: number, minHess: number, minRows: number, tie: number): boolean {
    const at = this.address(hist);
    if (at < 0) return false;
    const a = this.scanArgs, T = node.stats;
    a[0] = T[0]!;
    a[1] = T[1]!;
    a[2] = lambda;
    a[3] = minHess;
    a[4] = minRows;
    a[5] = tie;
    a[6] = node.improvement;
    if (this.kernels.scanGradPlain(at, this.shared.layout.off2, this.shared.nBins.length, a.byteOffset)) {
      const picks = this.scanPicks;
      node.improvement = a[6]!;
      node.feature = picks[0]!;
      node.bin = picks[1]!;
      node.missingLeft = picks[2] === 1;
      T[2] = a[7]!;
      T[3] = a[8]!;
    }
    return true;
  }

  /** Wakes the helpers waiting for work without giving them any (they then look for other work: see helpHistTeam). */
  nudge(): void {
    const ctrl = this.shared.ctrl;
    this.seq = (this.seq + 1) & 0x7ffff;
    Atomics.store(ctrl, TICKET, (this.seq << FEATURE_BITS) + this.shared.nBins.length);
    Atomics.notify(ctrl, TICKET);
  }

  /** Releases the helpers (they return from `helpHistTeam`). */
  stop(): void {
    this.fork?.close();
    Atomics.store(this.shared.ctrl, STOP, 1);
    Atomics.store(this.shared.ctrl, TICKET, -1);
    Atomics.notify(this.shared.ctrl, TICKET);
  }
}

/**
 * A helper thread's side of a HistTeam: builds claimed units until the team stops. With `other`,
 * made with the thread's twin slot, it asks `other()` for other work whenever there is no unit to
 * claim (it answers whether it did some) before waiting.
 */
export function helpHistTeam(s: HistTeamShared, other?: (slot: number) => () => boolean): void {
  const ctrl = s.ctrl, F = s.nBins.length;
  const slot = Atomics.add(ctrl, SLOTS, 1);
  if (slot >= MAX_THREADS) return;
  const kernels = instantiate(s.module, s.memory);
  const mem = new Float64Array(s.memory.buffer);
  const off2 = offsets(s.nBins, 2), off3 = offsets(s.nBins, 3);
  const otherWork = other?.(slot);
  for (;;) {
    if (Atomics.load(ctrl, STOP)) return;
    const v = Atomics.load(ctrl, TICKET);
    const u = v & FEATURE_MASK;
    if (v < 0) return;
    if (u >= F) {
      // work asked for before the ticket v moved on (nudge) is seen here, or wakes the wait
      if (!otherWork?.()) waitWhile(ctrl, TICKET, v);
      continue;
    }
    if (Atomics.compareExchange(ctrl, TICKET, v, v + 1) !== v) continue;
    // the build cannot move on before this unit is done, so its parameters hold
    buildUnit(kernels, s, ctrl, mem, ctrl[PAIR_ONLY] === 1 ? off2 : off3, u - (F - unitsOf(ctrl, F)), slot);
    Atomics.add(ctrl, DONE, 1);
    Atomics.notify(ctrl, DONE);
  }
}
