import type { Rng } from "../core/rng";
import { binThreshold, rowMajorCodes, type BinnedData } from "./binner";
import type { TreeArrays } from "./flat-tree";
import type { ClassArena } from "./class-arena";
import type { HistTeam } from "./hist-team";
import { regularizedGain, regularizedWeight, type LeafRegularization } from "./regularization";

/** Classification target: class index and weight per row (weight 0 = row not in the sample). */
export interface ClassTarget {
  readonly kind: "class";
  readonly y: Float64Array;
  readonly nClasses: number;
  readonly weight: Float64Array;
  readonly criterion: "gini" | "entropy";
}

/**
 * Gradient target: per row the negative gradient `g` and the hessian `h` (already weighted).
 * Leaves get `sum g / (sum h + l2)`; for a squared-error regression tree pass `g = w * y`, `h = w`.
 */
export interface GradTarget {
  readonly kind: "grad";
  readonly g: Float64Array;
  /** Omitted: every row has hessian 1 (the hessian sum is the row count; one channel less to build). */
  readonly h?: Float64Array;
  readonly l2: number;
  /** XGBoost's leaf weight and gain formulas instead of G / (H + l2) and G^2 / (H + l2) (its l2 is used, not this one's). */
  readonly regularization?: LeafRegularization;
}

/** How a tree grows. */
export interface GrowOptions {
  /** Infinity for unlimited. */
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  /** Features drawn per node (1..cols); with all of them no randomness is used. */
  readonly maxFeatures: number;
  /** 0: grow depth-first without a limit; otherwise best-first up to this many leaves. */
  readonly maxLeafNodes: number;
  /** Least hessian sum in a child (gradient trees). */
  readonly minHessianLeaf: number;
  /**
   * XGBoost's rule for keeping a split (gradient trees): its loss change must exceed 1e-6 and be at
   * least this (`gamma`). Omitted: any positive improvement splits.
   */
  readonly minSplitLoss?: number;
  /**
   * The features a node of this depth may split on (XGBoost's column sampling), asked once per node
   * in growth order when every feature is a candidate. Omitted: all of them.
   */
  readonly nodeFeatures?: (depth: number) => ArrayLike<number>;
  /** A node that saw no missing value sends them right, as XGBoost does (default: to the larger child). */
  readonly unseenMissingRight?: boolean;
}

/** Relative difference below which two gains with XGBoost's formulas are equal (summation order, not the data, tells them apart). */
const TIE_TOLERANCE = 1e-10;
/** XGBoost's kRtEps: a split must lower the loss by more than this. */
const MIN_LOSS_CHANGE = 1e-6;

/** A grown tree plus where its training rows ended up. */
export interface GrownTree extends TreeArrays {
  /** The sample rows, permuted so that each leaf owns a contiguous range. */
  readonly rows: Int32Array;
  /** Per node: first and one-past-last position in `rows` (meaningful for leaves). */
  readonly start: Int32Array;
  readonly end: Int32Array;
}

/** The tree of a GrownTree, without where its rows ended up. */
export function treeArrays(t: GrownTree): TreeArrays {
  const { feature, threshold, left, right, missingLeft, value, importance } = t;
  return { feature, threshold, left, right, missingLeft, value, importance };
}

/** Scores of a set of child statistics, higher is better; the gain of a split is L + R - parent. */
type Score = (s: Float64Array, o: number, k: number, l2: number) => number;

/** Split criteria by name: one score function each. */
export const CRITERIA: Readonly<Record<"gini" | "entropy" | "grad", Score>> = {
  /** Sum of squared class weights over total weight: W - W * gini. */
  gini: (s, o, k) => {
    let w = 0, q = 0;
    for (let c = 0; c < k; c++) {
      const v = s[o + c]!;
      w += v;
      q += v * v;
    }
    return w > 0 ? q / w : 0;
  },
  /** Minus the weighted entropy: sum c log c - W log W. */
  entropy: (s, o, k) => {
    let w = 0, q = 0;
    for (let c = 0; c < k; c++) {
      const v = s[o + c]!;
      if (v > 0) q += v * Math.log(v);
      w += v;
    }
    return w > 0 ? q - w * Math.log(w) : 0;
  },
  /** G^2 / (H + l2): the loss decrease of a Newton step, also the SSE decrease when g = w y, h = w. */
  grad: (s, o, _k, l2) => {
    const g = s[o]!, h = s[o + 1]! + l2;
    return h > 0 ? (g * g) / h : 0;
  },
};

const BINS = 256;
/** With features drawn per node, the root builds all features' histograms when there are at most this many times max_features. */
const ROOT_HIST_RATIO = 4;
/** Fewest rows x features for which a HistTeam's threads are woken (below, syncing costs more than it saves). */
export const TEAM_MIN_WORK = 30_000;
/** Same as binner's MISSING_BIN, local so hot loops do not read it through a module binding. */
const MISSING_BIN = 255;

interface Node {
  id: number;
  start: number;
  end: number;
  depth: number;
  /** The node's statistics (C channels), then the best split's left-child statistics (C more). */
  stats: Float64Array;
  hist: Float64Array | null;
  score: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  improvement: number;
  /** Features known to be constant on the node's rows (found at an ancestor or the node); shared with the children. */
  consts: readonly number[];
}

/**
 * Float64 per bin of a ClassArena for a class tree of `nClasses` grown with `opts` on F features:
 * the classes, plus the row count unless min_samples_leaf is 1 with features drawn per node,
 * rounded up to an even number.
 */
export function classWidth(nClasses: number, opts: GrowOptions, F: number): number {
  const counted = !(opts.minSamplesLeaf <= 1 && opts.maxFeatures < F);
  return (nClasses + (counted ? 1 : 0) + 1) & ~1;
}

/** 2^32 - (2^32 mod n): `Rng.int(n)` redraws 32-bit values at or above this (no modulo bias). */
export function intLimit(n: number): number {
  return 0x100000000 - (0x100000000 % n);
}

/**
 * Exactly `rng.int(n)` for 1 <= n <= 2^32, given `limit = intLimit(n)` computed once for a hot loop
 * (the float modulo of 2^32 is most of `int`'s cost).
 */
export function intBelow(rng: Rng, n: number, limit: number): number {
  let r: number;
  do r = rng.nextUint32();
  while (r >= limit);
  // r % n without a float modulo (r can exceed int32); floor(r / n) is exact for r, n < 2^32
  return r - Math.floor(r / n) * n;
}

/**
 * Grows one histogram tree on binned data. Each node builds per-bin statistics of its rows
 * (O(rows) per feature) and scans the bins (O(bins)). With all features candidates at every node
 * (boosting), nodes that may split keep all-feature histograms, packed to each feature's own bin
 * count, so that the larger child is the parent minus the smaller one and only the smaller child's
 * rows are read. With features drawn per node (forests), only the drawn features are built, from
 * the node's rows. Missing values try both directions.
 * @param data binned features.
 * @param target class counts or gradients.
 * @param sample rows in the sample (each once); permuted in place and returned as `rows`.
 * @param opts stopping rules.
 * @param rng draws features per node when `maxFeatures < cols`.
 * @param team helper threads for all-feature gradient histograms of at least `TEAM_MIN_WORK` rows x features (same result without).
 * @param arena WebAssembly for the drawn features' histograms and the partition of class trees
 * with features drawn per node, of width `classWidth(...)` (same result without).
 */
export function growTree(data: BinnedData, target: ClassTarget | GradTarget, sample: Int32Array, opts: GrowOptions, rng: Rng | undefined, team?: HistTeam, arena?: ClassArena): GrownTree {
  const { codes, rows: n, cols: F, nBins } = data;
  const isClass = target.kind === "class";
  const unitHess = !isClass && target.h === undefined;
  // stats channels: classes or (g, h), then the row count at index k (also h when it is 1 per row)
  const k = isClass ? target.nClasses : unitHess ? 1 : 2;
  // with one row per leaf allowed and features drawn per node, a class histogram needs no row count:
  // the drawn features' bins are scanned over the range seen, whose ends hold rows
  const counted = !(isClass && opts.minSamplesLeaf <= 1 && opts.maxFeatures < F);
  const useArena = arena !== undefined && isClass && opts.maxFeatures < F && rng !== undefined && arena.width === classWidth(k, opts, F);
  // with an arena, channels padded to its even width (the padding stays 0)
  const C = useArena ? arena.width : counted ? k + 1 : k;
  const score = CRITERIA[isClass ? target.criterion : "grad"];
  const l2 = isClass ? 0 : target.l2;
  const reg = isClass ? undefined : target.regularization;
  // with XGBoost's formulas, equal gains (up to rounding) keep the first candidate (lowest feature, then bin), as XGBoost does
  const tie = reg ? TIE_TOLERANCE : 0;
  const allFeatures = opts.maxFeatures >= F;
  const sampledMode = !allFeatures && rng !== undefined;
  // with a team the rows live in its memory, where its kernels partition them (copied back at the end)
  // gradients, or two classes over every feature: (w if class 0, w if class 1) pairs plus a count
  // are a (g, h) histogram to the team's kernels
  const useTeam = team !== undefined && (!isClass || (k === 2 && counted && opts.maxFeatures >= F));
  const rows = useTeam ? team.rows.subarray(0, sample.length) : useArena ? arena.rows.subarray(0, sample.length) : sample;
  if (useArena) {
    rows.set(sample);
    // every row's statistics vector: its weight at its class, then its count
    const vec = arena.vec, yy = target.y, ww = target.weight;
    vec.fill(0, 0, n * C);
    for (let i = 0; i < n; i++) vec[i * C + yy[i]!] = ww[i]!;
    if (counted) for (let i = 0; i < n; i++) vec[i * C + k] = 1;
  }
  if (useTeam) {
    rows.set(sample);
    // every row's (g, h) pair, or (g, 1), or its class weights, for the team's kernels
    const ab = team.ab;
    if (isClass) {
      const yy = target.y, ww = target.weight;
      for (let i = 0; i < n; i++) {
        ab[2 * i] = yy[i] === 0 ? ww[i]! : 0;
        ab[2 * i + 1] = yy[i] === 1 ? ww[i]! : 0;
      }
    } else {
      const gg = target.g, hh = target.h;
      for (let i = 0; i < n; i++) {
        ab[2 * i] = gg[i]!;
        ab[2 * i + 1] = hh === undefined ? 1 : hh[i]!;
      }
    }
  }
  // histogram layout: feature f at histOff[f], bins 0..nBins[f]-1 then its missing bin at nBins[f]
  const histOff = new Int32Array(F + 1);
  for (let f = 0; f < F; f++) histOff[f + 1] = histOff[f]! + (nBins[f]! + 1) * C;
  const histSize = histOff[F]!;

  const y = isClass ? target.y : undefined;
  const w = isClass ? target.weight : undefined;
  const g = isClass ? undefined : target.g;
  const h = isClass ? undefined : target.h;

  // output, grown as nodes are made
  // room for every node the tree can have (a leaf holds min_samples_leaf rows at least; at most
  // max_leaf_nodes leaves; a full tree of max_depth), grown should a guess fall short
  const leavesAtMost = Math.min(Math.floor(sample.length / Math.max(1, opts.minSamplesLeaf)), opts.maxLeafNodes > 0 ? opts.maxLeafNodes : Infinity, 2 ** Math.min(opts.maxDepth, 20));
  const out = new NodeArrays(isClass ? k : 1, Math.max(1, 2 * leavesAtMost - 1));
  const importance = new Float64Array(F);

  const pool: Float64Array[] = [];
  // with a team: histograms in its memory where it has some (every build writes all of a histogram)
  const acquire = (): Float64Array => {
    const b = pool.pop();
    if (b) {
      if (!useTeam) b.fill(0);
      return b;
    }
    return (useTeam ? team.newHist(histSize) : undefined) ?? new Float64Array(histSize);
  };
  const release = (b: Float64Array | null): void => {
    if (b) pool.push(b);
  };

  const scratch = useArena ? arena.scratch : new Float64Array(BINS * C);
  const twin = new Float64Array(BINS * C);
  const sL = new Float64Array(C);
  const sR = new Float64Array(C);
  // with an arena, in its memory, where its drawScanGini draws and marks features too
  const perm = useArena ? arena.perm : new Int32Array(F);
  const isConst = useArena ? arena.isConst : new Uint8Array(F);
  for (let f = 0; f < F; f++) perm[f] = f;
  const limits = new Float64Array(F + 1);
  for (let j = 1; j <= F; j++) limits[j] = intLimit(j);
  const swapPerm = (a: number, b: number): void => {
    const fa = perm[a]!, fb = perm[b]!;
    perm[a] = fb;
    perm[b] = fa;
  };

  // the node's stats in row order, gathered once per node so the per-feature loops read them
  // sequentially (with a team or an arena only for the builds they leave to JS: allocated when first needed)
  const gathered = useTeam || useArena ? 0 : rows.length;
  let ordA = new Float64Array(gathered);
  let ordB: Float64Array | Int32Array = isClass ? new Int32Array(gathered) : new Float64Array(gathered);
  const gather = (start: number, end: number): void => {
    const m = end - start;
    if (ordA.length < m) {
      ordA = new Float64Array(rows.length);
      ordB = isClass ? new Int32Array(rows.length) : new Float64Array(rows.length);
    }
    if (isClass) {
      for (let r = 0; r < m; r++) {
        const i = rows[start + r]!;
        ordA[r] = w![i]!;
        ordB[r] = y![i]!;
      }
    } else if (unitHess) {
      for (let r = 0; r < m; r++) ordA[r] = g![rows[start + r]!]!;
    } else {
      for (let r = 0; r < m; r++) {
        const i = rows[start + r]!;
        ordA[r] = g![i]!;
        ordB[r] = h![i]!;
      }
    }
  };

  /**
   * Adds the gathered rows start..end of feature f into hist at `base` (missing values in bin nBins[f]);
   * sets seenLo, seenHi to the range of non-missing bins seen (hi -1 when none).
   */
  let seenLo = 0, seenHi = 0;
  const buildFeature = (hist: Float64Array, base: number, f: number, start: number, end: number): void => {
    const cb = f * n, m = end - start, nb = nBins[f]!;
    const seen = useArena ? arena.addRows(f, start, m) : isClass ? addClassRows(hist, base, codes, cb, rows, start, m, ordA, ordB as Int32Array, nb, C, k, counted, twin) : addGradRows(hist, base, codes, cb, rows, start, m, ordA, unitHess ? undefined : (ordB as Float64Array), nb);
    seenLo = seen >> 9;
    seenHi = (seen & 511) - 1;
  };

  let rowCodes: Uint8Array | undefined;
  /** Histograms of all features of the rows start..end (their stats gathered first, unless the rows are 0..n-1 in order). */
  const buildFull = (hist: Float64Array, start: number, end: number): void => {
    const m = end - start;
    let identity = start === 0 && m === n;
    for (let r = 0; identity && r < m; r++) identity = rows[r] === r;
    if (useTeam) {
      team.build(hist, start, m, identity, unitHess, m * F >= TEAM_MIN_WORK);
      return;
    }
    let a: Float64Array, bb: Float64Array | Int32Array | undefined;
    if (identity) {
      a = isClass ? w! : g!;
      bb = isClass ? Int32Array.from(y!) : h;
    } else {
      gather(start, end);
      a = ordA;
      bb = isClass || !unitHess ? ordB : undefined;
    }
    if (!identity) {
      // scattered rows: all features of a row at once, from the row-major codes
      rowCodes ??= rowMajorCodes(data);
      if (isClass) addClassRowMajor(hist, histOff, rowCodes, F, rows, start, m, a, bb as Int32Array, C, k, counted);
      else addGradRowMajor(hist, histOff, rowCodes, F, 0, F, rows, start, m, a, bb as Float64Array | undefined);
      return;
    }
    for (let f = 0; f < F; f++) {
      if (isClass) addClassRows(hist, histOff[f]!, codes, f * n, null, start, m, a, bb as Int32Array, nBins[f]!, C, k, counted, twin);
      else addGradAll(hist, histOff[f]!, codes, f * n, start, m, a, bb as Float64Array | undefined, nBins[f]!);
    }
  };

  /** Scans the bins lo..hi of feature f in hist at base; updates node's best split. */
  const scanFeature = (node: Node, hist: Float64Array, base: number, f: number, lo: number, hi: number): void => {
    if (hi < 0) return;
    const T = node.stats;
    const mo = base + nBins[f]! * C;
    const mCount = hist[mo + k]!;
    const last = mCount > 0 ? hi : hi - 1;
    const minLeaf = opts.minSamplesLeaf;
    const minHess = opts.minHessianLeaf;
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
          for (let c = 0; c < C; c++) {
            sR[c] = sL[c]! + hist[mo + c]!;
          }
          // sR holds the left stats here; reuse sL afterwards, so compute right into scratch tail
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
  };

  /** scanFeature for gradient targets, on locals: (g, h, count) or (g, count) per bin; same splits, same sums. */
  const scanGrad = (node: Node, hist: Float64Array, base: number, f: number, lo: number, hi: number): void => {
    if (hi < 0) return;
    const T = node.stats;
    const Tg = T[0]!, Th = T[1]!, Tc = T[k]!;
    const mo = base + nBins[f]! * C;
    const mG = hist[mo]!, mH = hist[mo + 1]!, mC = hist[mo + k]!;
    const last = mC > 0 ? hi : hi - 1;
    const minLeaf = opts.minSamplesLeaf;
    const minHess = opts.minHessianLeaf;
    let best = node.improvement;
    let gL = 0, hL = 0, cL = 0;
    for (let b = lo; b <= last; b++) {
      const o = base + b * C;
      const c = hist[o + k]!;
      if (c === 0 && b !== last) continue;
      gL += hist[o]!;
      hL += hist[o + 1]!;
      cL += c;
      // missing to the right
      if (cL >= minLeaf && Tc - cL >= minLeaf) {
        const hR = Th - hL;
        if (hL >= minHess && hR >= minHess) {
          const gR = Tg - gL, hl = hL + l2, hr = hR + l2;
          const sc = reg ? regularizedGain(gL, hL, reg) + regularizedGain(gR, hR, reg) : (hl > 0 ? (gL * gL) / hl : 0) + (hr > 0 ? (gR * gR) / hr : 0);
          if (sc > best && (tie === 0 || best === -Infinity || sc - best > tie * Math.abs(best))) {
            best = sc;
            node.improvement = sc;
            node.feature = f;
            node.bin = b;
            node.missingLeft = false;
            const lt = node.stats;
            lt[C] = gL;
            lt[C + 1] = hL;
            lt[C + k] = cL;
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
            const gR = Tg - g2, hl = h2 + l2, hr = hR + l2;
            const sc = reg ? regularizedGain(g2, h2, reg) + regularizedGain(gR, hR, reg) : (hl > 0 ? (g2 * g2) / hl : 0) + (hr > 0 ? (gR * gR) / hr : 0);
            if (sc > best && (tie === 0 || best === -Infinity || sc - best > tie * Math.abs(best))) {
              best = sc;
              node.improvement = sc;
              node.feature = f;
              node.bin = b;
              node.missingLeft = true;
              const lt = node.stats;
              lt[C] = g2;
              lt[C + 1] = h2;
              lt[C + k] = c2;
            }
          }
        }
      }
    }
  };
  const gini = isClass && target.criterion === "gini";
  /**
   * scanFeature for class histograms without a row count (min_samples_leaf 1): bins lo..hi as seen
   * by buildFeature, so bin lo holds rows and every candidate leaves rows on both sides, except
   * "missing left" at bin hi, skipped. Gini on locals; same splits as the counted scan.
   */
  const scanClassUncounted = (node: Node, hist: Float64Array, base: number, f: number, lo: number, hi: number): void => {
    if (hi < 0) return;
    const T = node.stats;
    const mo = base + nBins[f]! * C;
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
  };
  const scan = !counted ? scanClassUncounted : isClass ? scanFeature : scanGrad;
  // the whole of drawAndScan in WebAssembly: gini without a row count (the forests' default)
  const drawScanGini = useArena && !counted && gini;

  /**
   * A node over rows start..end whose statistics are `from[off..off+C)`, or with `off` -1 the right
   * child of `from`'s node: its totals minus its best split's left statistics.
   */
  const makeNode = (start: number, end: number, depth: number, from: Float64Array, off: number, hist: Float64Array | null, consts: readonly number[]): Node => {
    const id = out.add(start, end);
    const totals = new Float64Array(2 * C);
    if (off >= 0) for (let c = 0; c < C; c++) totals[c] = from[off + c]!;
    else for (let c = 0; c < C; c++) totals[c] = from[c]! - from[C + c]!;
    if (isClass) {
      let s = 0;
      for (let c = 0; c < k; c++) s += totals[c]!;
      for (let c = 0; c < k; c++) out.value[id * k + c] = s > 0 ? totals[c]! / s : 0;
    } else if (reg) {
      out.value[id] = regularizedWeight(totals[0]!, totals[1]!, reg);
    } else {
      const hh = totals[1]! + l2;
      out.value[id] = hh > 0 ? totals[0]! / hh : 0;
    }
    const nodeScore = reg ? regularizedGain(totals[0]!, totals[1]!, reg) : score(totals, 0, k, l2);
    return { id, start, end, depth, stats: totals, hist, score: nodeScore, feature: -1, bin: 0, missingLeft: false, improvement: -Infinity, consts };
  };

  /** Zeroes the bins lo..hi and the missing slot of feature f in scratch (loops: a fill call costs more than these few bins). */
  const clearScratch = (f: number, lo: number, hi: number): void => {
    for (let t = lo * C, e = (hi + 1) * C; t < e; t++) scratch[t] = 0;
    for (let t = nBins[f]! * C, e = t + C; t < e; t++) scratch[t] = 0;
  };

  /**
   * Draws features for a node until `max_features` were drawn and at least one of them was not
   * constant on the node's rows (or all were drawn), building each one's histogram from the node's
   * rows: scikit-learn's rule, so a node whose drawn features give no valid split (say under
   * min_samples_leaf) stays a leaf rather than drawing more. A constant feature (one bin, or all
   * missing) has no split; it is remembered for the children, which skip its histogram: the same
   * draws and the same tree, with less work deep in the tree (as scikit-learn's splitter does).
   */
  const drawAndScan = (node: Node, rng: Rng): void => {
    if (drawScanGini) {
      const nFound = arena!.drawScanGini(node.start, node.end, k, node.stats, node.consts, rng, opts.maxFeatures);
      if (arena!.feature >= 0) {
        node.improvement = arena!.best;
        node.feature = arena!.feature;
        node.bin = arena!.bin;
        node.missingLeft = arena!.missingLeft;
        node.stats.set(arena!.left, C);
      }
      if (nFound > 0) {
        const all = node.consts.slice();
        for (let i = 0; i < nFound; i++) all.push(arena!.found[i]!);
        node.consts = all;
      }
      return;
    }
    if (!useArena) gather(node.start, node.end);
    const known = node.consts;
    for (let i = 0; i < known.length; i++) isConst[known[i]!] = 1;
    let found: number[] | null = null;
    let scanned = false;
    for (let j = 0; j < F; j++) {
      swapPerm(j, j + intBelow(rng, F - j, limits[F - j]!));
      const f = perm[j]!;
      if (isConst[f] === 0) {
        buildFeature(scratch, 0, f, node.start, node.end);
        const lo = seenLo, hi = seenHi;
        if (hi < 0 || (lo === hi && missingEmpty(f))) (found ??= []).push(f);
        else {
          scan(node, scratch, 0, f, lo, hi);
          scanned = true;
        }
        clearScratch(f, lo, hi);
      }
      if (j + 1 >= opts.maxFeatures && scanned) break;
    }
    for (let i = 0; i < known.length; i++) isConst[known[i]!] = 0;
    if (found) {
      const all = known.slice();
      for (let i = 0; i < found.length; i++) all.push(found[i]!);
      node.consts = all;
    }
  };

  /** Whether feature f's missing slot in scratch is empty (every channel, weights or counts, is zero). */
  const missingEmpty = (f: number): boolean => {
    for (let t = nBins[f]! * C, e = t + C; t < e; t++) if (scratch[t] !== 0) return false;
    return true;
  };

  /** Like drawAndScan, reading the drawn features from the node's all-feature histogram (bins seen found by a pass over it). */
  const drawAndScanHist = (node: Node, hist: Float64Array, rng: Rng): void => {
    let scanned = false;
    for (let j = 0; j < F; j++) {
      swapPerm(j, j + intBelow(rng, F - j, limits[F - j]!));
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
        scan(node, hist, base, f, lo, hi);
        scanned = true;
      }
      if (j + 1 >= opts.maxFeatures && scanned) break;
    }
  };

  /** Finds the node's best split; returns whether it has one worth making. */
  const evaluate = (node: Node): boolean => {
    const count = node.end - node.start;
    if (node.depth >= opts.maxDepth || count < opts.minSamplesSplit || count < 2 * opts.minSamplesLeaf) return false;
    if (isClass) {
      let nonzero = 0;
      for (let c = 0; c < k; c++) if (node.stats[c]! > 0) nonzero++;
      if (nonzero <= 1) return false;
    }
    if (node.hist && sampledMode) {
      drawAndScanHist(node, node.hist, rng!);
    } else if (node.hist) {
      const only = opts.nodeFeatures?.(node.depth);
      for (let j = 0, m = only ? only.length : F; j < m; j++) {
        const f = only ? only[j]! : j;
        scan(node, node.hist, histOff[f]!, f, 0, nBins[f]! - 1);
      }
    } else if (!allFeatures && rng !== undefined) {
      drawAndScan(node, rng);
    } else {
      gather(node.start, node.end);
      for (let f = 0; f < F; f++) {
        buildFeature(scratch, 0, f, node.start, node.end);
        const lo = seenLo, hi = seenHi;
        scan(node, scratch, 0, f, lo, hi);
        clearScratch(f, lo, hi);
      }
    }
    if (node.feature < 0) return false;
    const improvement = node.improvement - node.score;
    if (opts.minSplitLoss !== undefined) return improvement > MIN_LOSS_CHANGE && improvement >= opts.minSplitLoss;
    const tol = 1e-10 * Math.abs(node.score);
    return isClass ? improvement > -tol : improvement > tol;
  };

  const split = (node: Node, push: (child: Node) => void): void => {
    const f = node.feature, bin = node.bin, missLeft = node.missingLeft;
    const cb = f * n;
    // partition without a branch per row: every row swaps with the first right row (itself while
    // none was seen); rows going left then advance that boundary
    let i = node.start;
    let missing = 0;
    if (useTeam || useArena) {
      const kernels = useTeam ? team : arena!;
      i = kernels.partition(node.start, node.end, f, bin, missLeft);
      missing = kernels.missing;
    } else {
      const lm = missLeft ? 1 : 0;
      for (let r = node.start; r < node.end; r++) {
        const row = rows[r]!;
        const c = codes[cb + row]!;
        const isMissing = c === MISSING_BIN ? 1 : 0;
        missing += isMissing;
        const left = isMissing === 1 ? lm : c <= bin ? 1 : 0;
        rows[r] = rows[i]!;
        rows[i] = row;
        i += left;
      }
    }
    const mid = i;
    // a node seen with no missing value sends them to the larger child (or right, XGBoost's rule)
    let missingLeft = missLeft;
    const leftCount = mid - node.start, rightCount = node.end - mid;
    if (missing === 0 && leftCount > rightCount && !opts.unseenMissingRight) missingLeft = true;

    const id = node.id;
    out.feature[id] = f;
    out.threshold[id] = binThreshold(data, f, bin);
    out.missingLeft[id] = missingLeft ? 1 : 0;
    importance[f]! += Math.max(0, node.improvement - node.score);

    const depth = node.depth + 1;
    const leftSmaller = leftCount <= rightCount;
    let lh: Float64Array | null = null, rh: Float64Array | null = null;
    // a child that will not be split needs no histogram
    const splittable = (count: number): boolean => depth < opts.maxDepth && count >= opts.minSamplesSplit && count >= 2 * opts.minSamplesLeaf;
    // features drawn per node: all-feature histograms still pay off down a lopsided split, where
    // the smaller child's rows for every feature are fewer than the drawn features' rows of both
    const keep = allFeatures || (node.hist !== null && F * Math.min(leftCount, rightCount) < opts.maxFeatures * (node.end - node.start));
    const needL = keep && splittable(leftCount);
    const needR = keep && splittable(rightCount);
    if (node.hist && (needL || needR)) {
      // the smaller child from its rows, the larger one as parent minus smaller
      const small = acquire();
      if (leftSmaller) buildFull(small, node.start, mid);
      else buildFull(small, mid, node.end);
      const big = node.hist;
      node.hist = null;
      if (leftSmaller ? needR : needL) {
        if (useTeam) team.subtract(big, small, histSize);
        else for (let t = 0; t < histSize; t++) big[t]! -= small[t]!;
      }
      else release(big);
      if (leftSmaller) {
        lh = small;
        rh = needR ? big : null;
      } else {
        rh = small;
        lh = needL ? big : null;
      }
    } else {
      release(node.hist);
      node.hist = null;
      if (needL) {
        lh = acquire();
        buildFull(lh, node.start, mid);
      }
      if (needR) {
        rh = acquire();
        buildFull(rh, mid, node.end);
      }
    }
    const left = makeNode(node.start, mid, depth, node.stats, C, lh, node.consts);
    const right = makeNode(mid, node.end, depth, node.stats, -1, rh, node.consts);
    out.left[id] = left.id;
    out.right[id] = right.id;
    // right first so that a stack takes the left child next
    push(right);
    push(left);
  };

  // root totals
  const rootTotals = new Float64Array(C);
  if (isClass) for (let r = 0; r < rows.length; r++) rootTotals[y![rows[r]!]!]! += w![rows[r]!]!;
  else {
    // the same sums on locals (an array element would carry each addition through memory)
    let sg = 0, sh = 0;
    for (let r = 0; r < rows.length; r++) sg += g![rows[r]!]!;
    if (!unitHess) for (let r = 0; r < rows.length; r++) sh += h![rows[r]!]!;
    rootTotals[0] = sg;
    if (!unitHess) rootTotals[1] = sh;
  }
  if (counted) rootTotals[k] = rows.length;
  let rootHist: Float64Array | null = null;
  if (allFeatures || (sampledMode && F <= ROOT_HIST_RATIO * opts.maxFeatures)) {
    rootHist = acquire();
    buildFull(rootHist, 0, rows.length);
  }
  const root = makeNode(0, rows.length, 0, rootTotals, 0, rootHist, []);

  const bestFirst = opts.maxLeafNodes > 0;
  const frontier: Node[] = [];
  const heapPush = (node: Node): void => {
    frontier.push(node);
    let i = frontier.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (gainOf(frontier[p]!) >= gainOf(frontier[i]!)) break;
      const t = frontier[p]!;
      frontier[p] = frontier[i]!;
      frontier[i] = t;
      i = p;
    }
  };
  const heapPop = (): Node => {
    const top = frontier[0]!;
    const last = frontier.pop()!;
    if (frontier.length > 0) {
      frontier[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < frontier.length && gainOf(frontier[l]!) > gainOf(frontier[m]!)) m = l;
        if (r < frontier.length && gainOf(frontier[r]!) > gainOf(frontier[m]!)) m = r;
        if (m === i) break;
        const t = frontier[m]!;
        frontier[m] = frontier[i]!;
        frontier[i] = t;
        i = m;
      }
    }
    return top;
  };
  const push = (node: Node): void => {
    if (!evaluate(node)) {
      release(node.hist);
      node.hist = null;
      return;
    }
    if (bestFirst) heapPush(node);
    else frontier.push(node);
  };

  push(root);
  let leaves = 1;
  while (frontier.length > 0) {
    if (bestFirst && leaves >= opts.maxLeafNodes) break;
    const node = bestFirst ? heapPop() : frontier.pop()!;
    split(node, push);
    leaves++;
  }
  for (const node of frontier) release(node.hist);
  if (useTeam) {
    sample.set(rows);
    for (const b of pool) team.releaseHist(b);
  }
  if (useArena) sample.set(rows);

  return {
    feature: out.feature.slice(0, out.count),
    threshold: out.threshold.slice(0, out.count),
    left: out.left.slice(0, out.count),
    right: out.right.slice(0, out.count),
    missingLeft: out.missingLeft.slice(0, out.count),
    value: out.value.slice(0, out.count * out.nOut),
    importance,
    rows: sample,
    start: out.start.slice(0, out.count),
    end: out.end.slice(0, out.count),
  };
}

/** A growing tree's per-node arrays (capacity doubled as nodes are added). */
class NodeArrays {
  count = 0;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  missingLeft: Uint8Array;
  value: Float64Array;
  start: Int32Array;
  end: Int32Array;

  /**
   * @param nOut values per node.
   * @param capacity nodes before the first doubling.
   */
  constructor(readonly nOut: number, capacity: number) {
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.missingLeft = new Uint8Array(capacity);
    this.value = new Float64Array(capacity * nOut);
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
  }

  /** A new leaf over rows start..end (no split, value to be set); returns its id. */
  add(start: number, end: number): number {
    if (this.count === this.feature.length) this.grow();
    const id = this.count++;
    this.feature[id] = -1;
    this.left[id] = -1;
    this.right[id] = -1;
    this.start[id] = start;
    this.end[id] = end;
    return id;
  }

  private grow(): void {
    const cap = 2 * this.feature.length;
    const more = <T extends Int32Array | Float64Array | Uint8Array>(a: T, size: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a as never);
      return b;
    };
    this.feature = more(this.feature, cap);
    this.threshold = more(this.threshold, cap);
    this.left = more(this.left, cap);
    this.right = more(this.right, cap);
    this.missingLeft = more(this.missingLeft, cap);
    this.value = more(this.value, cap * this.nOut);
    this.start = more(this.start, cap);
    this.end = more(this.end, cap);
  }
}

/** Fewest rows for which addClassRows alternates rows between two histograms. */
const TWIN_ROWS = 256;

/**
 * Adds rows start..start+m (class in ordB, weight in ordA, gathered in row order; `rows` null:
 * rows start.. in order) of one feature into a class histogram at `base`: C channels per bin, the classes, then (when `counted`) the row
 * count. From `TWIN_ROWS` rows on, odd rows go to `twin` (left zeroed), added in at the end: runs
 * of rows in one bin then wait on half as many stores.
 * Returns the range of non-missing bins seen as `lo << 9 | (hi + 1)`.
 */
export function addClassRows(hist: Float64Array, base: number, codes: Uint8Array, cb: number, rows: Int32Array | null, start: number, m: number, ordA: Float64Array, ordB: Int32Array, nb: number, C: number, k: number, counted: boolean, twin: Float64Array): number {
  const c0 = cb + start;
  let lo = 255, hi = -1;
  let r = 0;
  // rows in order (a root) as a HistTeam's kernel adds them: two histograms from the first row on,
  // the last row of an odd count before the merge; scattered rows from TWIN_ROWS on, merge first
  const inOrder = rows === null;
  const twinned = inOrder || m >= TWIN_ROWS;
  if (twinned) {
    const half = m & ~1;
    for (; r < half; r += 2) {
      const b = rows === null ? codes[c0 + r]! : codes[cb + rows[start + r]!]!;
      const b2 = rows === null ? codes[c0 + r + 1]! : codes[cb + rows[start + r + 1]!]!;
      const o = base + (b > nb ? nb : b) * C, o2 = (b2 > nb ? nb : b2) * C;
      hist[o + ordB[r]!]! += ordA[r]!;
      twin[o2 + ordB[r + 1]!]! += ordA[r + 1]!;
      if (counted) {
        hist[o + k]! += 1;
        twin[o2 + k]! += 1;
      }
      if (b !== MISSING_BIN) {
        if (b < lo) lo = b;
        if (b > hi) hi = b;
      }
      if (b2 !== MISSING_BIN) {
        if (b2 < lo) lo = b2;
        if (b2 > hi) hi = b2;
      }
    }
    if (!inOrder) mergeTwin(hist, base, twin, (nb + 1) * C);
  }
  for (; r < m; r++) {
    const b = rows === null ? codes[c0 + r]! : codes[cb + rows[start + r]!]!;
    const o = base + (b > nb ? nb : b) * C;
    hist[o + ordB[r]!]! += ordA[r]!;
    if (counted) hist[o + k]! += 1;
    if (b !== MISSING_BIN) {
      if (b < lo) lo = b;
      if (b > hi) hi = b;
    }
  }
  if (inOrder) mergeTwin(hist, base, twin, (nb + 1) * C);
  return (lo << 9) | (hi + 1);
}

/** hist[base..base+len) += twin[0..len), twin left zeroed. */
function mergeTwin(hist: Float64Array, base: number, twin: Float64Array, len: number): void {
  for (let j = 0; j < len; j++) {
    hist[base + j]! += twin[j]!;
    twin[j] = 0;
  }
}

/** Same as addClassRows for gradients (ordA) and hessians (ordB, or 1 per row when undefined). */
function addGradRows(hist: Float64Array, base: number, codes: Uint8Array, cb: number, rows: Int32Array, start: number, m: number, ordA: Float64Array, ordB: Float64Array | undefined, nb: number): number {
  let lo = 255, hi = -1;
  if (ordB === undefined) {
    for (let r = 0; r < m; r++) {
      const b = codes[cb + rows[start + r]!]!;
      const o = base + (b > nb ? nb : b) * 2;
      hist[o]! += ordA[r]!;
      hist[o + 1]! += 1;
      if (b !== MISSING_BIN) {
        if (b < lo) lo = b;
        if (b > hi) hi = b;
      }
    }
  } else {
    for (let r = 0; r < m; r++) {
      const b = codes[cb + rows[start + r]!]!;
      const o = base + (b > nb ? nb : b) * 3;
      hist[o]! += ordA[r]!;
      hist[o + 1]! += ordB[r]!;
      hist[o + 2]! += 1;
      if (b !== MISSING_BIN) {
        if (b < lo) lo = b;
        if (b > hi) hi = b;
      }
    }
  }
  return (lo << 9) | (hi + 1);
}

/**
 * Adds rows start..start+m (stats gathered in row order) of features f0..f1-1 into gradient
 * histograms laid out at `off[f]` (2 channels per bin without hessians, else 3), reading each row's
 * codes from the row-major `rowCodes` (missing already mapped to the feature's missing slot).
 * Per feature the rows are added in order, as addGradAll does for them.
 */
function addGradRowMajor(hist: Float64Array, off: Int32Array, rowCodes: Uint8Array, F: number, f0: number, f1: number, rows: Int32Array, start: number, m: number, ordA: Float64Array, ordB: Float64Array | undefined): void {
  if (ordB === undefined) {
    for (let r = 0; r < m; r++) {
      const rb = rows[start + r]! * F;
      const a = ordA[r]!;
      for (let f = f0; f < f1; f++) {
        const o = off[f]! + rowCodes[rb + f]! * 2;
        hist[o]! += a;
        hist[o + 1]! += 1;
      }
    }
    return;
  }
  for (let r = 0; r < m; r++) {
    const rb = rows[start + r]! * F;
    const a = ordA[r]!, b = ordB[r]!;
    for (let f = f0; f < f1; f++) {
      const o = off[f]! + rowCodes[rb + f]! * 3;
      hist[o]! += a;
      hist[o + 1]! += b;
      hist[o + 2]! += 1;
    }
  }
}

/** addGradRowMajor for class histograms (weight to the row's class, then the row count when `counted`). */
function addClassRowMajor(hist: Float64Array, off: Int32Array, rowCodes: Uint8Array, F: number, rows: Int32Array, start: number, m: number, ordA: Float64Array, ordB: Int32Array, C: number, k: number, counted: boolean): void {
  for (let r = 0; r < m; r++) {
    const rb = rows[start + r]! * F;
    const a = ordA[r]!, c = ordB[r]!;
    for (let f = 0; f < F; f++) {
      const o = off[f]! + rowCodes[rb + f]! * C;
      hist[o + c]! += a;
      if (counted) hist[o + k]! += 1;
    }
  }
}

/** Second histogram of one feature (g, h, count per bin) for addGradAll's two-row loop; always left zeroed. */
const TWIN = new Float64Array(BINS * 3);

/** Like addGradRows for rows start.. in order (the root), without tracking the bins seen. */
function addGradAll(hist: Float64Array, base: number, codes: Uint8Array, cb: number, start: number, m: number, ordA: Float64Array, ordB: Float64Array | undefined, nb: number): void {
  const c0 = cb + start;
  if (ordB === undefined) {
    const half = (m >> 1) << 1;
    const t = TWIN;
    for (let r = 0; r < half; r += 2) {
      const b = codes[c0 + r]!, b2 = codes[c0 + r + 1]!;
      const o = base + (b > nb ? nb : b) * 2, o2 = (b2 > nb ? nb : b2) * 2;
      hist[o]! += ordA[r]!;
      hist[o + 1]! += 1;
      t[o2]! += ordA[r + 1]!;
      t[o2 + 1]! += 1;
    }
    if (half < m) {
      const b = codes[c0 + half]!;
      const o = base + (b > nb ? nb : b) * 2;
      hist[o]! += ordA[half]!;
      hist[o + 1]! += 1;
    }
    for (let j = 0, e = (nb + 1) * 2; j < e; j++) {
      hist[base + j]! += t[j]!;
      t[j] = 0;
    }
  } else {
    // two rows at a time into two histograms: runs of equal bins (common) wait on half as many stores
    const half = (m >> 1) << 1;
    const t = TWIN;
    for (let r = 0; r < half; r += 2) {
      const b = codes[c0 + r]!, b2 = codes[c0 + r + 1]!;
      const o = base + (b > nb ? nb : b) * 3, o2 = (b2 > nb ? nb : b2) * 3;
      hist[o]! += ordA[r]!;
      hist[o + 1]! += ordB[r]!;
      hist[o + 2]! += 1;
      t[o2]! += ordA[r + 1]!;
      t[o2 + 1]! += ordB[r + 1]!;
      t[o2 + 2]! += 1;
    }
    for (let r = half; r < m; r++) {
      const b = codes[c0 + r]!;
      const o = base + (b > nb ? nb : b) * 3;
      hist[o]! += ordA[r]!;
      hist[o + 1]! += ordB[r]!;
      hist[o + 2]! += 1;
    }
    for (let j = 0, e = (nb + 1) * 3; j < e; j++) {
      hist[base + j]! += t[j]!;
      t[j] = 0;
    }
  }
}

function gainOf(node: { improvement: number; score: number }): number {
  return node.improvement - node.score;
}
