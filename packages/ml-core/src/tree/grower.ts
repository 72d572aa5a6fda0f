import type { Rng } from "../core/rng";
import { binThreshold, type BinnedData } from "./binner";
import type { ClassArena } from "./class-arena";
import { CRITERIA, type Score } from "./criteria";
import { Frontier } from "./frontier";
import type { ClassTarget, GradTarget, GrownTree, GrowOptions } from "./grow";
import { histBuilderFor, type HistBuilder } from "./hist-builder";
import type { HistTeam } from "./hist-team";
import { NodeArrays, type GrowNode } from "./node-arrays";
import { regularizedGain, regularizedWeight, type LeafRegularization } from "./regularization";
import { Splitter } from "./splitter";
import type { StatLayout } from "./stat-layout";
import { FORK_MIN_ROWS, Handovers, type Subtree } from "./subtree-fork";

/** XGBoost's kRtEps: a split must lower the loss by more than this. */
const MIN_LOSS_CHANGE = 1e-6;
/** With features drawn per node by JS loops, the root builds all features' histograms when there are at most this many times max_features. */
const ROOT_HIST_RATIO = 4;
/** Most nodes a tree's arrays have room for before the first doubling. */
const FIRST_NODES = 1024;
/** Just below 1: a hessian sum this far below twice min_hessian cannot be split even with the scan's rounding. */
const HESS_SLACK = 1 - 2 ** -40;

/** What a Grower grows its tree with (see growTree's parameters). */
export interface GrowerTools {
  /** Draws features per node when `maxFeatures < cols`. */
  readonly rng?: Rng;
  readonly team?: HistTeam;
  readonly arena?: ClassArena;
  /** Growing a part of a tree apart (see growSubtree): the HistBuilder to use, and the tree's Handovers when it has some. */
  readonly part?: { readonly builder: HistBuilder; readonly handovers?: Handovers };
}

/**
 * Grows one histogram tree (see `growTree`): makes nodes (their statistics, value and score), asks
 * the Splitter for each node's best split, keeps the nodes worth splitting on the Frontier and
 * splits them in turn: partition the rows, record the split, give each child that may split its
 * histogram (the smaller child's built, the larger one's by subtraction). The HistBuilder, chosen
 * once per tree, does the histogram and partition work. A depth-first gradient tree whose team has
 * a SubtreeFork hands subtrees to its helper thread and splices them in (see maybeFork).
 */
export class Grower {
  private readonly builder: HistBuilder;
  private readonly splitter: Splitter;
  private readonly layout: StatLayout;
  private readonly out: NodeArrays;
  private readonly importance: Float64Array;
  private readonly frontier: Frontier;
  private readonly score: Score;
  private readonly l2: number;
  private readonly reg: LeafRegularization | undefined;
  /** Node statistics arrays (2C) of nodes done with, reused by `makeNode`: one array per node costs more than its values. */
  private readonly spareStats: Float64Array[] = [];
  /** Least hessian sum of a node that may split (see hessianAllows); 0 for no such bound. */
  private readonly minHessToSplit: number;
  /** The histograms of the children of the last split (null: the child needs none). */
  private leftHist: Float64Array | null = null;
  private rightHist: Float64Array | null = null;
  /** The children's statistics while their histograms are built. */
  private readonly leftTotals: Float64Array;
  private readonly rightTotals: Float64Array;
  /** The subtrees handed to the team's SubtreeFork, when it may take some of this tree (their nodes stay on the frontier). */
  private readonly handovers: Handovers | undefined;
  /** Growing a subtree apart: each split's feature and importance, in the order made (see Subtree). */
  private splits: number[] | undefined;

  /** @param using what the tree is grown with (see GrowerTools). */
  constructor(private readonly data: BinnedData, private readonly target: ClassTarget | GradTarget, private readonly sample: Int32Array, private readonly opts: GrowOptions, using: GrowerTools = {}) {
    const { rng, team, arena, part } = using;
    this.builder = part?.builder ?? histBuilderFor(data, target, sample, opts, rng, team, arena);
    this.layout = this.builder.layout;
    this.splitter = new Splitter(target, opts, this.builder, rng);
    this.score = CRITERIA[target.kind === "class" ? target.criterion : "grad"];
    this.l2 = target.kind === "class" ? 0 : target.l2;
    this.reg = target.kind === "class" ? undefined : target.regularization;
    // room for every node the tree can have (a leaf holds min_samples_leaf rows at least; at most
    // max_leaf_nodes leaves; a full tree of max_depth), up to FIRST_NODES at first: fully grown
    // trees have far fewer nodes than rows, and room is doubled should it fall short
    const leavesAtMost = Math.min(Math.floor(sample.length / Math.max(1, opts.minSamplesLeaf)), opts.maxLeafNodes > 0 ? opts.maxLeafNodes : Infinity, 2 ** Math.min(opts.maxDepth, 20));
    this.out = NodeArrays.take(this.layout.isClass ? this.layout.k : 1, Math.min(FIRST_NODES, Math.max(1, 2 * leavesAtMost - 1)));
    this.importance = new Float64Array(data.cols);
    this.frontier = new Frontier(opts.maxLeafNodes > 0);
    this.leftTotals = new Float64Array(this.layout.C);
    this.rightTotals = new Float64Array(this.layout.C);
    const draws = this.splitter.drawn || opts.nodeFeatures !== undefined;
    this.minHessToSplit = this.layout.isClass || draws ? 0 : 2 * opts.minHessianLeaf * HESS_SLACK;
    const fork = team?.fork;
    this.handovers = part ? part.handovers : fork && target.kind === "grad" && opts.maxLeafNodes === 0 && !draws && fork.fits(target, opts) ? new Handovers(fork) : undefined;
  }

  /** Grows the tree: the root, then the frontier's nodes in turn until none is left (or max_leaf_nodes leaves). */
  grow(): GrownTree {
    const { frontier, opts, builder } = this;
    this.push(this.root());
    let leaves = 1;
    while (frontier.length > 0) {
      if (opts.maxLeafNodes > 0 && leaves >= opts.maxLeafNodes) break;
      this.next(frontier.pop());
      leaves++;
    }
    for (const node of frontier.nodes) builder.release(node.hist);
    builder.finish(this.sample);
    const tree = this.result();
    NodeArrays.giveBack(this.out);
    return tree;
  }

  /**
   * Grows the subtree of `node` (its split found, with its histograms, which this takes over) apart:
   * its nodes numbered from 0 (`node` itself), with its splits in the order made.
   */
  growSubtree(node: GrowNode): Subtree {
    this.splits = [];
    this.frontier.push({ ...node, id: this.out.add(node.start, node.end) });
    node.hist = null;
    while (this.frontier.length > 0) this.next(this.frontier.pop());
    this.builder.dispose();
    const { feature, threshold, left, right, missingLeft, value, start, end } = this.result();
    NodeArrays.giveBack(this.out);
    return { feature, threshold, left, right, missingLeft, value, start, end, splits: Float64Array.from(this.splits) };
  }

  /** Splits the node taken from the frontier, or puts its subtree in place when it was handed over. */
  private next(node: GrowNode): void {
    const handovers = this.handovers;
    if (!handovers?.has(node)) {
      this.maybeFork(this.split(node));
      return;
    }
    const sub = handovers.take(node);
    if (sub) this.splice(node, sub);
    else this.maybeFork(this.split(node));
  }

  /**
   * After a split whose children are both on the frontier (left on top), hands the smaller one's
   * subtree to the fork when a helper is free and it has FORK_MIN_ROWS rows: the right child stays
   * on the stack until the grower gets to it; for the left one, the grower grows the right
   * child's subtree first, apart, then puts both in place in order.
   */
  private maybeFork(children: readonly [GrowNode, GrowNode] | undefined): void {
    const handovers = this.handovers;
    if (!handovers || !children) return;
    const [left, right] = children;
    const nodes = this.frontier.nodes, top = nodes.length - 1;
    if (nodes[top] !== left || nodes[top - 1] !== right) return;
    const rowsL = left.end - left.start, rowsR = right.end - right.start;
    if (Math.min(rowsL, rowsR) < FORK_MIN_ROWS) return;
    const hasHessian = (this.target as GradTarget).h !== undefined;
    const small = rowsR <= rowsL ? right : left;
    if (!handovers.ask(small, this.layout.C, hasHessian, this.sample.length) || small === right) return;
    nodes.length -= 2;
    const rightSub = this.subtreeHere(right);
    this.splice(left, handovers.take(left) ?? this.subtreeHere(left));
    this.splice(right, rightSub);
  }

  /** The subtree of `node` grown here apart (handing parts of it over when it can), to put in place later. */
  private subtreeHere(node: GrowNode): Subtree {
    return new Grower(this.data, this.target, this.sample, this.opts, { part: { builder: this.builder, handovers: this.handovers } }).growSubtree(node);
  }

  /**
   * Puts `node`'s subtree, grown apart, in place: its nodes take the next ids and its splits add to
   * the importances, as if grown here.
   */
  private splice(node: GrowNode, sub: Subtree): void {
    this.builder.release(node.hist);
    node.hist = null;
    this.spareStats.push(node.stats);
    const out = this.out, base = out.count, count = sub.feature.length, nOut = out.nOut;
    for (let j = 1; j < count; j++) out.add(sub.start[j]!, sub.end[j]!);
    // the subtree's node j is node.id for j = 0, else base + j - 1
    const at = (j: number) => (j < 0 ? -1 : j === 0 ? node.id : base + j - 1);
    for (let j = 0; j < count; j++) {
      const id = at(j);
      out.feature[id] = sub.feature[j]!;
      out.threshold[id] = sub.threshold[j]!;
      out.missingLeft[id] = sub.missingLeft[j]!;
      out.left[id] = at(sub.left[j]!);
      out.right[id] = at(sub.right[j]!);
      if (j > 0) for (let c = 0; c < nOut; c++) out.value[id * nOut + c] = sub.value[j * nOut + c]!;
    }
    for (let t = 0; t < sub.splits.length; t += 2) {
      this.importance[sub.splits[t]!]! += sub.splits[t + 1]!;
      this.splits?.push(sub.splits[t]!, sub.splits[t + 1]!);
    }
  }

  /** The root: the totals of every row, and all features' histograms when nodes will read them. */
  private root(): GrowNode {
    const { layout: L, builder, opts } = this;
    const rows = builder.rows;
    const totals = rootTotals(builder, L, this.target);
    let hist: Float64Array | null = null;
    const F = this.data.cols;
    if (opts.maxFeatures >= F || (this.splitter.drawn && builder.rootHistForDrawn && F <= ROOT_HIST_RATIO * opts.maxFeatures)) {
      hist = builder.acquire();
      builder.buildFull(hist, 0, rows.length, totals);
    }
    return this.makeNode(0, rows.length, 0, totals, 0, hist, []);
  }

  /**
   * A node over rows start..end whose statistics are `from[off..off+C)`, or with `off` -1 the right
   * child of `from`'s node: its totals minus its best split's left statistics. Sets its value.
   */
  private makeNode(start: number, end: number, depth: number, from: Float64Array, off: number, hist: Float64Array | null, consts: readonly number[]): GrowNode {
    const { C, k } = this.layout;
    const id = this.out.add(start, end);
    const totals = this.spareStats.pop()?.fill(0, C) ?? new Float64Array(2 * C);
    if (off >= 0) for (let c = 0; c < C; c++) totals[c] = from[off + c]!;
    else for (let c = 0; c < C; c++) totals[c] = from[c]! - from[C + c]!;
    this.setValue(id, totals);
    const reg = this.reg;
    const nodeScore = reg ? regularizedGain(totals[0]!, totals[1]!, reg) : this.score(totals, 0, k, this.l2);
    return { id, start, end, depth, stats: totals, hist, score: nodeScore, feature: -1, bin: 0, missingLeft: false, improvement: -Infinity, consts };
  }

  /** A node's value from its statistics: class shares, or the leaf weight of a gradient tree. */
  private setValue(id: number, totals: Float64Array): void {
    const { isClass, k } = this.layout;
    const value = this.out.value, reg = this.reg;
    if (isClass) {
      let s = 0;
      for (let c = 0; c < k; c++) s += totals[c]!;
      for (let c = 0; c < k; c++) value[id * k + c] = s > 0 ? totals[c]! / s : 0;
    } else if (reg) {
      value[id] = regularizedWeight(totals[0]!, totals[1]!, reg);
    } else {
      const hh = totals[1]! + this.l2;
      value[id] = hh > 0 ? totals[0]! / hh : 0;
    }
  }

  /** Whether a node of this depth and row count may split at all. */
  private splittable(depth: number, count: number): boolean {
    const opts = this.opts;
    return depth < opts.maxDepth && count >= opts.minSamplesSplit && count >= 2 * opts.minSamplesLeaf;
  }

  /**
   * Whether a node whose hessian sum (statistic 1) is H may split: a gradient split needs
   * minHessianLeaf on both sides, so a node below twice that (less the slack the scan's rounding
   * could use: its right sum is H minus the left one) has no candidate, and needs no histogram.
   * Class nodes always may, and so does every node of a tree whose features are drawn per node:
   * each node's scan draws, and a skipped one would shift the later nodes' draws.
   */
  private hessianAllows(H: number): boolean {
    return this.minHessToSplit === 0 || !(H < this.minHessToSplit);
  }

  /** Puts the node on the frontier when it has a split worth making; else it stays a leaf. */
  private push(node: GrowNode): boolean {
    if (!this.evaluate(node)) {
      this.builder.release(node.hist);
      node.hist = null;
      this.spareStats.push(node.stats);
      return false;
    }
    this.frontier.push(node);
    return true;
  }

  /** Finds the node's best split; returns whether it has one worth making. */
  private evaluate(node: GrowNode): boolean {
    if (!this.splittable(node.depth, node.end - node.start) || !this.hessianAllows(node.stats[1]!)) return false;
    const { isClass, k } = this.layout;
    if (isClass) {
      let nonzero = 0;
      for (let c = 0; c < k && nonzero <= 1; c++) if (node.stats[c]! > 0) nonzero++;
      if (nonzero <= 1) return false;
    }
    this.splitter.findBestSplit(node);
    if (node.feature < 0) return false;
    const improvement = node.improvement - node.score;
    const minSplitLoss = this.opts.minSplitLoss;
    if (minSplitLoss !== undefined) return improvement > MIN_LOSS_CHANGE && improvement >= minSplitLoss;
    const tol = 1e-10 * Math.abs(node.score);
    return isClass ? improvement > -tol : improvement > tol;
  }

  /** Splits a node of the frontier: partitions its rows, records the split and pushes its children; returns them when both were pushed. */
  private split(node: GrowNode): readonly [GrowNode, GrowNode] | undefined {
    const { builder, out, data } = this;
    const f = node.feature;
    const mid = builder.partition(node.start, node.end, f, node.bin, node.missingLeft);
    // a node seen with no missing value sends them to the larger child (or right, XGBoost's rule)
    let missingLeft = node.missingLeft;
    const leftCount = mid - node.start, rightCount = node.end - mid;
    if (builder.missing === 0 && leftCount > rightCount && !this.opts.unseenMissingRight) missingLeft = true;

    const id = node.id;
    out.feature[id] = f;
    out.threshold[id] = binThreshold(data, f, node.bin);
    out.missingLeft[id] = missingLeft ? 1 : 0;
    const gain = Math.max(0, node.improvement - node.score);
    this.importance[f]! += gain;
    this.splits?.push(f, gain);

    this.childHistograms(node, mid);
    const depth = node.depth + 1;
    const left = this.makeNode(node.start, mid, depth, node.stats, this.layout.C, this.leftHist, node.consts);
    const right = this.makeNode(mid, node.end, depth, node.stats, -1, this.rightHist, node.consts);
    this.leftHist = this.rightHist = null;
    this.spareStats.push(node.stats);
    out.left[id] = left.id;
    out.right[id] = right.id;
    // right first so that a stack takes the left child next
    const pushedRight = this.push(right);
    const pushedLeft = this.push(left);
    return pushedRight && pushedLeft ? [left, right] : undefined;
  }

  /**
   * Sets leftHist and rightHist for the children of a node split at `mid`, taking over the node's
   * histogram: a child that will not be split needs none; the smaller child's is built from its
   * rows, the larger one's is the parent's minus the smaller.
   */
  private childHistograms(node: GrowNode, mid: number): void {
    const { builder, opts } = this;
    const F = this.data.cols;
    const leftCount = mid - node.start, rightCount = node.end - mid;
    const depth = node.depth + 1;
    const leftSmaller = leftCount <= rightCount;
    // features drawn per node: all-feature histograms still pay off down a lopsided split, where
    // the smaller child's rows for every feature are fewer than the drawn features' rows of both
    const keep = opts.maxFeatures >= F || (node.hist !== null && F * Math.min(leftCount, rightCount) < opts.maxFeatures * (node.end - node.start));
    // the children's statistics as makeNode will hold them
    const C = this.layout.C, stats = node.stats;
    const leftTotals = this.leftTotals, rightTotals = this.rightTotals;
    for (let c = 0; c < C; c++) {
      leftTotals[c] = stats[C + c]!;
      rightTotals[c] = stats[c]! - stats[C + c]!;
    }
    const needL = keep && this.splittable(depth, leftCount) && this.hessianAllows(leftTotals[1]!);
    const needR = keep && this.splittable(depth, rightCount) && this.hessianAllows(rightTotals[1]!);
    let lh: Float64Array | null = null, rh: Float64Array | null = null;
    if (node.hist && (needL || needR)) {
      const small = builder.acquire();
      if (leftSmaller) builder.buildFull(small, node.start, mid, leftTotals);
      else builder.buildFull(small, mid, node.end, rightTotals);
      const big = node.hist;
      node.hist = null;
      if (leftSmaller ? needR : needL) builder.subtract(big, small);
      else builder.release(big);
      if (leftSmaller) {
        lh = small;
        rh = needR ? big : null;
      } else {
        rh = small;
        lh = needL ? big : null;
      }
    } else {
      builder.release(node.hist);
      node.hist = null;
      if (needL) {
        lh = builder.acquire();
        builder.buildFull(lh, node.start, mid, leftTotals);
      }
      if (needR) {
        rh = builder.acquire();
        builder.buildFull(rh, mid, node.end, rightTotals);
      }
    }
    this.leftHist = lh;
    this.rightHist = rh;
  }

  /** The grown tree, its arrays cut to the nodes made. */
  private result(): GrownTree {
    const out = this.out, count = out.count;
    return {
      feature: out.feature.slice(0, count),
      threshold: out.threshold.slice(0, count),
      left: out.left.slice(0, count),
      right: out.right.slice(0, count),
      missingLeft: out.missingLeft.slice(0, count),
      value: out.value.slice(0, count * out.nOut),
      importance: this.importance,
      rows: this.sample,
      start: out.start.slice(0, count),
      end: out.end.slice(0, count),
    };
  }
}

/** The statistics of every row of the tree (in the builder's row order). */
function rootTotals(builder: HistBuilder, L: StatLayout, target: ClassTarget | GradTarget): Float64Array {
  const rows = builder.rows;
  const totals = new Float64Array(L.C);
  if (target.kind === "class") {
    const y = target.y, w = target.weight;
    for (let r = 0; r < rows.length; r++) totals[y[rows[r]!]!]! += w[rows[r]!]!;
  } else {
    // the same sums on locals (an array element would carry each addition through memory), both
    // in one pass: each is still added in row order, and the two chains of additions overlap
    const g = target.g, h = target.h;
    const known = builder.gradSums();
    let sg = 0, sh = 0;
    if (known) {
      [sg, sh] = known;
      if (h !== undefined) totals[1] = sh;
    } else if (h !== undefined) {
      for (let r = 0; r < rows.length; r++) {
        const i = rows[r]!;
        sg += g[i]!;
        sh += h[i]!;
      }
      totals[1] = sh;
    } else {
      for (let r = 0; r < rows.length; r++) sg += g[rows[r]!]!;
    }
    totals[0] = sg;
  }
  if (L.counted) totals[L.k] = rows.length;
  return totals;
}
