import { MessageChannel, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { sharedArray } from "../core/shared-array";
import type { BinnedData } from "../tree/binner";
import type { TreeArrays } from "../tree/flat-tree";
import { addLeaves, growTree, treeArrays, type GradTarget, type GrowOptions, type GrownTree } from "../tree/grow";
import { HistTeam } from "../tree/hist-team";
import { SoftprobGradients, type SoftprobShared } from "./softprob-gradients";

// ctrl words
/**
 * seq << 12 | next unclaimed unit of the current round (claimed by compare-exchange, as HistTeam's
 * ticket): its softmax chunks, then one unit per output column's tree.
 */
const TICKET = 0;
/** Trees of the current round finished. */
const DONE = 1;
const STOP = 2;
/** 1 when a pool thread failed; its error is on the port. */
const FAILED = 3;
/** Chunks of the round's softmax finished. */
const SOFTMAX_DONE = 4;
const CTRL_WORDS = 5;
/** Chunks of rows a round's softmax is split into (multi:softprob), claimed before the trees. */
const SOFTMAX_CHUNKS = 4;
const COLUMN_BITS = 12;
const COLUMN_MASK = (1 << COLUMN_BITS) - 1;

/** Most output columns (trees per round) a round team takes. */
export const ROUND_MAX_COLUMNS = COLUMN_MASK - SOFTMAX_CHUNKS;

/** What every tree of a boosting fit shares but its gradients and rows. */
export interface TreeSetup {
  readonly data: BinnedData;
  readonly grow: GrowOptions;
  readonly target: Omit<GradTarget, "g" | "h">;
  readonly learningRate: number;
}

/** What the pool threads of a RoundTeam get (all of it can be posted to a worker thread). */
export interface RoundTeamShared {
  readonly ctrl: Int32Array;
  readonly setup: TreeSetup;
  readonly cols: number;
  /**
   * The labels, raw scores and each round's gradients and hessians (SoftprobGradients,
   * class-major), computed by the threads in chunks of rows before the trees. With every row in
   * each tree, the thread that grows column c's tree adds its leaf weights to column c of the raw
   * scores (each score gets one addition per round, whoever adds first).
   */
  readonly softprob: SoftprobShared;
  /** Units of work of a round before its trees: softmax chunks. */
  readonly chunks: number;
  /** With row subsampling: column c's rows at c n, `sampleLength[c]` of them; empty when every tree takes every row. */
  readonly samples: Int32Array;
  readonly sampleLength: Int32Array;
  /**
   * The columns in the order their trees are claimed this round: the slowest of the last round
   * first, so that the tree a thread claims last, when the others may be done, is a quick one.
   */
  readonly order: Int32Array;
  /** Milliseconds each column's tree took to grow last round (who grew which tree changes nothing else). */
  readonly cost: Float64Array;
  /** Whether a thread builds its histograms with a HistTeam of its own (the caller does). */
  readonly useTeam: boolean;
}

/** A pool thread's message for each tree it grew, or for its failure. */
interface TreeMessage {
  readonly c: number;
  readonly tree?: TreeArrays;
  readonly error?: string;
}

/**
 * One tree on the gradients `g` (and hessians `h`, omitted when all 1) over `sample` (permuted in
 * place), its weights already times the learning rate: the same arithmetic on every thread.
 */
export function growColumnTree(s: TreeSetup, g: Float64Array, h: Float64Array | undefined, sample: Int32Array, team: HistTeam | undefined): GrownTree {
  const tree = growTree(s.data, { ...s.target, g, ...(h ? { h } : {}) }, sample, s.grow, undefined, team);
  for (let node = 0; node < tree.value.length; node++) tree.value[node]! *= s.learningRate;
  return tree;
}

/** A thread's buffers: a tree's rows, and its view of the round's numbers. */
interface TreeBuffers {
  readonly rows: Int32Array;
  readonly numbers: SoftprobGradients;
}

function treeBuffers(s: RoundTeamShared): TreeBuffers {
  return { rows: new Int32Array(s.setup.data.rows), numbers: SoftprobGradients.attach(s.softprob) };
}

/** Softmax chunk u of the round: its rows' gradients and hessians (the same numbers whatever the chunks: row by row). */
function softmaxChunk(s: RoundTeamShared, u: number, numbers: SoftprobGradients): void {
  const n = s.setup.data.rows, per = Math.ceil(n / s.chunks);
  numbers.compute(Math.min(n, u * per), Math.min(n, (u + 1) * per));
}

/** Waits until every softmax chunk of the round is done; false when the team failed or stopped first. */
function awaitSoftmax(s: RoundTeamShared): boolean {
  const ctrl = s.ctrl;
  for (let d = Atomics.load(ctrl, SOFTMAX_DONE); d < s.chunks; d = Atomics.load(ctrl, SOFTMAX_DONE)) {
    if (Atomics.load(ctrl, FAILED) === 1 || Atomics.load(ctrl, STOP) === 1) return false;
    Atomics.wait(ctrl, SOFTMAX_DONE, d);
  }
  return true;
}

/** The column whose tree is unit u of the round; -1 for a softmax chunk. */
function columnOf(s: RoundTeamShared, u: number): number {
  return u < s.chunks ? -1 : s.order[u - s.chunks]!;
}

/**
 * Does unit u of the round: a softmax chunk, or (from `chunks` on) column columnOf(u)'s tree once
 * every chunk is done (undefined when the team failed or stopped before).
 */
function doUnit(s: RoundTeamShared, u: number, team: HistTeam | undefined, bufs: TreeBuffers): TreeArrays | undefined {
  if (u < s.chunks) {
    softmaxChunk(s, u, bufs.numbers);
    Atomics.add(s.ctrl, SOFTMAX_DONE, 1);
    Atomics.notify(s.ctrl, SOFTMAX_DONE);
    return undefined;
  }
  return awaitSoftmax(s) ? growRoundTree(s, columnOf(s, u), team, bufs) : undefined;
}

/** Column c's tree of the current round (its rows put in `buf`), its leaf weights added to `raw` unless rows are subsampled. */
function growRoundTree(s: RoundTeamShared, c: number, team: HistTeam | undefined, bufs: TreeBuffers): TreeArrays {
  const t0 = performance.now();
  const buf = bufs.rows;
  const n = s.setup.data.rows;
  let sample: Int32Array;
  if (s.samples.length > 0) {
    sample = buf.subarray(0, s.sampleLength[c]!);
    sample.set(s.samples.subarray(c * n, c * n + sample.length));
  } else {
    sample = buf;
    for (let i = 0; i < n; i++) sample[i] = i;
  }
  const { g, h, raw } = bufs.numbers;
  const tree = growColumnTree(s.setup, g.subarray(c * n, (c + 1) * n), h.subarray(c * n, (c + 1) * n), sample, team);
  if (s.samples.length === 0) addLeaves(tree, raw.subarray(c * n, (c + 1) * n), 1, 0);
  s.cost[c] = performance.now() - t0;
  return treeArrays(tree);
}

function takeMessage(port: MessagePort): TreeMessage | undefined {
  return receiveMessageOnPort(port)?.message as TreeMessage | undefined;
}

/** Claims the next of the `units` units of round `base` (seq << 12); -1 when none is left or the round is over. */
function claim(ctrl: Int32Array, base: number, units: number): number {
  for (;;) {
    const v = Atomics.load(ctrl, TICKET);
    const u = v & COLUMN_MASK;
    if (v - u !== base || u >= units) return -1;
    if (Atomics.compareExchange(ctrl, TICKET, v, v + 1) === v) return u;
  }
}

/**
 * Grows the trees of a boosting round (one per output column: multi:softprob's classes) on the
 * caller and pool threads at once: they all read the same raw scores, so they are independent.
 * The threads compute the softmax of `raw` in chunks of rows, then each tree's gradients from it;
 * the caller writes the rows of each column's tree with subsampling. `growRound` claims units one
 * at a time from a shared ticket, as the pool threads do, and each thread adds its trees' leaf
 * weights to `raw`. The threads post their trees on ports read synchronously, so the boosting loop
 * stays synchronous.
 * Every row's softmax and every column's tree come from the same code on the same inputs, so the
 * trees are bit-identical to growing them one after the other whoever does which; with no thread
 * joining the caller does it all.
 */
export class RoundTeam {
  readonly shared: RoundTeamShared;
  private seq = 0;
  /** Trees grown by the pool threads so far. */
  threadTrees = 0;
  /** Where each pool thread's trees arrive. */
  private readonly ports: MessagePort[] = [];
  /** The caller's buffers for its trees. */
  private readonly bufs: TreeBuffers;

  /** The raw scores, column c's rows at c rows (the round's numbers' `raw`). */
  get raw(): Float64Array {
    return this.bufs.numbers.raw;
  }

  /**
   * @param setup what every tree shares (grow options without per-node column draws).
   * @param cols trees per round (at most ROUND_MAX_COLUMNS).
   * @param subsampled whether each tree takes its own rows (`setSample`).
   * @param team the caller's HistTeam, if any (the threads then make their own).
   * @param labels the labels (multi:softprob): the team computes each round's softmax of `raw` and the gradients.
   */
  constructor(setup: TreeSetup, cols: number, subsampled: boolean, private readonly team: HistTeam | undefined, labels: Float64Array) {
    const n = setup.data.rows;
    const numbers = new SoftprobGradients(n, cols);
    numbers.y.set(labels);
    this.shared = {
      ctrl: sharedArray(Int32Array, CTRL_WORDS),
      setup,
      cols,
      softprob: numbers.shared,
      chunks: SOFTMAX_CHUNKS,
      samples: sharedArray(Int32Array, subsampled ? cols * n : 0),
      sampleLength: sharedArray(Int32Array, cols),
      order: sharedArray(Int32Array, cols),
      cost: sharedArray(Float64Array, cols),
      useTeam: team !== undefined,
    };
    // nothing to claim before the first round (see HistTeam's ticket)
    this.shared.ctrl[TICKET] = COLUMN_MASK;
    this.bufs = { rows: new Int32Array(n), numbers };
  }

  /** A port for one more pool thread to post its trees on (with `shared`, to `helpRoundTeam`). */
  threadPort(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    this.ports.push(port1);
    return port2;
  }

  /** Sets the rows of column c's tree this round (subsampled teams only). */
  setSample(c: number, rows: Int32Array): void {
    this.shared.samples.set(rows, c * this.shared.setup.data.rows);
    this.shared.sampleLength[c] = rows.length;
  }

  /**
   * Grows the round's trees, by column, from the softmax of `raw`; without subsampling their leaf
   * weights are added to `raw` already.
   */
  growRound(): TreeArrays[] {
    const s = this.shared, ctrl = s.ctrl, cols = s.cols, units = s.chunks + cols;
    const trees: (TreeArrays | undefined)[] = new Array(cols);
    Atomics.store(ctrl, DONE, 0);
    Atomics.store(ctrl, SOFTMAX_DONE, 0);
    s.order.set(Array.from({ length: cols }, (_, c) => c).sort((a, b) => s.cost[b]! - s.cost[a]! || a - b));
    this.seq = (this.seq + 1) & 0x7ffff;
    const base = this.seq << COLUMN_BITS;
    Atomics.store(ctrl, TICKET, base);
    Atomics.notify(ctrl, TICKET);
    for (let u = claim(ctrl, base, units); u >= 0; u = claim(ctrl, base, units)) {
      const tree = doUnit(s, u, this.team, this.bufs);
      if (u < s.chunks) continue;
      if (tree === undefined) break;
      trees[columnOf(s, u)] = tree;
      Atomics.add(ctrl, DONE, 1);
    }
    for (let d = Atomics.load(ctrl, DONE); d < cols && Atomics.load(ctrl, FAILED) === 0; d = Atomics.load(ctrl, DONE)) Atomics.wait(ctrl, DONE, d);
    this.receive(trees);
    return trees as TreeArrays[];
  }

  /** Takes the pool threads' trees of the round off their ports (posted before they counted them done). */
  private receive(trees: (TreeArrays | undefined)[]): void {
    let missing = 0;
    for (const t of trees) if (t === undefined) missing++;
    for (let idle = 0; missing > 0; ) {
      let got = 0;
      for (const port of this.ports) {
        for (let m = takeMessage(port); m !== undefined; m = takeMessage(port)) {
          if (m.error !== undefined) throw new Error(`a boosting pool thread failed: ${m.error}`);
          trees[m.c] = m.tree;
          got++;
        }
      }
      missing -= got;
      this.threadTrees += got;
      if (got > 0 || missing === 0) continue;
      // a thread that failed may still be posting its error
      if (++idle > 1000) throw new Error("a boosting pool thread stopped without its trees.");
      Atomics.wait(this.shared.ctrl, DONE, Atomics.load(this.shared.ctrl, DONE), 1);
    }
  }

  /** Releases the pool threads (they return from `helpRoundTeam`). */
  stop(): void {
    const ctrl = this.shared.ctrl;
    Atomics.store(ctrl, STOP, 1);
    Atomics.store(ctrl, TICKET, -1);
    Atomics.notify(ctrl, TICKET);
    Atomics.notify(ctrl, SOFTMAX_DONE);
    for (const port of this.ports) port.close();
  }
}

/** A pool thread's side of a RoundTeam: does claimed units, posting each tree on `port`, until the team stops. */
export function helpRoundTeam(s: RoundTeamShared, port: MessagePort): void {
  const ctrl = s.ctrl, units = s.chunks + s.cols;
  // a task that waited behind another fit's may find its team stopped already
  if (Atomics.load(ctrl, STOP) === 1) return port.close();
  let team: HistTeam | undefined;
  try {
    team = s.useTeam ? new HistTeam(s.setup.data, { sparse: s.setup.grow.sparseHistograms }) : undefined;
  } catch {
    // the JS loops build the same histograms
  }
  const bufs = treeBuffers(s);
  let c = -1;
  try {
    for (;;) {
      const v = Atomics.load(ctrl, TICKET);
      if (Atomics.load(ctrl, STOP) === 1) return;
      const u = v & COLUMN_MASK;
      if (u >= units) {
        Atomics.wait(ctrl, TICKET, v);
        continue;
      }
      if (Atomics.compareExchange(ctrl, TICKET, v, v + 1) !== v) continue;
      // the round cannot end before this unit is done, so its inputs hold
      c = columnOf(s, u);
      const tree = doUnit(s, u, team, bufs);
      if (c < 0) continue;
      if (tree === undefined) return;
      port.postMessage({ c, tree } satisfies TreeMessage);
      Atomics.add(ctrl, DONE, 1);
      Atomics.notify(ctrl, DONE);
    }
  } catch (e) {
    port.postMessage({ c, error: e instanceof Error ? e.message : String(e) } satisfies TreeMessage);
    Atomics.store(ctrl, FAILED, 1);
    Atomics.notify(ctrl, DONE);
    Atomics.notify(ctrl, SOFTMAX_DONE);
  } finally {
    team?.stop();
    port.close();
  }
}
