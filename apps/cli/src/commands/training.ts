import type { Command } from "commander";
import type { ApiClient } from "../client";
import { datasetFields } from "../dataset";
import { followJob, resultOf } from "../job-events";
import { fields, show, type Outcome } from "../output";
import { choiceOption, collectParam, intOption, jsonOption } from "../params";
import { StudyBar } from "../progress-bar";

/** Runs a command's action with the API client and prints its outcome. */
export type Runner = (action: (client: ApiClient, ...args: any[]) => Promise<Outcome>) => (...args: any[]) => Promise<void>;

const metricsText = (metrics: Record<string, number>) =>
  Object.entries(metrics)
    .map(([k, v]) => `${k}=${show(v)}`)
    .join("  ");

/** `mlw train` and `mlw optimize`. */
export function trainingCommands(program: Command, run: Runner): void {
  program
    .command("train")
    .description("Train a model on DATASET (a dataset_path on the server, or a dataset id)")
    .argument("<dataset>", "dataset_path, or a dataset id (dataset-<16 hex>)")
    .requiredOption("--target <column>", "the target column")
    .requiredOption("--algorithm <name>", "e.g. RandomForestClassifier (see GET /algorithms)")
    .option("--param <key=value>", "a hyperparameter (repeatable); values are JSON where they parse", collectParam)
    .option("--test-size <fraction>", "held-out fraction", Number)
    .option("--random-state <n>", "seed", intOption(0))
    .option("--wait", "wait for the model and print its metrics")
    .action(
      run(async (client, dataset: string, o) => {
        const body = { ...datasetFields(dataset), target_column: o.target, algorithm: o.algorithm, hyperparams: o.param ?? {}, test_size: o.testSize, random_state: o.randomState };
        const accepted = await client.call("POST", "/train", body);
        if (!o.wait) return { data: accepted, text: `job ${accepted.job_id} enqueued (mlw jobs show ${accepted.job_id})` };
        const result = resultOf(await followJob(client, accepted.job_id));
        const data = { success: true, job_id: accepted.job_id, model_id: result.model_id, algorithm: result.algorithm, metrics: result.metrics };
        return { data, text: `model ${result.model_id}  ${metricsText(result.metrics)}` };
      }),
    );

  program
    .command("optimize")
    .description("Tune ALGORITHM's hyperparameters on DATASET (a study), with a live progress bar")
    .argument("<dataset>", "dataset_path, or a dataset id (dataset-<16 hex>)")
    .requiredOption("--target <column>", "the target column")
    .requiredOption("--algorithm <name>", "e.g. RandomForestClassifier")
    .requiredOption("--trials <n>", "number of trials", intOption(1))
    .option("--metric <name>", "the metric to optimise (default: the task's)")
    .option("--cv-folds <k>", "cross-validation folds", intOption(2))
    .option("--random-state <n>", "seed", intOption(0))
    .option("--space <json>", "the search space, as JSON or @file.json (default: the algorithm's)", jsonOption)
    .option("--sampler <name>", "tpe (default), random, grid or qmc, or {\"name\": ..., settings} as JSON", choiceOption)
    .option("--pruner <name>", "none (default), median, percentile, successive_halving or hyperband, or {\"name\": ..., settings} as JSON", choiceOption)
    .option("--train-best", "train the final model with the best parameters")
    .option("--register-as <name>", "with --train-best: file the final model as a new version of this registered model")
    .option("--set-alias <alias>", "with --register-as: point this alias at the new version")
    .action(
      run(async (client, dataset: string, o) => {
        const body = {
          ...datasetFields(dataset), target_column: o.target, algorithm: o.algorithm, n_trials: o.trials, metric: o.metric, cv_folds: o.cvFolds,
          random_state: o.randomState, search_space: o.space, sampler: o.sampler, pruner: o.pruner, train_best: o.trainBest, register_as: o.registerAs, set_alias: o.setAlias,
        };
        const accepted = await client.call("POST", "/optimize", body);
        const bar = new StudyBar(o.trials, accepted.job_id);
        const end = await followJob(client, accepted.job_id, (p) => bar.update(p)).finally(() => bar.stop());
        const result = resultOf(end);
        const text = fields({ study: result.study_id, trials: result.n_trials, best_score: result.best_score, best_params: result.best_params, model: result.model_id ?? null });
        return { data: result, text };
      }),
    );
}
