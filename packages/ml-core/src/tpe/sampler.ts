import type { Rng } from "../core/rng";
import { orderParams, type Distribution, type SearchSpace } from "../core/search-space";

export { orderParams, InvalidSearchSpaceError } from "../core/search-space";
import { choiceIndex, fromInternal, isSingle, sampleUniform, singleValue, toInternal } from "./distributions";
import { ParzenEstimator } from "./parzen-estimator";
import { DEFAULT_TPE_SETTINGS, type TpeSettings } from "./settings";

/** A parameter value as the user sees it. */
export type ParamValue = number | string | boolean | null;

/** Where a trial stands. Failed trials are ignored by the sampler. */
export type TrialState = "complete" | "running" | "pruned" | "failed";

/** One trial of the study's history, as the optimizer stores it. */
export interface TrialRecord {
  readonly number: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** The objective value of a complete trial. */
  readonly value?: number | null;
  readonly state: TrialState;
  /** Reported intermediate values, by step; a pruned trial is ranked by its last one. */
  readonly intermediate?: readonly number[];
}

/**
 * Suggests the parameters of the next trial with the Tree-structured Parzen Estimator (Optuna 3.x's
 * `TPESampler`). The default settings (`DEFAULT_TPE_SETTINGS`) are Watanabe (2023)'s recommended
 * multivariate TPE; `OPTUNA_COMPATIBLE_SETTINGS` computes what Optuna 3.1's default (univariate) does.
 *
 * Until `nStartupTrials` trials have finished (complete or pruned) every parameter is drawn at random.
 * Then: rank the trials (complete by value, direction-aware; then pruned, deeper first and by their
 * last intermediate value; then, with `constantLiar`, running ones as the worst), take the best
 * `gamma(n)` as "below", and, per parameter (univariate) or per group of parameters (multivariate),
 * build the Parzen estimators l(x) on below and g(x) on the rest, draw `nEiCandidates` from l and keep
 * the candidate maximising log l(x) - log g(x). Trials without a value for a parameter are left out of
 * its estimators; failed trials are ignored.
 *
 * Conditional parameters are sampled after their parent and exist only when the parent took one of
 * `condition.in`; absent parameters are missing from the result.
 *
 * @param space the search space (validated by `searchSpaceSchema`).
 * @param history every trial of the study so far, in any order (sorted by `number` here).
 * @param rng the only source of randomness: the same history and seed give the same parameters.
 * @param settings overrides of `DEFAULT_TPE_SETTINGS`.
 * @see https://papers.nips.cc/paper/4443-algorithms-for-hyper-parameter-optimization.pdf
 * @see https://optuna.readthedocs.io/en/v3.1.0/reference/samplers/generated/optuna.samplers.TPESampler.html
 * @see https://arxiv.org/abs/2304.11127
 */
export function ask(space: SearchSpace, history: readonly TrialRecord[], rng: Rng, settings?: Partial<TpeSettings>): Record<string, ParamValue> {
  const s: TpeSettings = settings ? { ...DEFAULT_TPE_SETTINGS, ...settings } : DEFAULT_TPE_SETTINGS;
  const names = orderParams(space);
  const ranked = rankTrials(history, s);
  const result: Record<string, ParamValue> = {};
  const useTpe = ranked.nFinished >= s.nStartupTrials && ranked.trials.length > 0;
  const split = useTpe ? splitBelow(ranked, Math.max(0, Math.min(ranked.trials.length, Math.floor(s.gamma(ranked.nFinished))))) : null;

  const threshold = split && s.belowWeighting === "ei" ? eiThreshold(ranked, split) : Infinity;
  const ctx: SplitContext | null = split ? { ranked, isBelow: split, threshold } : null;

  // Multivariate: the unconditional parameters jointly; with `group`, also each set of conditional
  // parameters sharing one condition, jointly, once their parent is known.
  const groups = new Map<string, string[]>();
  if (ctx && s.multivariate) {
    for (const name of names) {
      const d = space[name] as Distribution;
      if (isSingle(d) || (d.condition && !s.group)) continue;
      const key = d.condition ? JSON.stringify([d.condition.param, d.condition.in]) : "";
      const members = groups.get(key);
      if (members) members.push(name);
      else groups.set(key, [name]);
    }
  }
  const groupOf = new Map<string, string[]>();
  for (const members of groups.values()) for (const name of members) groupOf.set(name, members);
  // The unconditional group first, as Optuna samples its relative (joint) space before the rest.
  const unconditional = groups.get("");
  if (ctx && unconditional) Object.assign(result, sampleJoint(space, unconditional, ctx, rng, s));

  for (const name of names) {
    const d = space[name] as Distribution;
    if (Object.prototype.hasOwnProperty.call(result, name)) continue;
    if (d.condition && !isActive(d, result)) continue;
    if (isSingle(d)) result[name] = singleValue(d);
    else if (!ctx) result[name] = sampleUniform(d, rng);
    else Object.assign(result, sampleJoint(space, groupOf.get(name) ?? [name], ctx, rng, s));
  }
  return result;
}

/** The usable trials in chronological order, with their ranking keys, and how many are finished (not running). */
interface Ranked {
  readonly trials: readonly TrialRecord[];
  readonly step: Float64Array;
  readonly score: Float64Array;
  readonly nFinished: number;
}

/**
 * The trials TPE learns from, oldest first, with Optuna's ranking key (step, score): complete trials
 * have step -Infinity and score sign * value; pruned ones -(last step) and their last intermediate
 * value (NaN as +Infinity), or (1, 0) with none; running ones (+Infinity, +Infinity).
 */
function rankTrials(history: readonly TrialRecord[], s: TpeSettings): Ranked {
  const sign = s.direction === "minimize" ? 1 : -1;
  let chrono = history;
  for (let i = 1; i < history.length; i++) {
    if ((history[i] as TrialRecord).number < (history[i - 1] as TrialRecord).number) {
      chrono = [...history].sort((a, b) => a.number - b.number);
      break;
    }
  }
  const trials: TrialRecord[] = [];
  const step = new Float64Array(chrono.length);
  const score = new Float64Array(chrono.length);
  let nFinished = 0;
  for (const trial of chrono) {
    const k = trials.length;
    if (trial.state === "complete") {
      if (typeof trial.value !== "number" || Number.isNaN(trial.value)) continue;
      step[k] = -Infinity;
      score[k] = sign * trial.value;
      nFinished++;
    } else if (trial.state === "pruned") {
      const iv = trial.intermediate ?? [];
      const last = iv.length - 1;
      if (last >= 0) {
        const v = iv[last] as number;
        step[k] = -last;
        score[k] = Number.isNaN(v) ? Infinity : sign * v;
      } else {
        step[k] = 1;
        score[k] = 0;
      }
      nFinished++;
    } else if (trial.state === "running" && s.constantLiar) {
      step[k] = Infinity;
      score[k] = Infinity;
    } else continue;
    trials.push(trial);
  }
  return { trials, step: step.subarray(0, trials.length), score: score.subarray(0, trials.length), nFinished };
}

/**
 * Flags (1) the best `nBelow` trials by (step, score), ties going to the older trial: the first
 * `nBelow` of a stable sort, as Optuna's, found by insertion into a sorted list of the best so far.
 */
function splitBelow(ranked: Ranked, nBelow: number): Uint8Array {
  const { step, score } = ranked;
  const n = ranked.trials.length;
  const below = new Uint8Array(n);
  if (nBelow >= n) return below.fill(1);
  if (nBelow <= 0) return below;
  // best[0..size) holds trial indices, best first; a later trial ranks after an earlier equal one.
  const best = new Int32Array(nBelow);
  let size = 0;
  const before = (a: number, b: number): boolean => {
    const sa = step[a] as number, sb = step[b] as number;
    if (sa !== sb) return sa < sb;
    const va = score[a] as number, vb = score[b] as number;
    return va !== vb ? va < vb : a < b;
  };
  for (let t = 0; t < n; t++) {
    if (size === nBelow) {
      if (!before(t, best[nBelow - 1] as number)) continue;
      size--;
    }
    let i = size;
    while (i > 0 && before(t, best[i - 1] as number)) {
      best[i] = best[i - 1] as number;
      i--;
    }
    best[i] = t;
    size++;
  }
  for (let i = 0; i < nBelow; i++) below[best[i] as number] = 1;
  return below;
}

/** The ranked trials, which of them are below, and the best above value for "ei" weighting (Infinity: none). */
interface SplitContext {
  readonly ranked: Ranked;
  readonly isBelow: Uint8Array;
  readonly threshold: number;
}

/** The best score among the complete above trials, or Infinity when a below trial is not complete or none is above. */
function eiThreshold(ranked: Ranked, isBelow: Uint8Array): number {
  let threshold = Infinity;
  for (let t = 0; t < ranked.trials.length; t++) {
    const complete = ranked.step[t] === -Infinity;
    if (isBelow[t] === 1) {
      if (!complete) return Infinity;
    } else if (complete) threshold = Math.min(threshold, ranked.score[t] as number);
  }
  return threshold;
}

/**
 * TPE on the parameters `names` jointly (one of them: univariate TPE): split the trials into
 * below/above, keep those holding every parameter, in chronological order, fit l and g, and return the
 * best of `nEiCandidates` draws from l by log l - log g.
 */
function sampleJoint(space: SearchSpace, names: readonly string[], ctx: SplitContext, rng: Rng, s: TpeSettings): Record<string, ParamValue> {
  const dists = names.map((n) => space[n] as Distribution);
  const { below, above, belowTrials } = observations(dists, names, ctx.ranked.trials, ctx.isBelow);
  let belowWeights: Float64Array | undefined;
  if (Number.isFinite(ctx.threshold) && belowTrials.length > 0) {
    belowWeights = new Float64Array(belowTrials.length);
    for (let i = 0; i < belowTrials.length; i++) belowWeights[i] = Math.max(1e-12, ctx.threshold - (ctx.ranked.score[belowTrials[i] as number] as number));
  }
  const l = new ParzenEstimator(dists, below, s, belowWeights);
  const g = new ParzenEstimator(dists, above, s);
  const candidates = l.sample(rng, s.nEiCandidates);
  const logL = l.logPdf(candidates);
  const logG = g.logPdf(candidates);
  let best = 0, bestScore = -Infinity;
  for (let i = 0; i < logL.length; i++) {
    const score = (logL[i] as number) - (logG[i] as number);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  const out: Record<string, ParamValue> = {};
  names.forEach((name, p) => (out[name] = fromInternal(dists[p] as Distribution, (candidates[p] as Float64Array)[best] as number)));
  return out;
}

/** Internal-scale values of the below and above trials holding all parameters, oldest first (one array per parameter), and the below trials' indices. */
function observations(dists: readonly Distribution[], names: readonly string[], trials: readonly TrialRecord[], isBelow: Uint8Array): { below: Float64Array[]; above: Float64Array[]; belowTrials: Int32Array } {
  const P = names.length, n = trials.length;
  const below = names.map(() => new Float64Array(n));
  const above = names.map(() => new Float64Array(n));
  const belowTrials = new Int32Array(n);
  let nb = 0, na = 0;
  const row = new Float64Array(P);
  for (let t = 0; t < n; t++) {
    const params = (trials[t] as TrialRecord).params;
    let ok = true;
    for (let p = 0; p < P && ok; p++) {
      const name = names[p] as string;
      const v = params[name];
      if (v === undefined && !Object.prototype.hasOwnProperty.call(params, name)) ok = false;
      else {
        const x = toInternal(dists[p] as Distribution, v);
        if (Number.isNaN(x)) ok = false;
        else row[p] = x;
      }
    }
    if (!ok) continue;
    if (isBelow[t] === 1) {
      for (let p = 0; p < P; p++) (below[p] as Float64Array)[nb] = row[p] as number;
      belowTrials[nb++] = t;
    } else {
      for (let p = 0; p < P; p++) (above[p] as Float64Array)[na] = row[p] as number;
      na++;
    }
  }
  return { below: below.map((a) => a.subarray(0, nb)), above: above.map((a) => a.subarray(0, na)), belowTrials: belowTrials.subarray(0, nb) };
}

/** Whether a conditional parameter exists given its parent's value in `params` (always, without a condition). */
export function isActive(d: Distribution, params: Readonly<Record<string, ParamValue>>): boolean {
  const c = d.condition;
  if (!c) return true;
  if (!Object.prototype.hasOwnProperty.call(params, c.param)) return false;
  return choiceIndex(c.in, params[c.param]) >= 0;
}

