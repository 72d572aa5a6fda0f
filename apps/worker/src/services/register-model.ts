import { isRefusal, registerModelVersion, setAlias, type Db } from "@mlw/db";
import { MlError } from "@mlw/ml-core";

/** Where `registerFinalModel` files a study's final model. */
export interface RegisterRequest {
  /** The registered model (created if missing). */
  readonly name: string;
  /** An alias to point at the new version. */
  readonly alias?: string;
  /** The name of the API key that asked for the study. */
  readonly by: string;
}

/**
 * Files a study's final model as the next version of a registered model, creating the name if
 * missing, and points the alias at it. Safe to run again for the same model (a retried job): the
 * version it already became is answered and the alias is left where it is.
 * @throws MlError TASK_MISMATCH (409) when the name's versions are of another task.
 */
export async function registerFinalModel(db: Db, modelId: string, request: RegisterRequest): Promise<{ name: string; version: number; alias?: string }> {
  const version = await registerModelVersion(db, { name: request.name, modelId, registeredBy: request.by, createName: true, reuseExisting: true });
  if (isRefusal(version)) {
    if (version.refused === "TASK_MISMATCH") {
      throw new MlError("TASK_MISMATCH", `Registered model "${request.name}" holds ${version.task} models, but model ${modelId} is a ${version.modelTask} model.`, 409, { name: request.name, model_id: modelId });
    }
    // Another key deleted the name (or the model) between the two statements: let the job retry.
    throw new Error(`could not register model ${modelId} as "${request.name}": ${version.refused}`);
  }
  if (request.alias) {
    const moved = await setAlias(db, { name: request.name, alias: request.alias, version: version.version, by: request.by });
    if (isRefusal(moved)) throw new Error(`could not point alias "${request.alias}" of "${request.name}" at version ${version.version}: ${moved.refused}`);
  }
  return { name: request.name, version: version.version, ...(request.alias ? { alias: request.alias } : {}) };
}
