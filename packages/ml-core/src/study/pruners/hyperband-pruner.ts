import { crc32 } from "./crc32";
import { firstLastStep, keepGoing, type HistoryTrial, type PruneDecision, type Pruner, type PruneSummary, type PruneTrial } from "./pruner";
import { SuccessiveHalvingPruner } from "./successive-halving-pruner";

/** Settings of `HyperbandPruner`, with Optuna's names. */
export interface HyperbandSettings {
  /** Steps before the first rung of the most aggressive bracket. Optuna: 1. */
  readonly min_resource: number;
  /** The most steps a trial takes; "auto": the first complete trial's last step + 1, fixed from then on. Optuna: "auto". */
  readonly max_resource: number | "auto";
  /** Optuna: 3. */
  readonly reduction_factor: number;
  /** Optuna: 0 (needs an explicit max_resource otherwise). */
  readonly bootstrap_count: number;
}

/** The brackets of a Hyperband run: each one's share of the trials. */
export interface Brackets {
  readonly budgets: readonly number[];
  readonly total: number;
}

/**
 * Hyperband (Optuna 3.1's `HyperbandPruner`): floor(log_eta(max/min)) + 1 brackets of Successive
 * Halving with later and later first rungs. A trial's bracket is crc32("{study}_{number}") modulo
 * the total budget, each bracket getting ceil(n * eta^s / (s + 1)) of it (s = n - 1 - bracket), and
 * it competes only with the trials of its bracket.
 * @see http://www.jmlr.org/papers/volume18/16-558/16-558.pdf
 * @see https://optuna.readthedocs.io/en/v3.1.0/reference/generated/optuna.pruners.HyperbandPruner.html
 */
export class HyperbandPruner implements Pruner {
  /** The brackets once known: they never change, so a trial asks the store for them once. */
  private known: Brackets | null = null;

  constructor(readonly settings: HyperbandSettings) {}

  async decide(trial: PruneTrial, summary: PruneSummary): Promise<PruneDecision> {
    const brackets = await this.brackets(summary);
    if (!brackets) return keepGoing(trial);
    const bracket = bracketOf(summary.studyName, trial.number, brackets);
    const s = this.settings;
    const sh = new SuccessiveHalvingPruner(
      { min_resource: s.min_resource, reduction_factor: s.reduction_factor, min_early_stopping_rate: bracket, bootstrap_count: s.bootstrap_count },
      (other) => bracketOf(summary.studyName, other.number, brackets) === bracket,
    );
    return sh.decide(trial, summary);
  }

  /** TPE and the other samplers learn only from the trials of the new trial's bracket, as in Optuna. */
  historyFor<T extends HistoryTrial>(number: number, history: readonly T[], studyName: string): readonly T[] {
    const brackets = this.bracketsFor(firstLastStep(history));
    if (!brackets) return history;
    const bracket = bracketOf(studyName, number, brackets);
    return history.filter((t) => bracketOf(studyName, t.number, brackets) === bracket);
  }

  /** The brackets, or null while max_resource is "auto" and no trial is complete. */
  async brackets(summary: Pick<PruneSummary, "facts">): Promise<Brackets | null> {
    this.known ??= this.bracketsFor(this.settings.max_resource === "auto" ? (await summary.facts()).firstLastStep : null);
    return this.known;
  }

  /** The brackets given the first complete trial's last step (null: none complete). */
  private bracketsFor(firstLastStep: number | null): Brackets | null {
    const s = this.settings;
    let maxResource = s.max_resource;
    if (maxResource === "auto") {
      if (firstLastStep === null) return null;
      maxResource = firstLastStep + 1;
    }
    const n = Math.floor(Math.log(maxResource / s.min_resource) / Math.log(s.reduction_factor)) + 1;
    const budgets = Array.from({ length: n }, (_, b) => Math.ceil((n * s.reduction_factor ** (n - 1 - b)) / (n - b)));
    return { budgets, total: budgets.reduce((a, b) => a + b, 0) };
  }
}

/** The bracket of trial `number` (Optuna's `_get_bracket_id`). */
export function bracketOf(studyName: string, number: number, brackets: Brackets): number {
  let n = crc32(`${studyName}_${number}`) % brackets.total;
  for (let b = 0; b < brackets.budgets.length; b++) {
    n -= brackets.budgets[b] as number;
    if (n < 0) return b;
  }
  throw new Error("unreachable: the budgets sum to the total");
}
