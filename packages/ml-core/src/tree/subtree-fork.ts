import { MessageChannel, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { sharedArray } from "../core/shared-array";
import type { BinnedData } from "./binner";
import type { TreeArrays } from "./flat-tree";
import type { GradTarget, GrowOptions } from "./grow";
import { Grower } from "./grower";
import { laneHistBuilder } from "./hist-builder";
import { HistTeam, type HistTeamShared } from "./hist-team";
import type { GrowNode } from "./node-arrays";

/** States of a fork (ctrl word 0). */
const IDLE = 0;
/** A subtree is waiting for a helper. */
const ASKED = 1;
const GROWING = 2;
/** Grown (or failed): its result is on the port. */
const GROWN = 3;
/** ctrl word 1: helpers able to take a subtree. */
const HELPERS = 1;

/** Fields of the node handed over, in `args` (float64), before its statistics (2C) and constant features. */
const enum Arg {
  Start, End, Depth, Score, Feature, Bin, MissingLeft, Improvement, HasHessian, SampleLength, Consts, Head,
}

/** Fewest rows of a subtree handed to a helper: below, the handover costs more than it saves. */
export const FORK_MIN_ROWS = 8192;

/**
 * What a helper thread needs to grow subtrees of a fit's gradient trees (all of it can be posted to
 * a worker thread): the gradients are shared arrays the fit refills for each tree.
 */
export interface ForkContext {
  readonly ctrl: Int32Array;
  readonly args: Float64Array;
  /** The handed-over node's histograms. */
  readonly hist: Float64Array;
  readonly data: BinnedData;
  readonly g: Float64Array;
  readonly h: Float64Array;
  readonly target: Omit<GradTarget, "g" | "h">;
  /** Depth-first growth, every feature a candidate at every node (nothing drawn). */
  readonly opts: GrowOptions;
  readonly port: MessagePort;
}

/** A subtree grown on a helper: its node arrays (node 0 the handed-over node) and its splits' (feature, gain) in the order made. */
export interface Subtree extends Omit<TreeArrays, "importance"> {
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly splits: Float64Array;
  readonly error?: string;
}

/**
 * Hands one subtree of a depth-first gradient tree to a helper thread of its HistTeam, which grows
 * it on the team's second lane (see HistLane) while the grower goes on with the rest of the tree.
 * The grower leaves the node where it was on its stack and takes the subtree back when it gets
 * there (`take`): its nodes then get the ids, and its splits add to the importances, in the order
 * growing it there would have given. The same tree as one thread grows.
 */
export class SubtreeFork {
  readonly context: ForkContext;
  /** Subtrees a helper grew so far. */
  grown = 0;
  private readonly port: MessagePort;

  /** @param team the fit's team, whose helpers the context is posted to (see startHistTeam). */
  constructor(private readonly team: HistTeam, target: Omit<GradTarget, "g" | "h">, opts: GrowOptions) {
    const { port1, port2 } = new MessageChannel();
    const data = team.data, n = data.rows;
    this.port = port1;
    this.context = {
      ctrl: sharedArray(Int32Array, 2),
      args: sharedArray(Float64Array, Arg.Head + 2 * 3 + data.cols),
      hist: sharedArray(Float64Array, team.histCapacity),
      data,
      g: sharedArray(Float64Array, n),
      h: sharedArray(Float64Array, n),
      target,
      opts,
      port: port2,
    };
  }

  /** Whether the fork can take subtrees of `target`'s tree grown with `opts` (its helper's arrays and options). */
  fits(target: GradTarget, opts: GrowOptions): boolean {
    const c = this.context;
    return opts === c.opts && target.g === c.g && (target.h === undefined || target.h === c.h) && target.regularization === c.target.regularization && target.l2 === c.target.l2;
  }

  /** Whether the subtree asked for is grown (`take` will not wait). */
  ready(): boolean {
    return Atomics.load(this.context.ctrl, 0) === GROWN;
  }

  /** Whether a helper is there and nothing is asked of it. */
  free(): boolean {
    const ctrl = this.context.ctrl;
    return Atomics.load(ctrl, HELPERS) > 0 && Atomics.load(ctrl, 0) === IDLE;
  }

  /** Asks a helper to grow the subtree of `node` (split found, histograms built) over a tree of `sampleLength` rows. */
  ask(node: GrowNode, C: number, hasHessian: boolean, sampleLength: number): void {
    const { args, hist, ctrl } = this.context;
    args[Arg.Start] = node.start;
    args[Arg.End] = node.end;
    args[Arg.Depth] = node.depth;
    args[Arg.Score] = node.score;
    args[Arg.Feature] = node.feature;
    args[Arg.Bin] = node.bin;
    args[Arg.MissingLeft] = node.missingLeft ? 1 : 0;
    args[Arg.Improvement] = node.improvement;
    args[Arg.HasHessian] = hasHessian ? 1 : 0;
    args[Arg.SampleLength] = sampleLength;
    args[Arg.Consts] = node.consts.length;
    args.set(node.stats.subarray(0, 2 * C), Arg.Head);
    args.set(node.consts, Arg.Head + 2 * C);
    hist.set(node.hist!);
    Atomics.store(ctrl, 0, ASKED);
    this.team.nudge();
  }

  /**
   * The subtree asked for, once grown (waiting for it), or undefined when no helper took it (the
   * caller grows it then).
   */
  take(): Subtree | undefined {
    const ctrl = this.context.ctrl;
    if (Atomics.compareExchange(ctrl, 0, ASKED, IDLE) === ASKED) return undefined;
    for (let s = Atomics.load(ctrl, 0); s !== GROWN; s = Atomics.load(ctrl, 0)) Atomics.wait(ctrl, 0, s);
    const sub = receiveMessageOnPort(this.port)!.message as Subtree;
    Atomics.store(ctrl, 0, IDLE);
    if (sub.error !== undefined) throw new Error(`a helper failed to grow a subtree: ${sub.error}`);
    this.grown++;
    return sub;
  }

  /** Closes the port (the fit is over). */
  close(): void {
    this.port.close();
  }
}

/**
 * The subtrees of one tree handed to a SubtreeFork: the one asked for and those grown, each until
 * the grower gets to its node (taking a grown one back as soon as the fork is asked for the next).
 */
export class Handovers {
  private pending: GrowNode | undefined;
  private readonly grown = new Map<GrowNode, Subtree>();

  constructor(private readonly fork: SubtreeFork) {}

  /** Hands `node`'s subtree over when the helper is free; returns whether it did. */
  ask(node: GrowNode, C: number, hasHessian: boolean, sampleLength: number): boolean {
    if (this.pending && this.fork.ready()) {
      this.grown.set(this.pending, this.fork.take()!);
      this.pending = undefined;
    }
    if (this.pending || !this.fork.free()) return false;
    this.fork.ask(node, C, hasHessian, sampleLength);
    this.pending = node;
    return true;
  }

  has(node: GrowNode): boolean {
    return node === this.pending || this.grown.has(node);
  }

  /** The subtree of a node handed over (waiting for it), or undefined when no helper took it. */
  take(node: GrowNode): Subtree | undefined {
    const sub = this.grown.get(node);
    if (sub) {
      this.grown.delete(node);
      return sub;
    }
    this.pending = undefined;
    return this.fork.take();
  }
}

/**
 * A helper thread's side of a SubtreeFork: a function for the helper's idle moments (see
 * helpHistTeam) that grows the subtree asked for, if any, and answers whether it did.
 */
export function subtreeHelper(c: ForkContext, shared: HistTeamShared): (slot: number) => () => boolean {
  return (slot) => subtreeWork(c, shared, slot);
}

function subtreeWork(c: ForkContext, shared: HistTeamShared, slot: number): () => boolean {
  let lane: HistTeam | undefined;
  Atomics.add(c.ctrl, HELPERS, 1);
  return () => {
    if (Atomics.load(c.ctrl, 0) !== ASKED || Atomics.compareExchange(c.ctrl, 0, ASKED, GROWING) !== ASKED) return false;
    let sub: Subtree;
    try {
      lane ??= new HistTeam(c.data, { sparse: c.opts.sparseHistograms === true, lane: { shared, slot } });
      const t0 = performance.now();
      sub = growSubtree(c, lane);
      (sub as { ms?: number }).ms = performance.now() - t0;
    } catch (e) {
      sub = { error: e instanceof Error ? e.message : String(e) } as Subtree;
    }
    c.port.postMessage(sub);
    Atomics.store(c.ctrl, 0, GROWN);
    Atomics.notify(c.ctrl, 0);
    return true;
  };
}

function growSubtree(c: ForkContext, lane: HistTeam): Subtree {
  const a = c.args;
  const target: GradTarget = { ...c.target, g: c.g, ...(a[Arg.HasHessian] === 1 ? { h: c.h } : {}) };
  const builder = laneHistBuilder(c.data, target, c.opts, lane, a[Arg.SampleLength]!);
  const C = builder.layout.C;
  // the node's histograms into one of the lane's own (built and subtracted in WebAssembly)
  const hist = builder.acquire();
  hist.set(c.hist.subarray(0, hist.length));
  const node: GrowNode = {
    id: 0,
    start: a[Arg.Start]!,
    end: a[Arg.End]!,
    depth: a[Arg.Depth]!,
    stats: a.slice(Arg.Head, Arg.Head + 2 * C),
    hist,
    score: a[Arg.Score]!,
    feature: a[Arg.Feature]!,
    bin: a[Arg.Bin]!,
    missingLeft: a[Arg.MissingLeft] === 1,
    improvement: a[Arg.Improvement]!,
    consts: Array.from(a.subarray(Arg.Head + 2 * C, Arg.Head + 2 * C + a[Arg.Consts]!)),
  };
  return new Grower(c.data, target, builder.rows, c.opts, { part: { builder } }).growSubtree(node);
}
