import type { Direction } from "../types";
import { keepGoing, type PruneDecision, type Pruner, type PruneSummary, type PruneTrial } from "./pruner";

/** Settings of `PercentilePruner`, with Optuna's names. */
export interface PercentileSettings {
  /** The percentile (0-100) of the complete trials' values at a step that a trial must beat. */
  readonly percentile: number;
  /** No pruning until this many trials are complete. Optuna: 5. */
  readonly n_startup_trials: number;
  /** No pruning before this step. Optuna: 0. */
  readonly n_warmup_steps: number;
  /** Decide only every this many steps after the warm-up. Optuna: 1. */
  readonly interval_steps: number;
  /** No pruning at a step fewer than this many complete trials reported. Optuna: 1. */
  readonly n_min_trials: number;
}

/**
 * Prunes a trial whose best value so far is worse than the given percentile of the complete trials'
 * values at the same step (Optuna 3.1's `PercentilePruner`, step by step the same decisions).
 * @see https://optuna.readthedocs.io/en/v3.1.0/reference/generated/optuna.pruners.PercentilePruner.html
 */
export class PercentilePruner implements Pruner {
  constructor(readonly settings: PercentileSettings) {}

  async decide(trial: PruneTrial, summary: PruneSummary): Promise<PruneDecision> {
    const s = this.settings;
    const step = trial.intermediate.length - 1;
    if (step < 0 || step < s.n_warmup_steps || !isFirstInInterval(step, s.n_warmup_steps, s.interval_steps)) return keepGoing(trial);
    const { nComplete } = await summary.facts();
    if (nComplete === 0 || nComplete < s.n_startup_trials) return keepGoing(trial);
    const best = bestSoFar(trial.intermediate, summary.direction);
    if (Number.isNaN(best)) return { prune: true, rungs: trial.rungs };
    const others = (await summary.completeAt(step)).map((t) => t.value);
    if (others.length < s.n_min_trials) return keepGoing(trial);
    const p = nanPercentile(others, summary.direction === "maximize" ? 100 - s.percentile : s.percentile);
    if (Number.isNaN(p)) return keepGoing(trial);
    return { prune: summary.direction === "maximize" ? best < p : best > p, rungs: trial.rungs };
  }
}

/** Optuna's `MedianPruner`: the 50th percentile, with its defaults (5 startup trials, no warm-up, every step). */
export class MedianPruner extends PercentilePruner {
  constructor(settings: Omit<PercentileSettings, "percentile">) {
    super({ ...settings, percentile: 50 });
  }
}

/**
 * Whether `step` is the first reported step of its pruning interval, when steps are reported one
 * by one (Optuna's `_is_first_in_interval_step` with the previous step `step - 1`).
 */
function isFirstInInterval(step: number, warmup: number, interval: number): boolean {
  const nearestLower = Math.floor((step - warmup) / interval) * interval + warmup;
  return step - 1 < nearestLower;
}

/** The best of the values (NaN ignored), or NaN when all are NaN. */
function bestSoFar(values: readonly number[], direction: Direction): number {
  let best = NaN;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(best) || (direction === "maximize" ? v > best : v < best)) best = v;
  }
  return best;
}

/** NumPy's `nanpercentile` with linear interpolation (and its `_lerp`, for the same last bit). */
export function nanPercentile(values: readonly number[], q: number): number {
  const xs = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const index = (q / 100) * (xs.length - 1);
  const lo = Math.floor(index);
  const t = index - lo;
  const a = xs[lo] as number;
  const b = xs[Math.min(lo + 1, xs.length - 1)] as number;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
