import type { BinnedData } from "./binner";
import type { ClassTarget, GradTarget, GrowOptions } from "./grow";

/**
 * How one tree's statistics are laid out, per node and per histogram bin: `k` channels of the
 * target (class weights, or g, or g and h), then the row count at index `k` when `counted`,
 * `C` channels in all (padded to an arena's width). With unit hessians the count is channel 1
 * (k = 1, C = 2); XGBoost's trees (g, h) go without it (C = 2, see isGradCounted).
 */
export interface StatLayout {
  readonly isClass: boolean;
  /** Gradient target without hessians: every row has hessian 1 and the count stands for H. */
  readonly unitHess: boolean;
  /** Channels of the target: classes, 2 for (g, h), 1 for g with unit hessians. */
  readonly k: number;
  /** Whether a row count follows the target's channels. */
  readonly counted: boolean;
  /** Channels per bin and per node. */
  readonly C: number;
  /** Feature f's histogram starts at histOff[f]: bins 0..nBins[f]-1, then its missing bin at nBins[f]. */
  readonly histOff: Int32Array;
  /** Float64 of an all-feature histogram (histOff[F]). */
  readonly histSize: number;
}

/**
 * Whether a class tree's histograms need a row count: always but with one row per leaf allowed
 * and features drawn per node, whose drawn features are scanned over the range of bins seen,
 * whose ends hold rows.
 */
export function isClassCounted(opts: GrowOptions, F: number): boolean {
  return !(opts.minSamplesLeaf <= 1 && opts.maxFeatures < F);
}

/**
 * Float64 per bin of a ClassArena for a class tree of `nClasses` grown with `opts` on F features:
 * the classes, plus the row count unless min_samples_leaf is 1 with features drawn per node,
 * rounded up to an even number.
 */
export function classWidth(nClasses: number, opts: GrowOptions, F: number): number {
  return (nClasses + (isClassCounted(opts, F) ? 1 : 0) + 1) & ~1;
}

/**
 * Whether a gradient tree's histograms need a row count: always but with hessians that are all
 * positive (`positiveHessians`) and one row per leaf allowed, where a bin is empty when its
 * hessian sum is 0 and a split needs no count (min_child_weight bounds the hessian sums).
 */
function isGradCounted(unitHess: boolean, opts: GrowOptions): boolean {
  return unitHess || !(opts.positiveHessians === true && opts.minSamplesLeaf <= 1);
}

/** The layout of a tree on `data`; `width` pads the channels to a ClassArena's width (0: no padding). */
export function statLayout(data: BinnedData, target: ClassTarget | GradTarget, opts: GrowOptions, width: number): StatLayout {
  const { cols: F, nBins } = data;
  const isClass = target.kind === "class";
  const unitHess = !isClass && target.h === undefined;
  const k = isClass ? target.nClasses : unitHess ? 1 : 2;
  const counted = isClass ? isClassCounted(opts, F) : isGradCounted(unitHess, opts);
  const C = width > 0 ? width : counted ? k + 1 : k;
  const histOff = new Int32Array(F + 1);
  for (let f = 0; f < F; f++) histOff[f + 1] = histOff[f]! + (nBins[f]! + 1) * C;
  return { isClass, unitHess, k, counted, C, histOff, histSize: histOff[F]! };
}
