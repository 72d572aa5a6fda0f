import type { Estimator, StateValue, Task, EstimatorState } from "../core/estimator";
import { MlError } from "../core/errors";
import type { Label } from "../core/classes";
import { Pipeline } from "../preprocess";
import { getAlgorithm } from "../registry";
import { decode, encode } from "./codec";

/**
 * A trained model as one unit: the fitted preprocessing pipeline, the fitted estimator, the class
 * labels, and how its train/test split was made (so an evaluation reproduces the training metrics).
 */
export interface ModelBundle {
  readonly algorithm: string;
  readonly task: Task;
  readonly pipeline: Pipeline;
  readonly estimator: Estimator;
  /** Classification: the user's labels in class-index order. */
  readonly labels?: readonly Label[];
  readonly target: string;
  readonly split: { readonly testSize: number; readonly randomState: number; readonly datasetSha256: string };
}

const FORMAT = "mlw-model";

/** Serialises a bundle into one compact buffer (see `codec.ts`). */
export function saveModel(bundle: ModelBundle): Buffer {
  return encode({
    format: FORMAT,
    algorithm: bundle.algorithm,
    task: bundle.task,
    target: bundle.target,
    labels: (bundle.labels ?? null) as StateValue,
    split: bundle.split,
    pipeline: bundle.pipeline.toState(),
    estimator: bundle.estimator.toState() as unknown as StateValue,
  });
}

/** Loads a bundle saved by `saveModel`; the loaded model predicts exactly what the saved one did. */
export function loadModel(bytes: Uint8Array): ModelBundle {
  const raw = decode(bytes) as Record<string, any>;
  if (raw?.format !== FORMAT) throw new MlError("INVALID_MODEL_ARTIFACT", "The stored artifact is not a model saved by this service.", 500);
  const spec = getAlgorithm(raw.algorithm);
  return {
    algorithm: raw.algorithm,
    task: raw.task,
    target: raw.target,
    labels: raw.labels ?? undefined,
    split: raw.split,
    pipeline: Pipeline.fromState(raw.pipeline),
    estimator: spec.restore(raw.estimator as EstimatorState),
  };
}
