import type { Rng } from "../../core/rng";
import type { SearchSpace } from "../../core/search-space";
import type { Direction, Params, TrialRecord } from "../types";

/** What a sampler knows about the trial it proposes besides the history. */
export interface SampleContext {
  readonly direction: Direction;
  /** The study's seed (`random_state`): fixed for the whole study, unlike the per-trial `rng`. */
  readonly seed: number;
  /**
   * How many trials this sampler proposed before this one (the trial number minus the
   * `initial_trials`): the grid index or the Sobol' index. Trial numbers are claimed under a lock,
   * so no two trials ever get one index.
   */
  readonly index: number;
}

/**
 * Proposes the parameters of the next trial (Optuna's `BaseSampler`). Every implementation is
 * deterministic: the same space, history, rng state and context give the same parameters.
 */
export interface Sampler {
  /** How many trials it can propose for `space` (a grid's size; Infinity otherwise). Throws `InvalidSearchSpaceError` for a space it cannot sample. */
  capacity(space: SearchSpace): number;
  ask(space: SearchSpace, history: readonly TrialRecord[], rng: Rng, ctx: SampleContext): Params;
}
