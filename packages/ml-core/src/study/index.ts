/**
 * The study engine (after Optuna's `samplers/` and `pruners/`): samplers (TPE, random, grid, Sobol'
 * QMC) and pruners (none, median, percentile, successive halving, Hyperband) behind interfaces, the
 * `StudyStore` it reads and writes through, and `StudyEngine`, the coordinator's logic. Pure: no
 * Redis, no Postgres.
 */
export * from "./types";
export * from "./samplers";
export * from "./pruners";
export * from "./store";
export { StudyEngine, RECORD_EVERY_MS, bestTrial, nextAction, type Tick } from "./coordinator";
export { checkInitialTrials } from "./initial-trials";
export { SAMPLER_DOCS, PRUNER_DOCS, type ChoiceDoc } from "./choices";
