import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker, type MessagePort, type TransferListItem } from "node:worker_threads";
import { fitForestTree, releaseTreeKernels, type ForestJob } from "./forest-tree";
import { BIN_SUBSAMPLE, binColumns, binData, finishBinning, shareBinning, type BinnedData, type SharedBinning } from "../tree/binner";
import type { ColumnSource } from "../core/column-source";
import type { Matrix } from "../core/matrix";
import { binColumnsTogether, type SharedColumnBinning } from "../tree/column-binning";
import type { Rng } from "../core/rng";
import type { TreeArrays } from "../tree/flat-tree";
import { HistTeam, TEAM_MAX_FEATURES, type HistTeamShared } from "../tree/hist-team";
import type { GradTarget, GrowOptions } from "../tree/grow";
import { SubtreeFork, type ForkContext } from "../tree/subtree-fork";
import { xgbBinClaimed, xgbBinData } from "./xgb-cuts";
import { ROUND_MAX_COLUMNS, RoundTeam, type RoundTeamShared, type TreeSetup } from "./xgb-round-team";

const IS_TS = __filename.endsWith(".ts");

/**
 * Below this many rows x trees the trees grow inline. Pool threads are started once per process,
 * so past the first fit a threaded fit costs only the messages; the first start takes tens of
 * milliseconds from compiled JS but hundreds when the TypeScript sources must be compiled (tests),
 * hence the larger threshold there.
 */
export const INLINE_WORK = IS_TS ? 1_000_000 : 20_000;

/** One forest fit's share of work posted to a pool thread: the job, every seed, the shared next-tree counter. */
export interface ForestTask {
  readonly kind: "forest";
  readonly id: number;
  readonly job: ForestJob;
  readonly seeds: readonly number[];
  /** Int32 on a SharedArrayBuffer: index of the next tree nobody has claimed yet. */
  readonly next: Int32Array;
}

/** A pool thread joins a HistTeam until it stops, growing the subtrees its SubtreeFork hands over when given its context. */
export interface HistTask {
  readonly kind: "hist";
  readonly id: number;
  readonly shared: HistTeamShared;
  readonly fork?: ForkContext;
}

/** A pool thread bins features of a shared dataset until none is left (at XGBoost's cuts for "xgb-bin"). */
export interface BinTask {
  readonly kind: "bin";
  readonly id: number;
  readonly binning: SharedBinning;
}

/** A pool thread bins the columns of a ColumnSource as its caller reads them (helpBinColumns). */
export interface BinColumnsTask {
  readonly kind: "bin-columns";
  readonly id: number;
  readonly binning: SharedColumnBinning;
}

/** A BinTask at XGBoost's cuts (xgbBinClaimed). */
export interface XgbBinTask extends Omit<BinTask, "kind"> {
  readonly kind: "xgb-bin";
}

/** A pool thread grows trees of a RoundTeam's rounds, posting them on `port`, until the team stops. */
export interface RoundTask {
  readonly kind: "xgb-round";
  readonly id: number;
  readonly shared: RoundTeamShared;
  readonly port: MessagePort;
}

/** A pool thread's answer to a ForestTask: the trees it grew, by index. */
export interface ForestTaskResult {
  readonly id: number;
  readonly trees: [number, TreeArrays][];
  readonly error?: string;
}

interface PoolThread {
  readonly worker: Worker;
  /** Tasks posted and not answered; the thread keeps the process alive only while this is > 0. */
  busy: number;
  readonly pending: Map<number, { resolve: (r: ForestTaskResult) => void; reject: (e: Error) => void }>;
}

const pool: PoolThread[] = [];
let nextTaskId = 1;

function startThread(): PoolThread {
  const file = join(__dirname, IS_TS ? "forest-worker.ts" : "forest-worker.js");
  const execArgv = IS_TS ? ["--require", require.resolve("tsx/cjs")] : [];
  const worker = new Worker(file, { execArgv });
  const thread: PoolThread = { worker, busy: 0, pending: new Map() };
  worker.unref();
  worker.on("message", (r: ForestTaskResult) => {
    const p = thread.pending.get(r.id);
    thread.pending.delete(r.id);
    if (--thread.busy === 0) worker.unref();
    if (!p) return;
    if (r.error !== undefined) p.reject(new Error(`forest worker failed: ${r.error}`));
    else p.resolve(r);
  });
  const fail = (e: Error): void => {
    const i = pool.indexOf(thread);
    if (i >= 0) pool.splice(i, 1);
    for (const p of thread.pending.values()) p.reject(e);
    thread.pending.clear();
    thread.busy = 0;
  };
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`forest worker exited with code ${code}`)));
  return thread;
}

/** The first `count` pool threads, starting the missing ones. Threads are unref'd: they never keep the process alive. */
function poolThreads(count: number): PoolThread[] {
  while (pool.length < count) pool.push(startThread());
  return pool.slice(0, count);
}

function post(thread: PoolThread, task: ForestTask | HistTask | BinTask | BinColumnsTask | XgbBinTask | RoundTask, transfer: TransferListItem[] = []): Promise<ForestTaskResult> {
  return new Promise((resolve, reject) => {
    thread.pending.set(task.id, { resolve, reject });
    if (thread.busy++ === 0) thread.worker.ref();
    thread.worker.postMessage(task, transfer);
  });
}

/** How many tree threads the pool holds now (started lazily by threaded fits). */
export function treeWorkerCount(): number {
  return pool.length;
}

/**
 * Terminates the tree worker threads (they are otherwise kept for the next fit, unref'd, until the
 * process exits); fits still waiting on them reject. The next threaded fit starts new ones.
 */
export async function shutdownTreeWorkers(): Promise<void> {
  const threads = pool.splice(0, pool.length);
  await Promise.all(threads.map((t) => t.worker.terminate()));
}

/** Most pool threads helping one fit (its histograms, or its boosting rounds' trees). */
export const MAX_HELPERS = 3;

/** Fewest rows x features for which boosting builds its histograms with helper threads. */
export const TEAM_DATA = 100_000;

/**
 * A HistTeam over `data` with `helpers` pool threads joining it, or undefined when the data is too
 * small to pay for copying it into the team's memory and for the threads (`TEAM_DATA` rows x
 * features), or the team cannot be made here (no WebAssembly SIMD with shared memory, or too much
 * data for one memory): the grower then builds with its JS loops, to the same trees. Boosting
 * makes it: it holds the data's sparse codes (trees with `sparseHistograms`).
 * @param helpers pool threads joining (default: the other cores, at most 3; 0 builds in the caller
 * only). Call `team.stop()` when done; the histograms do not depend on the helpers.
 * @param forkFor with helpers, the gradient trees (target and options) of which the first helper
 * grows subtrees too (see SubtreeFork): the trees' g and h must then be the fork's arrays.
 * @param values float64 of the team's `values` (see HistTeam).
 */
export function startHistTeam(data: BinnedData, helpers = Math.min(availableParallelism() - 1, MAX_HELPERS), forkFor?: { target: Omit<GradTarget, "g" | "h">; opts: GrowOptions }, values = 0): HistTeam | undefined {
  if (data.rows * data.cols < TEAM_DATA || data.cols > TEAM_MAX_FEATURES) return undefined;
  let team: HistTeam;
  const forks = forkFor !== undefined && helpers > 0;
  try {
    team = new HistTeam(data, { sparse: true, lanes: forks ? 2 : 1, values });
  } catch {
    return undefined;
  }
  if (forks) team.fork = new SubtreeFork(team, forkFor.target, forkFor.opts);
  poolThreads(helpers).forEach((thread, i) => {
    const fork = i === 0 ? team.fork?.context : undefined;
    post(thread, { kind: "hist", id: nextTaskId++, shared: team.shared, ...(fork ? { fork } : {}) }, fork ? [fork.port] : []).catch(() => {});
  });
  return team;
}

/** Fewest rows x trees per round for which a boosting round's trees grow on pool threads too. */
export const ROUND_WORK = 20_000;

/**
 * How many pool threads a RoundTeam of `cols` trees per round over `rows` rows would use of the
 * `threads` offered (at most one per tree but the caller's): 0 with fewer than two trees per round,
 * too little work (`ROUND_WORK` rows x trees) or sampled columns (drawn tree after tree, in order).
 */
export function roundTeamThreads(rows: number, cols: number, threads: number, columnsSampled: boolean): number {
  if (columnsSampled || cols > ROUND_MAX_COLUMNS || rows * cols < ROUND_WORK) return 0;
  return Math.max(0, Math.min(threads, cols - 1));
}

/**
 * A RoundTeam growing each boosting round's `cols` trees on the caller and pool threads
 * (`roundTeamThreads` of the `threads` offered), or undefined when that is none: the trees then
 * grow one after the other, the same trees. Call `stop()` when done.
 * @param team the caller's HistTeam, if any: each thread then builds with a team of its own (without helpers).
 * @param labels the labels (multi:softprob): the threads compute each round's softmax and gradients.
 */
export function startRoundTeam(setup: TreeSetup, cols: number, subsampled: boolean, team: HistTeam | undefined, threads: number, labels: Float64Array): RoundTeam | undefined {
  const n = roundTeamThreads(setup.data.rows, cols, threads, setup.grow.nodeFeatures !== undefined);
  if (n === 0) return undefined;
  const round = new RoundTeam(setup, cols, subsampled, team, labels);
  for (const thread of poolThreads(n)) {
    const port = round.threadPort();
    post(thread, { kind: "xgb-round", id: nextTaskId++, shared: round.shared, port }, [port]).catch(() => {});
  }
  return round;
}

/**
 * Grows one tree per seed on `nJobs` threads sharing the binned data (SharedArrayBuffer), or inline
 * when `nJobs` is 1 or rows x trees is below `inlineWork` (default `INLINE_WORK`). The main thread is
 * one of the `nJobs`, the others come from a process-wide pool of threads started on first use and
 * reused by later fits. Threads claim trees one at a time from a shared counter, so a slow thread
 * does not hold the others back. Tree `t` always comes from `seeds[t]`, so the result does not
 * depend on `nJobs` nor on who grew which tree.
 * @param useMain let the main thread grow trees too (default true); false leaves them to `nJobs` pool threads.
 */
export async function growForest(job: ForestJob, seeds: readonly number[], nJobs: number, onTree?: () => void, inlineWork = INLINE_WORK, useMain = true): Promise<TreeArrays[]> {
  const jobs = Math.min(nJobs, seeds.length);
  if (jobs <= 1 || job.data.rows * seeds.length < inlineWork) {
    const trees = seeds.map((s) => {
      const t = fitForestTree(job, s);
      onTree?.();
      return t;
    });
    releaseTreeKernels();
    return trees;
  }
  const next = new Int32Array(new SharedArrayBuffer(4));
  const task: ForestTask = { kind: "forest", id: nextTaskId++, job: shareJob(job), seeds, next };
  const trees: TreeArrays[] = new Array(seeds.length);
  const results = poolThreads(useMain ? jobs - 1 : jobs).map((t) => post(t, task));
  for (const r of results) r.catch(() => {});
  if (useMain) {
    for (let t = Atomics.add(next, 0, 1); t < seeds.length; t = Atomics.add(next, 0, 1)) {
      trees[t] = fitForestTree(job, seeds[t]!);
      onTree?.();
    }
    releaseTreeKernels();
  }
  // every tree is claimed once the main thread is done; threads that got none answer at once
  for (const r of results) {
    for (const [t, tree] of (await r).trees) {
      trees[t] = tree;
      onTree?.();
    }
  }
  return trees;
}

/** `job` with its binned codes and targets on SharedArrayBuffers (copied unless they are), as threads need them. */
export function shareJob(job: ForestJob): ForestJob {
  const codes = job.data.codes.buffer instanceof SharedArrayBuffer ? job.data.codes : toShared(job.data.codes);
  const y = job.y.buffer instanceof SharedArrayBuffer ? job.y : toShared(job.y);
  return { ...job, data: { ...job.data, codes }, y };
}

function toShared<T extends Uint8Array | Float64Array>(a: T): T {
  const buf = new SharedArrayBuffer(a.byteLength);
  const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(buf);
  out.set(a as never);
  return out;
}

/** Fewest values (rows x features) binned with pool threads; below, posting costs more than it saves. */
export const PARALLEL_BIN_DATA = 1_000_000;

/**
 * `binData(X, maxBins, rng, shared)`, its features binned by the caller and `helpers` pool threads
 * together when X is large (`PARALLEL_BIN_DATA` values) and every row is used (at most 200,000): the
 * same codes and edges, as each feature is binned whole by one thread. The codes are then shared.
 * @param helpers pool threads joining (default: the other cores, at most 3); with none the
 * caller bins alone.
 */
export function binDataParallel(X: Matrix, maxBins: number, rng: Rng, shared = false, helpers = Math.min(availableParallelism() - 1, MAX_HELPERS)): BinnedData {
  // above BIN_SUBSAMPLE rows the edges come from a random subsample: not the same binning every time
  return remembered(X, X.rows <= BIN_SUBSAMPLE ? `hist:${maxBins}:${shared}` : undefined, () => {
    if (helpers < 1 || X.rows * X.cols < PARALLEL_BIN_DATA || X.rows > BIN_SUBSAMPLE || X.cols < 2) return binData(X, maxBins, rng, shared);
    const binning = shareBinning(X, maxBins);
    for (const thread of poolThreads(helpers)) post(thread, { kind: "bin", id: nextTaskId++, binning }).catch(() => {});
    return finishBinning(binning);
  });
}

/**
 * `binColumns(X, maxBins, rng)` (the same codes and edges), the columns binned by the caller and
 * `helpers` pool threads together as the caller reads them when X is large (`PARALLEL_BIN_DATA`
 * values). The codes are then shared.
 * @param helpers pool threads joining (default: the other cores, at most 3); with none the caller bins alone.
 */
export function binColumnsParallel(X: ColumnSource, maxBins: number, rng: Rng, helpers = Math.min(availableParallelism() - 1, MAX_HELPERS)): BinnedData {
  if (helpers < 1 || X.rows * X.cols < PARALLEL_BIN_DATA || X.cols < 2) return binColumns(X, maxBins, rng);
  return binColumnsTogether(X, maxBins, rng, (binning) => {
    for (const thread of poolThreads(helpers)) post(thread, { kind: "bin-columns", id: nextTaskId++, binning }).catch(() => {});
  });
}

/**
 * `xgbBinData(X, maxBin)`, its features binned by the caller and `helpers` pool threads together
 * when X is large (`PARALLEL_BIN_DATA` values): the same codes and edges, as each feature is
 * binned whole by one thread. The codes are then shared.
 * @param helpers pool threads joining (default: the other cores, at most 3); with none the caller bins alone.
 */
export function xgbBinDataParallel(X: Matrix, maxBin: number, helpers = Math.min(availableParallelism() - 1, MAX_HELPERS)): BinnedData {
  return remembered(X, `xgb:${maxBin}`, () => {
    if (helpers < 1 || X.rows * X.cols < PARALLEL_BIN_DATA || X.cols < 2) return xgbBinData(X, maxBin);
    const binning = shareBinning(X, maxBin);
    for (const thread of poolThreads(helpers)) post(thread, { kind: "xgb-bin", id: nextTaskId++, binning }).catch(() => {});
    return finishBinning(binning, xgbBinClaimed);
  });
}

/** The matrices declared unchanging (`binOnce`), with the binnings made of them so far, by kind and bins. */
const binnings = new WeakMap<Matrix, Map<string, BinnedData>>();

/**
 * Declares that `X` will not change, so that the histogram fits on it (HistGradientBoosting,
 * GradientBoosting, RandomForest, XGB) bin it once and reuse the codes: cross-validation fits the
 * same fold matrices trial after trial. The binnings are kept as long as X is.
 */
export function binOnce(X: Matrix): void {
  if (!binnings.has(X)) binnings.set(X, new Map());
}

/** `bin()`, or the binning `key` made of X before when X was declared unchanging (undefined key: never kept). */
function remembered(X: Matrix, key: string | undefined, bin: () => BinnedData): BinnedData {
  const known = key === undefined ? undefined : binnings.get(X);
  if (!known) return bin();
  let data = known.get(key!);
  if (!data) known.set(key!, (data = bin()));
  return data;
}
