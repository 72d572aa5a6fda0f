import type { Direction } from "../types";
import { keepGoing, type CompleteFacts, type PruneDecision, type Pruner, type PruneSummary, type PruneTrial, type TrialValue } from "./pruner";

/** Settings of `SuccessiveHalvingPruner`, with Optuna's names. */
export interface SuccessiveHalvingSettings {
  /** Steps before the first rung; "auto": max(last step of the first complete trial / 100, 1), fixed from then on. Optuna: "auto". */
  readonly min_resource: number | "auto";
  /** Rung k is at min_resource * reduction_factor^(min_early_stopping_rate + k); the top 1/reduction_factor go on. Optuna: 4. */
  readonly reduction_factor: number;
  /** Shifts the first rung later. Optuna: 0. */
  readonly min_early_stopping_rate: number;
  /** A trial is pruned at a rung until more than this many trials reached it. Optuna: 0. */
  readonly bootstrap_count: number;
}

/**
 * Asynchronous Successive Halving (Optuna 3.1's `SuccessiveHalvingPruner`): at each rung a trial
 * records its value and goes on only if it is in the top 1/reduction_factor of the values recorded
 * at that rung so far (the best one while fewer than reduction_factor trials reached it).
 * @param keep which other trials compete (Hyperband keeps the trial's own bracket); all by default.
 * @see https://arxiv.org/abs/1810.05934
 * @see https://optuna.readthedocs.io/en/v3.1.0/reference/generated/optuna.pruners.SuccessiveHalvingPruner.html
 */
export class SuccessiveHalvingPruner implements Pruner {
  /** min_resource once known ("auto" is fixed by the first complete trial), so a trial asks the store once. */
  private minResource: number | null = null;

  constructor(
    readonly settings: SuccessiveHalvingSettings,
    private readonly keep: (other: TrialValue) => boolean = () => true,
  ) {}

  async decide(trial: PruneTrial, summary: PruneSummary): Promise<PruneDecision> {
    const s = this.settings;
    const step = trial.intermediate.length - 1;
    if (step < 0) return keepGoing(trial);
    this.minResource ??= s.min_resource === "auto" ? estimateMinResource(await summary.facts()) : s.min_resource;
    const minResource = this.minResource;
    if (minResource === null) return keepGoing(trial);
    const value = trial.intermediate[step] as number;
    const rungs = [...trial.rungs];
    for (;;) {
      const promotionStep = minResource * s.reduction_factor ** (s.min_early_stopping_rate + rungs.length);
      if (step < promotionStep) return { prune: false, rungs };
      if (Number.isNaN(value)) return { prune: true, rungs };
      const competing = (await summary.rungAt(rungs.length)).filter(this.keep).map((t) => t.value);
      rungs.push(value);
      competing.push(value);
      if (competing.length <= s.bootstrap_count) return { prune: true, rungs };
      if (!isPromotable(value, competing, s.reduction_factor, summary.direction)) return { prune: true, rungs };
    }
  }
}

/** Optuna's `_estimate_min_resource`: max(first complete trial's last step // 100, 1), or null before any. */
function estimateMinResource(facts: CompleteFacts): number | null {
  return facts.firstLastStep === null ? null : Math.max(Math.floor(facts.firstLastStep / 100), 1);
}

/** Whether `value` is among the top len // reduction_factor of `competing` (the best one when that is 0). */
function isPromotable(value: number, competing: number[], reductionFactor: number, direction: Direction): boolean {
  const idx = Math.max(Math.floor(competing.length / reductionFactor) - 1, 0);
  competing.sort((a, b) => a - b);
  return direction === "maximize" ? value >= (competing[competing.length - 1 - idx] as number) : value <= (competing[idx] as number);
}
