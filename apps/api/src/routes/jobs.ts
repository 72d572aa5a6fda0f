import { z } from "zod";
import type { JobKind } from "@mlw/jobs";
import { HttpError } from "../errors";
import type { AppContext } from "../http/context";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope, idParams, jobViewSchema } from "../http/schemas";
import { viewJob } from "../jobs-view";

const HEARTBEAT_MS = 15_000;

/** `GET /jobs/{id}`: a job's state, progress, result or error; `GET /jobs/{id}/events`: the same as a stream. */
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
