import { keepGoing, type PruneDecision, type Pruner, type PruneTrial } from "./pruner";

/** Never prunes (Optuna's `NopPruner`); the request's `pruner: "none"`. */
export class NopPruner implements Pruner {
  async decide(trial: PruneTrial): Promise<PruneDecision> {
    return keepGoing(trial);
  }
}
