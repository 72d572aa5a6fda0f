import type { Rng } from "../core/rng";
import type { Distribution, SearchSpace } from "../core/search-space";
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

/** A search space was malformed in a way the JSON schema cannot see (a condition on an unknown or later parameter). */
export class InvalidSearchSpaceError extends Error {
  readonly code = "INVALID_SEARCH_SPACE" as const;
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = "InvalidSearchSpaceError";
  }
}

/**
 * Suggests the parameters of the next trial with the Tree-structured Parzen Estimator (Optuna 3.x's
 * `TPESampler`, univariate unless `settings.multivariate`).
 *
 * Until `nStartupTrials` trials have finished (complete or pruned) every parameter is drawn at random.
 * Then, per parameter: rank the trials (complete by value, direction-aware; then pruned, deeper first
 * and by their last intermediate value; then, with `constantLiar`, running ones as the worst), take the
 * best `gamma(n)` as "below", build the Parzen estimators l(x) on below and g(x) on the rest, draw
 * `nEiCandidates` from l and keep the candidate maximising log l(x) - log g(x). Trials without a
 * value for the parameter are left out of its estimators; failed trials are ignored.
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
 */
export function ask(space: SearchSpace, history: readonly TrialRecord[], rng: Rng, settings?: Partial<TpeSettings>): Record<string, ParamValue> {
  const s: TpeSettings = settings ? { ...DEFAULT_TPE_SETTINGS, ...settings } : DEFAULT_TPE_SETTINGS;
  const names = orderParams(space);
  const ranked = rankTrials(history, s);
  const result: Record<string, ParamValue> = {};
  const useTpe = ranked.nFinished >= s.nStartupTrials && ranked.trials.length > 0;
  const nBelow = useTpe ? Math.max(0, Math.min(ranked.trials.length, Math.floor(s.gamma(ranked.nFinished)))) : 0;

  let joint = new Set<string>();
  if (useTpe && s.multivariate) {
    const jointNames = names.filter((name) => !(space[name] as Distribution).condition && !isSingle(space[name] as Distribution));
    if (jointNames.length > 0) {
      Object.assign(result, sampleJoint(space, jointNames, ranked.trials, nBelow, rng, s));
      joint = new Set(jointNames);
    }
  }

  for (const name of names) {
    const d = space[name] as Distribution;
    if (d.condition && !isActive(d, result)) continue;
    if (joint.has(name)) continue;
    if (isSingle(d)) result[name] = singleValue(d);
    else if (!useTpe) result[name] = sampleUniform(d, rng);
    else result[name] = sampleJoint(space, [name], ranked.trials, nBelow, rng, s)[name] as ParamValue;
  }
  return result;
}

/** Trials ranked best first, and how many of them are finished (not running). */
interface Ranked {
  readonly trials: readonly TrialRecord[];
  readonly nFinished: number;
}

/**
 * Orders the usable trials best first by Optuna's key (step, score): complete trials have step
 * -Infinity and score sign * value; pruned ones -(last step) and their last intermediate value (NaN
 * as +Infinity), or (1, 0) with none; running ones (+Infinity, +Infinity). Ties keep trial order.
 */
function rankTrials(history: readonly TrialRecord[], s: TpeSettings): Ranked {
  const sign = s.direction === "minimize" ? 1 : -1;
  const rows: { trial: TrialRecord; step: number; score: number }[] = [];
  let nFinished = 0;
  const sorted = [...history].sort((a, b) => a.number - b.number);
  for (const trial of sorted) {
    if (trial.state === "complete") {
      if (typeof trial.value !== "number" || Number.isNaN(trial.value)) continue;
      rows.push({ trial, step: -Infinity, score: sign * trial.value });
      nFinished++;
    } else if (trial.state === "pruned") {
      const iv = trial.intermediate ?? [];
      const last = iv.length - 1;
      if (last >= 0) {
        const v = iv[last] as number;
        rows.push({ trial, step: -last, score: Number.isNaN(v) ? Infinity : sign * v });
      } else rows.push({ trial, step: 1, score: 0 });
      nFinished++;
    } else if (trial.state === "running" && s.constantLiar) {
      rows.push({ trial, step: Infinity, score: Infinity });
    }
  }
  const order = rows.map((_, i) => i);
  order.sort((a, b) => {
    const ra = rows[a]!, rb = rows[b]!;
    if (ra.step !== rb.step) return ra.step < rb.step ? -1 : 1;
    if (ra.score !== rb.score) return ra.score < rb.score ? -1 : 1;
    return a - b;
  });
  return { trials: order.map((i) => rows[i]!.trial), nFinished };
}

/**
 * TPE on the parameters `names` jointly (one of them: univariate TPE): split the ranked trials into
 * below/above, keep those holding every parameter, in chronological order, fit l and g, and return the
 * best of `nEiCandidates` draws from l by log l - log g.
 */
function sampleJoint(space: SearchSpace, names: readonly string[], ranked: readonly TrialRecord[], nBelow: number, rng: Rng, s: TpeSettings): Record<string, ParamValue> {
  const dists = names.map((n) => space[n] as Distribution);
  const below = observations(dists, names, ranked.slice(0, nBelow));
  const above = observations(dists, names, ranked.slice(nBelow));
  const l = new ParzenEstimator(dists, below, s);
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

/** Internal-scale values of the trials holding all parameters, oldest first. */
function observations(dists: readonly Distribution[], names: readonly string[], trials: readonly TrialRecord[]): Float64Array[] {
  const rows: { number: number; values: number[] }[] = [];
  for (const t of trials) {
    const values: number[] = [];
    let ok = true;
    for (let p = 0; p < names.length && ok; p++) {
      const name = names[p] as string;
      if (!Object.prototype.hasOwnProperty.call(t.params, name)) ok = false;
      else {
        const x = toInternal(dists[p] as Distribution, t.params[name]);
        if (Number.isNaN(x)) ok = false;
        else values.push(x);
      }
    }
    if (ok) rows.push({ number: t.number, values });
  }
  rows.sort((a, b) => a.number - b.number);
  return names.map((_, p) => Float64Array.from(rows, (r) => r.values[p] as number));
}

function isActive(d: Distribution, params: Readonly<Record<string, ParamValue>>): boolean {
  const c = d.condition;
  if (!c) return true;
  if (!Object.prototype.hasOwnProperty.call(params, c.param)) return false;
  return choiceIndex(c.in, params[c.param]) >= 0;
}

/**
 * Parameter names with every parent before its children (the space's own order otherwise).
 * Throws `InvalidSearchSpaceError` for a condition on an unknown parameter or a cycle.
 */
export function orderParams(space: SearchSpace): string[] {
  const names = Object.keys(space);
  const out: string[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (name: string, path: string[]): void => {
    const st = state.get(name);
    if (st === 2) return;
    if (st === 1) throw new InvalidSearchSpaceError(`The conditions of \`${[...path, name].join("` -> `")}\` form a cycle.`);
    state.set(name, 1);
    const parent = (space[name] as Distribution).condition?.param;
    if (parent !== undefined) {
      if (!Object.prototype.hasOwnProperty.call(space, parent)) throw new InvalidSearchSpaceError(`\`${name}\` is conditioned on \`${parent}\`, which is not in the search space.`);
      visit(parent, [...path, name]);
    }
    state.set(name, 2);
    out.push(name);
  };
  for (const name of names) visit(name, []);
  return out;
}
