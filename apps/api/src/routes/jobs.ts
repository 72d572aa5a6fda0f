import type { Job } from "bullmq";
import { z } from "zod";
import { getStudy } from "@mlw/db";
import { optimizeJob, optimizePayload, type CancelOutcome, type JobKind } from "@mlw/jobs";
import { HttpError } from "../errors";
import type { AppContext } from "../http/context";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope, idParams, jobViewSchema } from "../http/schemas";
import { viewJob } from "../jobs-view";
import { stopStudy } from "./study-runs";

const HEARTBEAT_MS = 15_000;

/**
 * `GET /jobs/{id}`: a job's state, progress, result or error; `GET /jobs/{id}/events`: the same as
 * a stream; `POST /jobs/{id}/cancel`: stops it.
 */
export function jobRoutes(ctx: AppContext): Route[] {
  const find = async (id: string) => {
    const found = await ctx.queues.find(id);
    if (!found) throw new HttpError(404, "JOB_NOT_FOUND", `No job with id "${id}".`);
    return found;
  };
  return [
    defineRoute({
      method: "get",
      path: "/jobs/{id}",
      tag: "jobs",
      summary: "A job's state, progress, result or error",
      access: "read",
      params: idParams,
      responses: { 200: { description: "The job.", schema: jobViewSchema }, 404: { description: "Unknown job.", schema: errorEnvelope } },
      async handler({ params, res }) {
        const { kind, job } = await find(params.id);
        res.json(await viewJob(ctx.queues, kind, job));
      },
    }),
    defineRoute({
      method: "post",
      path: "/jobs/{id}/cancel",
      tag: "jobs",
      summary: "Cancel a job",
      description:
        "A job no worker has taken yet fails at once with `CANCELLED` (200). A running job is stopped by the worker running it, its fit killed, within moments (202: follow it with GET /jobs/{id} or its events, which end with `failed`, code `CANCELLED`). A cancelled job is never retried. Cancelling an optimize job cancels its study (as POST /studies/{id}/cancel). Scheduled jobs (drift, prediction_retention) cannot be cancelled.",
      access: "trainer",
      params: idParams,
      responses: {
        200: { description: "The job failed with CANCELLED.", schema: jobViewSchema },
        202: { description: "The job is being stopped.", schema: jobViewSchema.extend({ status_url: z.string() }) },
        404: { description: "Unknown job (JOB_NOT_FOUND).", schema: errorEnvelope },
        409: { description: "The job has completed or failed (JOB_FINISHED), or is a scheduled job (JOB_NOT_CANCELLABLE).", schema: errorEnvelope },
      },
      async handler({ params, principal, req, res }) {
        const { kind, job } = await find(params.id);
        if (kind.every) throw new HttpError(409, "JOB_NOT_CANCELLABLE", `A ${kind.name} job is scheduled maintenance and cannot be cancelled.`);
        const finished = async (): Promise<HttpError> => {
          const state = (await viewJob(ctx.queues, kind, job)).state;
          return new HttpError(409, "JOB_FINISHED", `Job ${params.id} has already ${state}: there is nothing to cancel.`, { state });
        };
        const state = await job.getState();
        if (state === "completed" || state === "failed") throw await finished();
        let outcome = kind === optimizeJob ? await cancelStudyOf(ctx, job) : undefined;
        outcome ??= await ctx.queues.cancel(kind, params.id, `requested by ${principal!.name}`);
        if (outcome === "finished") throw await finished();
        req.log.info({ jobId: params.id, outcome }, "job cancel");
        const view = await viewJob(ctx.queues, kind, job);
        if (outcome === "failed") res.json(view);
        else res.status(202).json({ ...view, status_url: `/jobs/${params.id}` });
      },
    }),
    defineRoute({
      method: "get",
      path: "/jobs/{id}/events",
      tag: "jobs",
      summary: "A job's events, as Server-Sent Events",
      description:
        "Events `progress` (the job's progress), then `completed` (`{job_id, result}`) or `failed` (`{job_id, error}`, the failure envelope), after which the stream ends. A job that has already ended gets its final event at once.",
      access: "read",
      params: idParams,
      responses: {
        200: { description: "An event stream.", contentType: "text/event-stream", schema: z.string() },
        404: { description: "Unknown job.", schema: errorEnvelope },
      },
      async handler({ params, req, res }) {
        const { kind, job } = await find(params.id);
        await streamJobEvents(ctx, kind, job.id!, req, res);
      },
    }),
  ];
}

/**
 * Cancels the study an optimize job coordinates (its trials and the job with it); answers what
 * became of the job, or undefined when the study was not running (the job is then cancelled alone).
 */
async function cancelStudyOf(ctx: AppContext, job: Job): Promise<CancelOutcome | undefined> {
  const payload = optimizePayload.safeParse(job.data);
  const study = payload.success ? await getStudy(ctx.database.db, payload.data.study_id) : undefined;
  // An earlier job of a study continued since (POST /studies/{id}/trials) is cancelled alone.
  if (!study || study.jobId !== job.id) return undefined;
  const stopped = await stopStudy(ctx, study.id);
  return stopped?.cancelled ? stopped.job : undefined;
}

/** Follows one job through its kind's QueueEvents until it completes or fails for good. */
async function streamJobEvents(ctx: AppContext, kind: JobKind, jobId: string, req: import("express").Request, res: import("express").Response): Promise<void> {
  const events = await ctx.queues.queueEvents(kind);
  events.setMaxListeners(0);
  res.status(200).set({ "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive", "X-Accel-Buffering": "no" });
  res.flushHeaders();
  let ended = false;
  const send = (event: string, data: unknown): void => {
    if (!ended) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
  const stop = (): void => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    events.off("progress", onProgress);
    events.off("completed", onDone);
    events.off("failed", onDone);
    res.end();
  };
  /** Sends the final event if the job has ended (a failed attempt that will be retried has not). */
  const finishIfDone = async (): Promise<void> => {
    const found = await ctx.queues.find(jobId);
    if (!found) return;
    const outcome = await ctx.queues.outcome(kind, found.job); // reads the state before the result
    if (outcome.state === "completed") send("completed", { job_id: jobId, result: outcome.result });
    else if (outcome.state === "failed") send("failed", { job_id: jobId, error: outcome.error });
    else return;
    stop();
  };
  const onProgress = ({ jobId: id, data }: { jobId: string; data: unknown }): void => {
    if (id === jobId) send("progress", { job_id: jobId, progress: data });
  };
  const onDone = ({ jobId: id }: { jobId: string }): void => {
    if (id === jobId) void finishIfDone().catch(() => stop());
  };
  events.on("progress", onProgress);
  events.on("completed", onDone);
  events.on("failed", onDone);
  req.on("close", stop);
  // Subscribed first, then looked: an end between the two is not missed.
  await finishIfDone();
}
