import type { Rng } from "../core/rng";
import type { ClassArena } from "./class-arena";
import { CRITERIA, type Score } from "./criteria";
import type { ClassTarget, GradTarget, GrowOptions } from "./grow";
import { arenaOf, type HistBuilder } from "./hist-builder";
import type { GrowNode } from "./node-arrays";
import { regularizedGain, type LeafRegularization } from "./regularization";
import { intBelow, intLimit } from "./uniform-int";

/** Relative difference below which two gains with XGBoost's formulas are equal (summation order, not the data, tells them apart). */
const TIE_TOLERANCE = 1e-10;

/**
 * A gradient split's score: its children's G² / (H + l2) summed, or XGBoost's `regularizedGain`s
 * with `reg`. With `plain` (reg without L1 nor max_delta_step) that gain is written out here: the
 * same numbers (ThresholdL1(G, 0) is G, or 0 where G² is 0 too) without the calls in the scan's
 * inner loop.
 */
function splitGain(gL: number, hL: number, gR: number, hR: number, l2: number, reg: LeafRegularization | undefined, plain: boolean): number {
  if (reg === undefined) {
    const hl = hL + l2, hr = hR + l2;
    return (hl > 0 ? (gL * gL) / hl : 0) + (hr > 0 ? (gR * gR) / hr : 0);
  }
  if (!plain) return regularizedGain(gL, hL, reg) + regularizedGain(gR, hR, reg);
  const r2 = reg.l2;
  return (hL > 0 ? (gL * gL) / (hL + r2) : 0) + (hR > 0 ? (gR * gR) / (hR + r2) : 0);
}

/** The scan variants, one chosen per tree: class histograms with a row count (any criterion). */
const SCAN_COUNTED = 0;
/** Gradient histograms: (g, h, count) or (g, count) per bin, on locals. */
const SCAN_GRAD = 1;
/** Class histograms without a row count (min_samples_leaf 1 with features drawn per node). */
const SCAN_UNCOUNTED = 2;

/**
 * Finds a node's best split: which features' histograms to read (all of them, the node's
 * `nodeFeatures`, or features drawn per node as scikit-learn does), and the scan of each feature's
 * bins that keeps the best candidate on the node (`feature`, `bin`, `missingLeft`, `improvement`,
 * the left child's statistics). Missing values try both directions.
 */
export class Splitter {
  private readonly nBins: Int32Array;
  private readonly F: number;
  private readonly C: number;
  private readonly k: number;
  /**
   * Gradient trees: the channel whose bin sum tells whether a bin holds rows (the count, or the
   * hessian without one), and the rows a side needs (min_samples_leaf; 0 without a count).
   */
  private readonly rowsAt: number;
  private readonly minRows: number;
  private readonly kind: number;
  private readonly isClass: boolean;
  private readonly gini: boolean;
  private readonly score: Score;
  private readonly l2: number;
  private readonly reg: LeafRegularization | undefined;
  /** XGBoost's formulas without L1 nor max_delta_step (its defaults): the gain is G² / (H + λ). */
  private readonly plainReg: boolean;
  /** scanGrad of plainReg on 2 channels, which a team's kernel does for all features at once. */
  private readonly plainScan: boolean;
  private readonly tie: number;
  /** Running left and right statistics of a scan. */
  private readonly sL: Float64Array;
  private readonly sR: Float64Array;
  /** intLimit(j) for each count j of features left to draw. */
  private readonly limits: Float64Array;
  /** Whether features are drawn per node (max_features below the feature count, with an rng to draw). */
  readonly drawn: boolean;
  /** Gini without a row count in an arena: a whole node's draws, builds and scans in one kernel call. */
  private readonly wholeNode: ClassArena | undefined;

  /** @param rng draws features per node when `maxFeatures < cols`. */
  constructor(target: ClassTarget | GradTarget, private readonly opts: GrowOptions, private readonly builder: HistBuilder, private readonly rng: Rng | undefined) {
    const L = builder.layout;
    this.nBins = builder.data.nBins;
    this.F = builder.data.cols;
    this.drawn = opts.maxFeatures < this.F && rng !== undefined;
    this.C = L.C;
    this.k = L.k;
    this.rowsAt = L.counted ? L.k : 1;
    this.minRows = L.counted ? opts.minSamplesLeaf : 0;
    this.isClass = L.isClass;
    this.kind = !L.isClass ? SCAN_GRAD : L.counted ? SCAN_COUNTED : SCAN_UNCOUNTED;
    this.gini = target.kind === "class" && target.criterion === "gini";
    this.score = CRITERIA[target.kind === "class" ? target.criterion : "grad"];
    this.l2 = target.kind === "class" ? 0 : target.l2;
    this.reg = target.kind === "class" ? undefined : target.regularization;
    this.plainReg = this.reg !== undefined && this.reg.alpha === 0 && this.reg.maxDeltaStep === 0;
    this.plainScan = this.plainReg && this.kind === SCAN_GRAD && this.C === 2;
    // with XGBoost's formulas, equal gains (up to rounding) keep the first candidate (lowest feature, then bin), as XGBoost does
    this.tie = this.reg ? TIE_TOLERANCE : 0;
    this.sL = new Float64Array(L.C);
    this.sR = new Float64Array(L.C);
    const perm = builder.perm;
    for (let f = 0; f < this.F; f++) perm[f] = f;
    this.limits = new Float64Array(this.F + 1);
    for (let j = 1; j <= this.F; j++) this.limits[j] = intLimit(j);
    const arena = arenaOf(builder);
    this.wholeNode = arena !== undefined && !L.counted && this.gini ? arena : undefined;
  }


  /** Finds the node's best split into its fields (`feature` stays -1 when it has none). */
  findBestSplit(node: GrowNode): void {
    const { F, nBins, builder } = this;
    const L = builder.layout;
    if (node.hist && this.drawn) {
      this.drawAndScanHist(node, node.hist, this.rng!);
    } else if (node.hist) {
      const only = this.opts.nodeFeatures?.(node.depth);
      if (!only && this.plainScan && builder.team?.scanGradPlain(node, node.hist, this.reg!.l2, this.opts.minHessianLeaf, this.minRows, this.tie)) return;
      for (let j = 0, m = only ? only.length : F; j < m; j++) {
        const f = only ? only[j]! : j;
        this.scan(node, node.hist, L.histOff[f]!, f, 0, nBins[f]! - 1);
      }
    } else if (this.drawn) {
      if (this.wholeNode) this.drawAndScanArena(node, this.wholeNode, this.rng!);
      else this.drawAndScan(node, this.rng!);
    } else {
      builder.beginNode(node.start, node.end);
      for (let f = 0; f < F; f++) {
        const seen = builder.buildFeature(f, node.start, node.end);
        const lo = seen >> 9, hi = (seen & 511) - 1;
        this.scan(node, builder.scratch, 0, f, lo, hi);
        builder.clearScratch(f, lo, hi);
      }
    }
  }

  /** Scans the bins lo..hi of feature f in hist at base with this tree's scan; updates node's best split. */
  private scan(node: GrowNode, hist: Float64Array, base: number, f: number, lo: number, hi: number): void {
    if (this.kind === SCAN_GRAD) this.scanGrad(node, hist, base, f, lo, hi);
    else if (this.kind === SCAN_COUNTED) this.scanCounted(node, hist, base, f, lo, hi);
    else this.scanUncounted(node, hist, base, f, lo, hi);
  }

  private swapPerm(a: number, b: number): void {
    const perm = this.builder.perm;
    const fa = perm[a]!, fb = perm[b]!;
    perm[a] = fb;
    perm[b] = fa;
  }

  /**
   * Draws features for a node until `max_features` were drawn and at least one of them was not
   * constant on the node's rows (or all were drawn), building each one's histogram from the node's
   * rows: scikit-learn's rule, so a node whose drawn features give no valid split (say under
   * min_samples_leaf) stays a leaf rather than drawing more. A constant feature (one bin, or all
   * missing) has no split; it is remembered for the children, which skip its histogram: the same
   * draws and the same tree, with less work deep in the tree (as scikit-learn's splitter does).
   */
  private drawAndScan(node: GrowNode, rng: Rng): void {
    const { F, builder, limits } = this;
    const { perm, isConst, scratch } = builder;
    builder.beginNode(node.start, node.end);
    const known = node.consts;
    for (let i = 0; i < known.length; i++) isConst[known[i]!] = 1;
    let found: number[] | null = null;
    let scanned = false;
    for (let j = 0; j < F; j++) {
      this.swapPerm(j, j + intBelow(rng, F - j, limits[F - j]!));
      const f = perm[j]!;
      if (isConst[f] === 0) {
        const seen = builder.buildFeature(f, node.start, node.end);
        const lo = seen >> 9, hi = (seen & 511) - 1;
        if (hi < 0 || (lo === hi && builder.scratchMissingEmpty(f))) (found ??= []).push(f);
        else {
          this.scan(node, scratch, 0, f, lo, hi);
          scanned = true;
        }
        builder.clearScratch(f, lo, hi);
      }
      if (j + 1 >= this.opts.maxFeatures && scanned) break;
    }
    for (let i = 0; i < known.length; i++) isConst[known[i]!] = 0;
    if (found) {
      const all = known.slice();
      for (let i = 0; i < found.length; i++) all.push(found[i]!);
      node.consts = all;
    }
  }

  /** drawAndScan with gini and no row count, the whole of it in the arena's WebAssembly. */
  private drawAndScanArena(node: GrowNode, arena: ClassArena, rng: Rng): void {
    const nFound = arena.drawScanGini(node.start, node.end, this.k, node.stats, node.consts, rng, this.opts.maxFeatures);
    if (arena.feature >= 0) {
      node.improvement = arena.best;
      node.feature = arena.feature;
      node.bin = arena.bin;
      node.missingLeft = arena.missingLeft;
      node.stats.set(arena.left, this.C);
    }
    if (nFound > 0) {
      const all = node.consts.slice();
      for (let i = 0; i < nFound; i++) all.push(arena.found[i]!);
      node.consts = all;
    }
  }

  /** Like drawAndScan, reading the drawn features from the node's all-feature histogram (bins seen found by a pass over it). */
  private drawAndScanHist(node: GrowNode, hist: Float64Array, rng: Rng): void {
    const { F, C, nBins, limits } = this;
    const perm = this.builder.perm, histOff = this.builder.layout.histOff;
    let scanned = false;
    for (let j = 0; j < F; j++) {
      this.swapPerm(j, j + intBelow(rng, F - j, limits[F - j]!));
      const f = perm[j]!;
      const base = histOff[f]!, nb = nBins[f]!;
      let lo = -1, hi = -1;
      for (let b = 0; b < nb; b++) {
        let w = 0;
        for (let c = 0, o = base + b * C; c < C; c++) w += hist[o + c]!;
        if (w > 0) {
          if (lo < 0) lo = b;
          hi = b;
        }
      }
      let missing = 0;
      for (let c = 0, o = base + nb * C; c < C; c++) missing += hist[o + c]!;
      if (hi >= 0 && (lo < hi || missing > 0)) {
        this.scan(node, hist, base, f, lo, hi);
        scanned = true;
      }
      if (j + 1 >= this.opts.maxFeatures && scanned) break;
    }
  }

  /** The scan of class histograms with a row count (any criterion). */
  private scanCounted(node: GrowNode, hist: Float64Array, base: number, f: number, lo: number, hi: number): void {
    if (hi < 0) return;
    const { C, k, sL, sR, score, l2, isClass } = this;
    const T = node.stats;
    const mo = base + this.nBins[f]! * C;
    const mCount = hist[mo + k]!;
    const last = mCount > 0 ? hi : hi - 1;
    const minLeaf = this.opts.minSamplesLeaf;
    const minHess = this.opts.minHessianLeaf;
    for (let c = 0; c < C; c++) sL[c] = 0;
    const countAll = T[k]!;
    for (let b = lo; b <= last; b++) {
      const o = base + b * C;
      if (hist[o + k] === 0 && b !== last) continue;
      for (let c = 0; c < C; c++) sL[c]! += hist[o + c]!;
      // missing to the right
      let cl = sL[k]!;
      if (cl >= minLeaf && countAll - cl >= minLeaf) {
        for (let c = 0; c < C; c++) sR[c] = T[c]! - sL[c]!;
        if (isClass || (sL[1]! >= minHess && sR[1]! >= minHess)) {
          const s = score(sL, 0, k, l2) + score(sR, 0, k, l2);
          if (s > node.improvement) {
            node.improvement = s;
            node.feature = f;
            node.bin = b;
            node.missingLeft = false;
            node.stats.set(sL, C);
          }
        }
      }
      if (mCount > 0) {
        // missing to the left
        cl += mCount;
        if (cl >= minLeaf && countAll - cl >= minLeaf) {
          // sR holds the left statistics first, then the right ones (sL stays the running sum)
          for (let c = 0; c < C; c++) sR[c] = sL[c]! + hist[mo + c]!;
          const s1 = score(sR, 0, k, l2);
          if (isClass || sR[1]! >= minHess) {
            for (let c = 0; c < C; c++) sR[c] = T[c]! - sR[c]!;
            if (isClass || sR[1]! >= minHess) {
              const s = s1 + score(sR, 0, k, l2);
              if (s > node.improvement) {
                node.improvement = s;
                node.feature = f;
                node.bin = b;
                node.missingLeft = true;
                for (let c = 0; c < C; c++) node.stats[C + c] = sL[c]! + hist[mo + c]!;
              }
            }
          }
        }
      }
    }
  }

  /**
   * scanCounted for gradient targets, on locals: (g, h, count), (g, count) or, without a count,
   * (g, h) per bin, where the hessian sum stands for the count (a bin holds rows when it is not 0:
   * every hessian is positive) and one row per leaf is allowed; same splits, same sums.
   */
  private scanGrad(node: GrowNode, hist: Float64Array, base: number, f: number, lo: number, hi: number): void {
    if (hi < 0) return;
    const { C, l2, reg, tie, plainReg } = this;
    const cnt = this.rowsAt;
    const T = node.stats;
    const Tg = T[0]!, Th = T[1]!, Tc = T[cnt]!;
    const mo = base + this.nBins[f]! * C;
    const mG = hist[mo]!, mH = hist[mo + 1]!, mC = hist[mo + cnt]!;
    const last = mC > 0 ? hi : hi - 1;
    const minLeaf = this.minRows;
    const minHess = this.opts.minHessianLeaf;
    let best = node.improvement;
    let gL = 0, hL = 0, cL = 0;
    for (let b = lo; b <= last; b++) {
      const o = base + b * C;
      const c = hist[o + cnt]!;
      if (c === 0 && b !== last) continue;
      gL += hist[o]!;
      hL += hist[o + 1]!;
      cL += c;
      // missing to the right
      if (cL >= minLeaf && Tc - cL >= minLeaf) {
        const hR = Th - hL;
        if (hL >= minHess && hR >= minHess) {
          const sc = splitGain(gL, hL, Tg - gL, hR, l2, reg, plainReg);
          if (sc > best && (tie === 0 || best === -Infinity || sc - best > tie * Math.abs(best))) {
            best = sc;
            node.improvement = sc;
            node.feature = f;
            node.bin = b;
            node.missingLeft = false;
            const lt = node.stats;
            lt[C] = gL;
            lt[C + 1] = hL;
            lt[C + cnt] = cL;
          }
        }
      }
      if (mC > 0) {
        // missing to the left
        const c2 = cL + mC;
        if (c2 >= minLeaf && Tc - c2 >= minLeaf) {
          const g2 = gL + mG, h2 = hL + mH;
          const hR = Th - h2;
          if (h2 >= minHess && hR >= minHess) {
            const sc = splitGain(g2, h2, Tg - g2, hR, l2, reg, plainReg);
            if (sc > best && (tie === 0 || best === -Infinity || sc - best > tie * Math.abs(best))) {
              best = sc;
              node.improvement = sc;
              node.feature = f;
              node.bin = b;
              node.missingLeft = true;
              const lt = node.stats;
              lt[C] = g2;
              lt[C + 1] = h2;
              lt[C + cnt] = c2;
            }
          }
        }
      }
    }
  }

  /**
   * scanCounted for class histograms without a row count (min_samples_leaf 1): bins lo..hi as seen
   * by buildFeature, so bin lo holds rows and every candidate leaves rows on both sides, except
   * "missing left" at bin hi, skipped. Gini on locals; same splits as the counted scan.
   */
  private scanUncounted(node: GrowNode, hist: Float64Array, base: number, f: number, lo: number, hi: number): void {
    if (hi < 0) return;
    const { C, k, sL, sR, score, gini } = this;
    const T = node.stats;
    const mo = base + this.nBins[f]! * C;
    let mW = 0;
    for (let c = 0; c < k; c++) mW += hist[mo + c]!;
    const last = mW > 0 ? hi : hi - 1;
    for (let c = 0; c < k; c++) sL[c] = 0;
    let best = node.improvement;
    for (let b = lo; b <= last; b++) {
      const o = base + b * C;
      let bw = 0;
      for (let c = 0; c < k; c++) bw += hist[o + c]!;
      if (bw === 0) continue;
      let s: number;
      // missing to the right
      if (gini) {
        let wl = 0, ql = 0, wr = 0, qr = 0;
        for (let c = 0; c < k; c++) {
          const v = (sL[c]! += hist[o + c]!);
          wl += v;
          ql += v * v;
          const u = T[c]! - v;
          sR[c] = u;
          wr += u;
          qr += u * u;
        }
        s = (wl > 0 ? ql / wl : 0) + (wr > 0 ? qr / wr : 0);
      } else {
        for (let c = 0; c < k; c++) sR[c] = T[c]! - (sL[c]! += hist[o + c]!);
        s = score(sL, 0, k, 0) + score(sR, 0, k, 0);
      }
      if (s > best) {
        best = s;
        node.improvement = s;
        node.feature = f;
        node.bin = b;
        node.missingLeft = false;
        node.stats.set(sL, C);
      }
      if (mW > 0 && b < hi) {
        // missing to the left
        if (gini) {
          let wl = 0, ql = 0, wr = 0, qr = 0;
          for (let c = 0; c < k; c++) {
            const v = sL[c]! + hist[mo + c]!;
            sR[c] = v;
            wl += v;
            ql += v * v;
            const u = T[c]! - v;
            wr += u;
            qr += u * u;
          }
          s = (wl > 0 ? ql / wl : 0) + (wr > 0 ? qr / wr : 0);
        } else {
          for (let c = 0; c < k; c++) sR[c] = sL[c]! + hist[mo + c]!;
          s = score(sR, 0, k, 0);
          for (let c = 0; c < k; c++) sR[c] = T[c]! - sR[c]!;
          s += score(sR, 0, k, 0);
        }
        if (s > best) {
          best = s;
          node.improvement = s;
          node.feature = f;
          node.bin = b;
          node.missingLeft = true;
          for (let c = 0; c < k; c++) node.stats[C + c] = sL[c]! + hist[mo + c]!;
        }
      }
    }
  }
}
