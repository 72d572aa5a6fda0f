import { Job, UnrecoverableError, type Processor } from "bullmq";
import { finishTrial, getStudy, postgresStudyStore, studyDefinition, updateStudy } from "@mlw/db";
import { finalModelJobId, JobCancelledError, optimizeJob, readFailure, studyCancelled, trainJob, trialJob, type JobQueues, type OptimizePayload, type OptimizeResult, type TrainResult } from "@mlw/jobs";
import { MlError } from "@mlw/ml-core";
import { StudyEngine, bestTrial, type StoredTrial } from "@mlw/ml-core/study";
import { getContext } from "../context";
import { env } from "../env";
import { registerFinalModel } from "../services/register-model";
import type { ProcessorDeps } from "../workers";

/**
 * The coordinator of a study (runs in the worker's event loop: it only samples and waits).
 * It keeps up to `n_parallel` trial jobs in flight on the `trial` queue, which every worker
 * consumes, and sleeps until one of them ends (or STUDY_RECHECK_MS passes, so that a lost event
 * only delays it); the study engine (`@mlw/ml-core/study`) decides which trial comes next (the initial
 * trials, then the study's sampler), when the study is done and which trial is best. All state
 * is in Postgres, so if this worker dies another one resumes the job where it stopped. With `train_best` it trains the final model, and with
 * `register_as` files it as a registered model's next version (and moves `set_alias` to it).
 * Once its study is cancelled (or continued under another job) it stops, and the job fails with
 * CANCELLED, the study's best so far in the failure's details.
 */
export default function optimizeProcessor({ queues }: ProcessorDeps): Processor {
  return (job: Job, _token?: string, signal?: AbortSignal) => coordinate(job, queues, signal);
}

async function coordinate(job: Job, queues: JobQueues, signal: AbortSignal | undefined): Promise<OptimizeResult> {
  const ctx = await getContext();
  const { db } = ctx.database;
  const payload: OptimizePayload = optimizeJob.payload.parse(job.data);
  const log = ctx.log.child({ jobId: job.id, studyId: payload.study_id });
  const study = await getStudy(db, payload.study_id);
  if (!study) throw new MlError("STUDY_NOT_FOUND", `Study ${payload.study_id} does not exist.`, 404);
  log.info({ algorithm: study.algorithm, nTrials: study.nTrials, nParallel: study.nParallel }, "optimize started");

  const engine = new StudyEngine(studyDefinition(study), postgresStudyStore(db));
  // Watched from before the first look at the trials, so that no trial's end goes unseen.
  const trialEnds = await queues.watchTrials(study.id);
  let trials: readonly StoredTrial[];
  let bestSoFar = study.bestTrialNumber;
  try {
    for (;;) {
      // The study was cancelled (POST /studies/{id}/cancel, which fails its trials and keeps its
      // best) or continued under another job: one status read per pass, beside the tick, which
      // starts no trial of a cancelled study (a trial it starts for a study continued elsewhere
      // is the other run's to enqueue: its reconcile finds it). The signal comes first.
      const [stopped, tick] = await Promise.all([engine.stopped(job.id!), engine.tick()]);
      if (signal?.aborted || stopped) {
        const { reason, details } = studyCancelled((await getStudy(db, study.id)) ?? study);
        throw new JobCancelledError("optimize", reason, details);
      }
      trials = tick.trials;
      if (tick.action === "finish") break;
      // the new trial's job first: a worker is waiting for it
      if (tick.action === "started") await queues.add(trialJob, { study_id: study.id, number: tick.trial.number, algorithm: study.algorithm }, trialJob.jobId(study.id, tick.trial.number));
      const running = trials.filter((t) => t.state === "running");
      const repaired = await reconcile(running, queues, db, study.id);
      if (tick.action === "started") {
        // Another slot is free (or one was just freed): start again at once. Else the trials are
        // known until one ends: wait, without reading them again.
        if (repaired || running.length + 1 < study.nParallel) continue;
        trials = [...trials, tick.trial];
      } else if (repaired) continue; // a trial just marked failed freed its slot: look again at once
      const inFlight = trials.filter((t) => t.state === "running").length;
      const best = bestTrial(trials, study.direction);
      if (best && best.number !== bestSoFar) {
        // GET /studies shows the best so far while the study runs
        await updateStudy(db, study.id, { bestTrialNumber: best.number, bestValue: best.value ?? null, bestParams: best.params });
        bestSoFar = best.number;
      }
      await job.updateProgress({ trials_done: trials.length - inFlight, n_trials: engine.budget, running: inFlight, best_score: best?.value ?? null });
      await trialEnds.next(env().STUDY_RECHECK_MS);
    }
  } finally {
    trialEnds.close();
  }

  const best = bestTrial(trials, study.direction);
  const finished = trials.filter((t) => t.state !== "running").length;
  if (!best) {
    const reasons = [...new Set(trials.map((t) => t.error).filter(Boolean))].slice(0, 3).join("; ");
    const message = `No trial of study ${study.id} completed${reasons ? `: ${reasons}` : "."}`;
    await updateStudy(db, study.id, { state: "failed", error: message, finishedAt: new Date() });
    throw new MlError("NO_COMPLETED_TRIALS", message, 422);
  }
  await updateStudy(db, study.id, { bestTrialNumber: best.number, bestValue: best.value ?? null, bestParams: best.params });
  let modelId: string | undefined;
  let registered: OptimizeResult["registered"];
  if (study.trainBest) {
    modelId = (await trainFinalModel(queues, payload, best, job)).model_id;
    if (payload.register_as) {
      try {
        registered = await registerFinalModel(db, modelId, { name: payload.register_as, alias: payload.set_alias, by: payload.requested_by ?? "unknown" });
      } catch (e) {
        if (e instanceof MlError) await updateStudy(db, study.id, { state: "failed", modelId, error: `${e.message} The model was trained but not registered.`, finishedAt: new Date() });
        throw e;
      }
      await queues.notifyRegistryChange(payload.register_as).catch((err: unknown) => log.warn({ err }, "registry change not published; API processes see it within five seconds"));
      log.info({ modelId, ...registered }, "final model registered");
    }
  }
  await updateStudy(db, study.id, { state: "complete", modelId: modelId ?? null, finishedAt: new Date() });
  await job.updateProgress({ trials_done: finished, n_trials: engine.budget, running: 0, best_score: best.value });
  log.info({ best: best.value, trials: finished }, "optimize finished");
  return {
    success: true,
    study_id: study.id,
    best_params: best.params,
    best_score: best.value!,
    n_trials: finished,
    ...(modelId ? { model_id: modelId } : {}),
    ...(registered ? { registered } : {}),
  };
}

/**
 * Makes every running trial's job exist: a trial created just before a coordinator crash is
 * enqueued again; a trial whose job failed for good without finishing its row (its worker died
 * too often, or it ran past TRIAL_TIMEOUT_S) is marked failed, with the job's failure code.
 * Answers whether it marked a trial failed.
 */
async function reconcile(running: readonly StoredTrial[], queues: JobQueues, db: Parameters<typeof finishTrial>[0], studyId: string): Promise<boolean> {
  let repaired = false;
  for (const t of running) {
    const id = trialJob.jobId(studyId, t.number);
    const queue = queues.queue(trialJob);
    // The state first, then the job: a job read before it failed has no failed reason yet.
    const state = await queue.getJobState(id);
    if (state === "unknown") {
      await queues.add(trialJob, { study_id: studyId, number: t.number }, id);
    } else if (state === "failed") {
      const { code, message } = readFailure((await Job.fromId(queue, id))?.failedReason);
      repaired = (await finishTrial(db, studyId, t.number, { state: "failed", error: `${code}: ${message}` })) || repaired;
    }
  }
  return repaired;
}

/** Trains the study's final model with the best parameters, as a train job whose id comes from the optimize job's. */
async function trainFinalModel(queues: JobQueues, payload: OptimizePayload, best: StoredTrial, parent: Job): Promise<TrainResult> {
  const jobId = finalModelJobId(parent.id!);
  const data = {
    dataset_path: payload.dataset_path,
    dataset_id: payload.dataset_id,
    target_column: payload.target_column,
    algorithm: payload.algorithm,
    test_size: payload.test_size,
    random_state: payload.random_state,
    hyperparams: best.params,
    origin: { study_id: payload.study_id, trial_number: best.number },
  };
  const train = await queues.add(trainJob, data, jobId);
  for (;;) {
    const outcome = await queues.wait(trainJob, train, 60);
    if (outcome.state === "completed") return outcome.result;
    if (outcome.state === "failed") throw new UnrecoverableError(JSON.stringify(outcome.error));
  }
}

