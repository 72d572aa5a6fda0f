import type { SearchSpace } from "../core/search-space";
import type { PruneSummary } from "./pruners";
import type { PrunerConfig } from "./pruners";
import type { SamplerConfig } from "./samplers";
import type { Direction, Params, TrialRecord } from "./types";

/** A study as the engine needs it. */
export interface StudyDefinition {
  readonly id: string;
  readonly direction: Direction;
  readonly searchSpace: SearchSpace;
  readonly nTrials: number;
  readonly nParallel: number;
  readonly randomState: number;
  readonly sampler: SamplerConfig;
  readonly pruner: PrunerConfig;
  /** Parameters evaluated first, as trials 0..k-1 (Optuna's `enqueue_trial`). */
  readonly initialTrials: readonly Params[];
  /** When no new trial may start (ms since the epoch; Infinity without a timeout). */
  readonly deadline: number;
}

/** A trial as stored: the sampler's record plus its rung records and failure. */
export interface StoredTrial extends TrialRecord {
  /** Values recorded at the rungs it completed (SuccessiveHalving, Hyperband). */
  readonly rungs: readonly number[];
  readonly error?: string | null;
  /** When it finished (ms since the epoch); null while running. */
  readonly finishedAt?: number | null;
}

/** Where a study stands: running, finished (complete or failed), or cancelled. */
export type StudyState = "running" | "complete" | "failed" | "cancelled";

/** A study's state and the run (its coordinator's job) that drives it now. */
export interface StudyStatus {
  readonly state: StudyState;
  /** Null when no run was recorded. */
  readonly runId: string | null;
}

/** How a trial ended. */
export interface TrialOutcome {
  readonly state: "complete" | "pruned" | "failed";
  readonly value?: number | null;
  readonly intermediate?: readonly number[];
  readonly durationMs?: number;
  readonly error?: string;
}

/**
 * Where a study's trials live (implemented over Postgres by `@mlw/db`'s `postgresStudyStore`).
 * The engine reads through it only what it decides on.
 */
export interface StudyStore {
  /** Every trial of the study, by number (what the sampler learns from). */
  listTrials(studyId: string): Promise<StoredTrial[]>;
  /**
   * Creates the next trial, numbered after the existing ones, atomically: `choose` sees every
   * existing trial and answers the new one's parameters, or null for no trial (undefined then);
   * no two calls ever get one number, and no call sees a trial another one is still creating.
   */
  createTrial(studyId: string, choose: (existing: readonly StoredTrial[]) => Params | null): Promise<StoredTrial | undefined>;
  /** Stores a running trial's intermediate values (one per step so far) and rung records. */
  recordSteps(studyId: string, number: number, intermediate: readonly number[], rungs: readonly number[]): Promise<void>;
  /** Moves a running trial to its final state, once; false when it was not running. */
  finishTrial(studyId: string, number: number, outcome: TrialOutcome): Promise<boolean>;
  /** The study's state and current run; undefined for an unknown study. */
  status(studyId: string): Promise<StudyStatus | undefined>;
  /**
   * The compact view of the other trials a pruner reads when trial `number` reports `step` (a
   * store may fetch the complete trials' facts and their values at `step` together).
   */
  pruneSummary(study: Pick<StudyDefinition, "id" | "direction">, number: number, step: number): PruneSummary;
}
