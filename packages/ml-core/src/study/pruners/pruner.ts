import type { Direction } from "../types";

/** A trial asking whether to stop: its intermediate values by step (0, 1, ...) and its rung records. */
export interface PruneTrial {
  readonly number: number;
  /** The value reported at each step so far; the last one is the step being decided. */
  readonly intermediate: readonly number[];
  /** The value this trial recorded at each rung it completed (SuccessiveHalving, Hyperband); [] otherwise. */
  readonly rungs: readonly number[];
}

/** One other trial's value at a step or rung. */
export interface TrialValue {
  readonly number: number;
  readonly value: number;
}

/** What the complete trials say about the budget: how many there are and how long the first one ran. */
export interface CompleteFacts {
  readonly nComplete: number;
  /**
   * The last step (0-based) of the trial that completed first (the lower number among equals), or
   * null before any. Optuna fixes an "auto" resource when it first sees a complete trial and never
   * changes it; this is the trial it saw, whichever worker asks and however many complete later.
   */
  readonly firstLastStep: number | null;
}

/**
 * The compact summary of the other trials a pruner reads, fetched on demand: never every trial row,
 * only the values at the step or rung being decided.
 */
export interface PruneSummary {
  /** The study's name (Hyperband assigns trials to brackets by a hash of it and the trial number). */
  readonly studyName: string;
  readonly direction: Direction;
  facts(): Promise<CompleteFacts>;
  /** The values of the complete trials that reported `step`. */
  completeAt(step: number): Promise<readonly TrialValue[]>;
  /** The values the other trials recorded at `rung`, whatever their state. */
  rungAt(rung: number): Promise<readonly TrialValue[]>;
}

/** A pruner's answer: stop or go on, and the trial's rung records to store (unchanged for most pruners). */
export interface PruneDecision {
  readonly prune: boolean;
  readonly rungs: readonly number[];
}

/**
 * Decides, after each reported step, whether a trial should stop (Optuna's `BasePruner.prune`).
 * Implementations are pure but for the summary they read.
 */
export interface Pruner {
  decide(trial: PruneTrial, summary: PruneSummary): Promise<PruneDecision>;
  /**
   * The trials a sampler learns from when it proposes trial `number` (Optuna's `_filter_study`):
   * all of them unless the pruner splits the study (Hyperband: the trial's bracket only).
   */
  historyFor?<T extends HistoryTrial>(number: number, history: readonly T[], studyName: string): readonly T[];
}

/** What a pruner needs of a past trial to filter a sampler's history. */
export interface HistoryTrial {
  readonly number: number;
  readonly state: string;
  readonly intermediate?: readonly number[];
  /** When it finished (ms since the epoch); null or absent while running. */
  readonly finishedAt?: number | null;
}

/** `CompleteFacts.firstLastStep` read off a history: the last step of the trial that completed first. */
export function firstLastStep(history: readonly HistoryTrial[]): number | null {
  let first: HistoryTrial | undefined;
  for (const t of history) {
    if (t.state !== "complete" || !t.intermediate?.length) continue;
    const at = t.finishedAt ?? Infinity;
    const firstAt = first?.finishedAt ?? Infinity;
    if (!first || at < firstAt || (at === firstAt && t.number < first.number)) first = t;
  }
  return first ? first.intermediate!.length - 1 : null;
}

/** The decision "go on" that keeps the trial's rung records. */
export function keepGoing(trial: PruneTrial): PruneDecision {
  return { prune: false, rungs: trial.rungs };
}
