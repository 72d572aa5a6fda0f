import { z } from "zod";
import { isStageEnd, type EstimatorState, type FitOptions } from "../core/estimator";
import { InvalidHyperparameterError } from "../core/errors";
import { custom, defineParams, float, int, oneOf, withAliases } from "../core/hyperparams";
import { takeRows, take, type Matrix } from "../core/matrix";
import { identity, Rng } from "../core/rng";
import { checkXy } from "../core/check-input";
import { countClasses } from "../core/classes";
import { randomStateParam, resolveSeed } from "../core/seed";
import { TreeEnsemble, type TreeArrays } from "../tree/flat-tree";
import { addLeaves, treeArrays, type GrowOptions, type GrownTree } from "../tree/grow";
import type { HistTeam } from "../tree/hist-team";
import { BoostedModel, refitEachStage, type BoostedSoFar } from "./boosted";
import { ColumnSampler } from "./column-sampler";
import { validationSplit } from "./hist-gradient-boosting";
import { MAX_HELPERS, roundTeamThreads, startHistTeam, startRoundTeam, xgbBinDataParallel } from "./parallel";
import { nJobsParam, resolveJobs } from "./params";
import { binaryLogistic, multiSoftprob, squaredError, type XgbObjective } from "./xgb-objectives";
import { growColumnTree, type RoundTeam, type TreeSetup } from "./xgb-round-team";

const fraction = (description: string) => float({ default: 1, min: 0, max: 1, exclusiveMin: true, description });

const common = {
  n_estimators: int({ default: 100, min: 1, max: 10000, description: "Boosting rounds (trees per output column)." }),
  max_depth: int({ default: 6, min: 0, max: 64, description: "Deepest a tree may grow; 0 means no limit (lossguide only)." }),
  learning_rate: float({ default: 0.3, min: 0, max: 1, exclusiveMin: true, description: "Step size shrinking each tree's weights (alias `eta`)." }),
  min_child_weight: float({ default: 1, min: 0, description: "Least hessian sum in each child of a split." }),
  gamma: float({ default: 0, min: 0, description: "Least loss reduction a split must bring (alias `min_split_loss`)." }),
  subsample: fraction("Share of training rows drawn (each row with this probability) for each tree."),
  colsample_bytree: fraction("Share of features drawn for each tree."),
  colsample_bylevel: fraction("Share of the tree's features drawn for each depth."),
  colsample_bynode: fraction("Share of the level's features drawn for each node."),
  reg_lambda: float({ default: 1, min: 0, description: "L2 penalty on leaf weights (alias `lambda`)." }),
  reg_alpha: float({ default: 0, min: 0, description: "L1 penalty on leaf weights: a leaf whose |G| is at most alpha gets weight 0 (alias `alpha`)." }),
  max_delta_step: float({ default: 0, min: 0, description: "Largest absolute leaf weight; 0 for no limit." }),
  max_bin: int({ default: 256, min: 2, max: 256, description: "Most histogram bins per feature, cut at XGBoost's quantiles (missing values get their own; at most 255 value bins are kept: with 256 the top two merge)." }),
  grow_policy: oneOf(["depthwise", "lossguide"] as const, { default: "depthwise", description: "depthwise splits every node down to max_depth; lossguide splits the node with the largest loss reduction first." }),
  max_leaves: int({ default: 0, min: 0, description: "Most leaves per tree, grown largest loss reduction first; 0 for no limit." }),
  early_stopping_rounds: custom(z.number().int().min(1).nullable() as z.ZodType<number | null>, {
    type: "int | null",
    min: 1,
    default: null,
    description: "Stop when the validation metric (logloss, mlogloss or rmse) has not improved for this many rounds, keeping the best round; null trains every round.",
  }),
  validation_fraction: float({ default: 0.1, min: 0, max: 1, exclusiveMin: true, description: "Share of rows held out for early stopping (only with early_stopping_rounds)." }),
  random_state: randomStateParam(),
  n_jobs: nJobsParam(),
};

/** XGBoost's other names for some parameters. */
const ALIASES = { eta: "learning_rate", min_split_loss: "gamma", lambda: "reg_lambda", alpha: "reg_alpha" } as const;

function checkDepth(p: { max_depth: number; grow_policy: string }): string | undefined {
  return p.max_depth === 0 && p.grow_policy !== "lossguide" ? "`max_depth` 0 (no limit) needs `grow_policy` lossguide." : undefined;
}

/** Hyperparameters of XGBClassifier, with XGBoost's names, aliases and defaults. */
export const XGB_CLASSIFIER_PARAMS = withAliases(
  defineParams(
    {
      ...common,
      objective: oneOf(["binary:logistic", "multi:softprob"] as const, { default: "binary:logistic", description: "binary:logistic for two classes; more classes always use multi:softprob (as XGBClassifier does)." }),
      scale_pos_weight: float({ default: 1, min: 0, exclusiveMin: true, description: "Weight of the positive class (binary:logistic)." }),
      base_score: float({ default: 0.5, min: 0, max: 1, exclusiveMin: true, description: "Starting probability of every row (binary:logistic; with multi:softprob the starting margin). Must be below 1." }),
    },
    (p) => checkDepth(p) ?? (p.base_score >= 1 ? "`base_score` must be below 1 for binary:logistic." : undefined),
  ),
  ALIASES,
);

/** Hyperparameters of XGBRegressor, with XGBoost's names, aliases and defaults. */
export const XGB_REGRESSOR_PARAMS = withAliases(
  defineParams(
    {
      ...common,
      objective: oneOf(["reg:squarederror"] as const, { default: "reg:squarederror", description: "Squared error." }),
      base_score: float({ default: 0.5, description: "Starting prediction of every row." }),
    },
    checkDepth,
  ),
  ALIASES,
);

/** Validated XGBClassifier hyperparameters. */
export type XGBClassifierParams = ReturnType<typeof XGB_CLASSIFIER_PARAMS.parse>;
/** Validated XGBRegressor hyperparameters. */
export type XGBRegressorParams = ReturnType<typeof XGB_REGRESSOR_PARAMS.parse>;
type Common = XGBClassifierParams | XGBRegressorParams;

/** The training rows, binned, with what every tree of a fit shares. */
interface Fit {
  readonly X: Matrix;
  readonly setup: TreeSetup;
  readonly sampler: ColumnSampler | undefined;
  readonly team: HistTeam | undefined;
  readonly rng: Rng;
  /** 0..rows-1. */
  readonly allRows: Int32Array;
  /** Per output column, the rows of its trees (reset to allRows for each tree), reused round after round. */
  readonly samples: Int32Array[];
}

/** One tree on the gradients `g` (and hessians `h`, omitted when all 1), its weights already times the learning rate. */
function growOne(fit: Fit, p: Common, c: number, g: Float64Array, h: Float64Array | undefined): GrownTree {
  fit.sampler?.startTree();
  // growTree permutes the sample in place, and the round's trees are applied once all are grown:
  // each column's tree gets its own copy
  let sample: Int32Array;
  if (p.subsample < 1) sample = bernoulliRows(fit.X.rows, p.subsample, fit.rng);
  else {
    sample = fit.samples[c]!;
    sample.set(fit.allRows);
  }
  return growColumnTree(fit.setup, g, h, sample, fit.team);
}

/**
 * The round's trees on the RoundTeam's threads, applied to `raw` (the team's): every column's rows
 * drawn first (in the order growOne draws them); the team computes the softmax and the gradients.
 */
function growRound(fit: Fit, p: Common, round: RoundTeam, raw: Float64Array): TreeArrays[] {
  const cols = round.shared.cols;
  for (let c = 0; c < cols; c++) if (p.subsample < 1) round.setSample(c, bernoulliRows(fit.X.rows, p.subsample, fit.rng));
  const trees = round.growRound();
  // rows left out of a tree's sample are routed through it
  if (p.subsample < 1) trees.forEach((tree, c) => addByRouting(fit.X, tree, raw, c));
  return trees;
}

/** Adds the tree's leaf weights to column c of every training row's raw score (column c's rows at c rows). */
function applyTree(fit: Fit, tree: GrownTree, raw: Float64Array, c: number, sampled: boolean): void {
  // rows left out of the sample are routed through the tree too
  if (sampled) addByRouting(fit.X, treeArrays(tree), raw, c);
  else addLeaves(tree, raw.subarray(c * fit.X.rows, (c + 1) * fit.X.rows), 1, 0);
}

/** Adds the leaf weight of every row of X (routed through `tree`) to column c of `raw` (column c's rows at c rows). */
function addByRouting(X: Matrix, tree: TreeArrays, raw: Float64Array, c: number): void {
  TreeEnsemble.concat([tree], 1, X.cols).addTree(0, X, raw, 1, c * X.rows, 1);
}

/** Each row with probability `rate` (XGBoost's uniform subsampling), at least one. */
function bernoulliRows(n: number, rate: number, rng: Rng): Int32Array {
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (rng.next() < rate) keep.push(i);
  if (keep.length === 0) keep.push(rng.int(n));
  return Int32Array.from(keep);
}

function growOptions(p: Common, nFeatures: number, sampler: ColumnSampler | undefined): GrowOptions {
  return {
    maxDepth: p.max_depth === 0 ? Infinity : p.max_depth,
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
    maxFeatures: nFeatures,
    maxLeafNodes: p.max_leaves,
    minHessianLeaf: p.min_child_weight,
    minSplitLoss: p.gamma,
    unseenMissingRight: true,
    positiveHessians: true,
    sparseHistograms: true,
    ...(sampler ? { nodeFeatures: sampler.forNode } : {}),
  };
}

/** The training parameters as XGBoost holds them, in float32 (`TrainParam`): 0.3 is 0.30000001192092896 there. */
function asFloat32<P extends Common>(p: P): P {
  const f = Math.fround;
  return { ...p, learning_rate: f(p.learning_rate), reg_lambda: f(p.reg_lambda), reg_alpha: f(p.reg_alpha), max_delta_step: f(p.max_delta_step), min_child_weight: f(p.min_child_weight), gamma: f(p.gamma) };
}

/** Validation metric per round; the best round so far and whether to stop (XGBoost's EarlyStopping callback). */
class EarlyStopping {
  best = Infinity;
  bestRound = -1;
  constructor(private readonly rounds: number) {}

  /** Records round `r`'s metric; returns true when `rounds` rounds passed without improvement. */
  record(r: number, metric: number): boolean {
    if (metric < this.best) {
      this.best = metric;
      this.bestRound = r;
    }
    return r - this.bestRound >= this.rounds;
  }
}

/**
 * The boosting loop of both estimators, pausing after every `every` rounds unless the last with
 * every tree so far; returns the trees kept (round-major: up to the best round with early
 * stopping), base margins and rounds kept.
 */
function* boostStages(X: Matrix, y: Float64Array, params: Common, makeObjective: (n: number) => XgbObjective, stratify: boolean, options: FitOptions | undefined, every: number): Generator<BoostedSoFar, BoostedSoFar, void> {
  checkXy(X, y);
  const p = asFloat32(params);
  const seed = resolveSeed(p.random_state);
  const rng = new Rng(seed);
  let Xtr = X, ytr = y, Xval: Matrix | undefined, yval: Float64Array | undefined;
  if (p.early_stopping_rounds !== null) {
    const { train, validation } = validationSplit(y, p.validation_fraction, stratify, seed);
    [Xtr, ytr, Xval, yval] = [takeRows(X, train), take(y, train), takeRows(X, validation), take(y, validation)];
  }
  const n = Xtr.rows;
  const helpers = Math.max(0, Math.min(resolveJobs(p.n_jobs) - 1, MAX_HELPERS));
  const data = xgbBinDataParallel(Xtr, p.max_bin, helpers);
  const obj = makeObjective(n);
  const cols = obj.cols;
  const fractions = { bytree: p.colsample_bytree, bylevel: p.colsample_bylevel, bynode: p.colsample_bynode };
  const sampler = ColumnSampler.needed(fractions) ? new ColumnSampler(X.cols, fractions, rng.fork()) : undefined;
  const setup: TreeSetup = {
    data,
    grow: growOptions(p, X.cols, sampler),
    target: { kind: "grad", l2: p.reg_lambda, regularization: { l2: p.reg_lambda, alpha: p.reg_alpha, maxDeltaStep: p.max_delta_step, minChildWeight: p.min_child_weight } },
    learningRate: p.learning_rate,
  };
  // a round's trees (multi:softprob's classes) on several threads at once, else helpers for each tree's histograms
  const roundThreads = obj.softprob ? roundTeamThreads(n, cols, helpers, sampler !== undefined) : 0;
  // binary:logistic's gradients go straight into the team's pairs when every tree takes every row and feature
  const onTeam = sampler || p.subsample < 1 ? undefined : obj.teamPairs;
  // a helper grows a subtree of each tree too, when nothing is drawn per tree or node
  const team = startHistTeam(data, roundThreads > 0 ? 0 : helpers, sampler ? undefined : { target: setup.target, opts: setup.grow }, onTeam?.values(n) ?? 0);
  const pairs = team && onTeam?.on(team, ytr);
  const roundTeam = startRoundTeam(setup, cols, p.subsample < 1, team, roundThreads, ytr);
  const fit: Fit = {
    X: Xtr,
    setup,
    sampler,
    team,
    rng: rng.fork(),
    allRows: identity(n),
    samples: Array.from({ length: p.subsample < 1 || roundTeam ? 0 : cols }, () => new Int32Array(n)),
  };
  // column-major: column c's rows at c n
  const raw = (roundTeam?.raw ?? pairs?.raw ?? new Float64Array(n * cols)).fill(obj.baseMargin);
  const rawVal = Xval ? new Float64Array(Xval.rows * cols).fill(obj.baseMargin) : undefined;
  const stopping = p.early_stopping_rounds !== null ? new EarlyStopping(p.early_stopping_rounds) : undefined;
  // the fork's shared arrays when there is one (its helper reads them)
  const g = team?.fork?.context.g ?? new Float64Array(n);
  const h = team?.fork?.context.h ?? new Float64Array(n);
  const trees: TreeArrays[] = [];
  const init = new Float64Array(cols).fill(obj.baseMargin);
  try {
    for (let round = 0; round < p.n_estimators; round++) {
      if (roundTeam) trees.push(...growRound(fit, p, roundTeam, raw));
      else {
        obj.prepare(ytr, raw);
        const grown: GrownTree[] = [];
        for (let c = 0; c < cols; c++) {
          // with pairs on the team, the tree's builder reads them, not g and h
          if (pairs) pairs.compute();
          grown.push(growOne(fit, p, c, g, pairs || obj.gradients(ytr, raw, c, g, h) ? h : undefined));
        }
        // applied after every column of the round was grown from the same raw scores
        grown.forEach((tree, c) => {
          applyTree(fit, tree, raw, c, p.subsample < 1);
          trees.push(treeArrays(tree));
        });
      }
      options?.onProgress?.(round + 1, p.n_estimators);
      if (stopping && Xval && rawVal) {
        const e = TreeEnsemble.concat(trees.slice(-cols), 1, X.cols);
        for (let c = 0; c < cols; c++) e.addTree(c, Xval, rawVal, cols, c, 1);
        if (stopping.record(round, obj.metric(yval!, rawVal))) break;
      }
      if (isStageEnd(round + 1, every, p.n_estimators)) yield { trees, init, nIter: round + 1 };
    }
  } finally {
    roundTeam?.stop();
    team?.stop();
  }
  const nIter = stopping ? stopping.bestRound + 1 : trees.length / cols;
  return { trees: trees.slice(0, nIter * cols), init, nIter };
}

/**
 * What XGBClassifier and XGBRegressor share beyond BoostedModel: XGBoost's "gain" importances,
 * the mean loss reduction of the splits on each feature, normalised to sum to 1.
 */
abstract class XgbModel<P> extends BoostedModel<P> {
  override featureImportances(): Float64Array | undefined {
    const e = this.trees_;
    if (!e) return undefined;
    const F = this.nFeatures_;
    const total = new Float64Array(F);
    const splits = new Float64Array(F);
    for (let t = 0; t < e.nTrees; t++) for (let f = 0; f < F; f++) total[f]! += e.importance[t * F + f]!;
    for (let node = 0; node < e.feature.length; node++) if (e.feature[node]! >= 0) splits[e.feature[node]!]! += 1;
    const mean = total.map((s, f) => (splits[f]! > 0 ? s / splits[f]! : 0));
    const sum = mean.reduce((a, b) => a + b, 0);
    return sum > 0 ? mean.map((v) => v / sum) : mean;
  }
}

/**
 * XGBoost's gradient boosted trees (`tree_method="hist"`) for classification, on this package's
 * histogram engine: XGBoost's parameter names and defaults, its leaf weight
 * −ThresholdL1(G, α)/(H + λ) clipped by max_delta_step, its split gain compared with gamma,
 * min_child_weight on hessian sums, a learned direction for missing values, depthwise or lossguide
 * growth, row and column subsampling, and early stopping on a held-out share.
 * See https://xgboost.readthedocs.io/en/stable/python/python_api.html#xgboost.XGBClassifier
 */
export class XGBClassifier extends XgbModel<XGBClassifierParams> {
  readonly algorithm = "XGBClassifier";
  static readonly paramSchema = XGB_CLASSIFIER_PARAMS;

  protected parse(): XGBClassifierParams {
    return XGB_CLASSIFIER_PARAMS.parse(this.params);
  }

  protected boost(X: Matrix, y: Float64Array, every: number, options?: FitOptions): Generator<number, this, void> {
    const p = this.parse();
    const k = countClasses(y, options?.nClasses);
    if (k === 2 && p.objective === "multi:softprob") throw new InvalidHyperparameterError("`objective` multi:softprob needs at least 3 classes; use binary:logistic for 2.");
    const make = (n: number) => (k === 2 ? binaryLogistic(p.base_score, p.scale_pos_weight) : multiSoftprob(k, n, p.base_score));
    return refitEachStage(boostStages(X, y, p, make, true, options, every), (b) => this.fitted(b.trees, b.init, X.cols, k, b.nIter));
  }

  /** Class probabilities, rows x classes. */
  predictProba(X: Matrix): Matrix {
    return this.proba(X);
  }

  /** Rebuilds a fitted classifier from `toState()`. */
  static restore(state: EstimatorState): XGBClassifier {
    return new XGBClassifier(state.params as never).load(state);
  }
}

/**
 * XGBoost's gradient boosted trees (`tree_method="hist"`, reg:squarederror) for regression; see
 * XGBClassifier.
 * See https://xgboost.readthedocs.io/en/stable/python/python_api.html#xgboost.XGBRegressor
 */
export class XGBRegressor extends XgbModel<XGBRegressorParams> {
  readonly algorithm = "XGBRegressor";
  static readonly paramSchema = XGB_REGRESSOR_PARAMS;

  protected parse(): XGBRegressorParams {
    return XGB_REGRESSOR_PARAMS.parse(this.params);
  }

  protected boost(X: Matrix, y: Float64Array, every: number, options?: FitOptions): Generator<number, this, void> {
    const p = this.parse();
    return refitEachStage(boostStages(X, y, p, () => squaredError(p.base_score), false, options, every), (b) => this.fitted(b.trees, b.init, X.cols, 0, b.nIter));
  }

  /** Rebuilds a fitted regressor from `toState()`. */
  static restore(state: EstimatorState): XGBRegressor {
    return new XGBRegressor(state.params as never).load(state);
  }
}
