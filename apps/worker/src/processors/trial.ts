import { finishTrial, getStudy, postgresStudyStore, startTrialAttempt, studyDefinition } from "@mlw/db";
import { failureOf, trialJob, type TrialResult } from "@mlw/jobs";
import { getAlgorithm, InvalidHyperparameterError, MlError } from "@mlw/ml-core";
import { getScorer } from "@mlw/ml-core/metrics";
import { RECORD_EVERY_MS, StudyEngine } from "@mlw/ml-core/study";
import { budgetLimits } from "@mlw/runtime";
import { prepareTarget } from "@mlw/ml-core/preprocess";
import { env } from "../env";
import { crossValidate } from "../services/cross-validate";
import { loadDataset } from "../services/dataset";
import { seeded } from "../services/train-model";
import { sandboxed } from "./sandboxed";

/**
 * Runs one trial of a study (sandboxed): cross-validates its parameters, reporting each step (a
 * fold's score, or for an algorithm with a budget step the folds' mean score every ten boosting
 * rounds, trees or epochs) to the study engine, which records it and asks the study's pruner whether to
 * stop (the last fold is never pruned). A trial that is not running any more (finished by an earlier attempt) is
 * skipped, so a retried job never counts twice. Parameters the estimator refuses (an invalid
 * penalty/solver pair) fail the trial without a score; a model over MAX_MODEL_PARAMS at a fold's
 * encoded width fails the trial and its job (400, not retried).
 */
export default sandboxed(
  trialJob,
  async ({ study_id, number }, job, ctx): Promise<TrialResult> => {
    const { db } = ctx.database;
    const started = Date.now();
    // both at once (one round trip's wait, on two connections): the trial waits for them between two others
    const [study, row] = await Promise.all([getStudy(db, study_id), startTrialAttempt(db, study_id, number, env().WORKER_ID)]);
    if (!study || !row) return { state: "skipped" };
    ctx.log.info({ attempt: row.attempts, params: row.params }, "trial attempt");
    try {
      const spec = getAlgorithm(study.algorithm);
      let params: unknown;
      try {
        params = spec.params.parse(seeded(spec, row.params, study.randomState));
      } catch (e) {
        if (!(e instanceof InvalidHyperparameterError)) throw e;
        await finishTrial(db, study_id, number, { state: "failed", durationMs: Date.now() - started, error: e.message });
        ctx.log.info({ reason: e.message }, "trial failed: invalid parameters");
        return { state: "failed" };
      }
      const scorer = getScorer(study.metric, spec.task);
      const { table } = await loadDataset(ctx, { dataset_path: study.datasetPath ?? undefined, dataset_id: study.datasetId ?? undefined });
      const target = prepareTarget(table, study.target, spec.task);
      const engine = new StudyEngine(studyDefinition(study), postgresStudyStore(db));
      let rungs: readonly number[] = [];
      let progressAt = -Infinity;
      const { steps, value, pruned } = await crossValidate(
        spec,
        params,
        table,
        target,
        study.target,
        // without a pruner nothing reads a step, and the folds fitted whole run faster than in lockstep stages
        { folds: study.cvFolds, randomState: study.randomState, scorer, limits: budgetLimits(env()), budgetSteps: engine.study.pruner.name !== "none", foldCacheBytes: env().FOLD_CACHE_BYTES },
        async (values, last) => {
          // as often as the engine records values: a budget step can take milliseconds, and each report is a Redis write
          if (last || Date.now() - progressAt >= RECORD_EVERY_MS) {
            progressAt = Date.now();
            await job.updateProgress({ steps_done: values.length, cv_folds: study.cvFolds });
          }
          const decision = await engine.report(number, values, rungs, last);
          rungs = decision.rungs;
          return decision.prune ? "prune" : "continue";
        },
      );
      const state = pruned ? "pruned" : "complete";
      await finishTrial(db, study_id, number, { state, value: pruned ? null : value, foldScores: steps, durationMs: Date.now() - started });
      return pruned ? { state } : { state, value };
    } catch (e) {
      // The trial's row fails now if no attempt is left, or if another attempt would fail the same way.
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (e instanceof MlError || lastAttempt) {
        await finishTrial(db, study_id, number, { state: "failed", durationMs: Date.now() - started, error: failureOf(e).message });
      }
      throw e;
    }
  },
  (payload) => ({ studyId: payload.study_id, trial: payload.number }),
);

