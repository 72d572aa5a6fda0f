import { createParser, type EventSourceMessage } from "eventsource-parser";
import { seg, type ApiClient } from "./client";
import { CliError } from "./env";

/** A job's end: its result, or the failure it recorded. */
export type JobEnd = { state: "completed"; result: any } | { state: "failed"; error: { code: string; message: string } };

const RECONNECT_MS = 1000;

/**
 * Follows job `jobId` through `GET /jobs/{id}/events` (Server-Sent Events), calling `onProgress`
 * with each progress it reports, until it completes or fails. A stream that ends early (a proxy
 * or API restart) is opened again after the job's state is read.
 */
export async function followJob(client: ApiClient, jobId: string, onProgress: (progress: any) => void = () => {}): Promise<JobEnd> {
  for (;;) {
    const end = (await streamOnce(client, jobId, onProgress)) ?? (await endOf(client, jobId, onProgress));
    if (end) return end;
    await new Promise((r) => setTimeout(r, RECONNECT_MS));
  }
}

/** Reads one event stream of the job; answers its end, or undefined if the stream closed before it. */
async function streamOnce(client: ApiClient, jobId: string, onProgress: (progress: any) => void): Promise<JobEnd | undefined> {
  const res = await client.raw("GET", `/jobs/${seg(jobId)}/events`, undefined, { accept: "text/event-stream" });
  if (res.status >= 400 || !res.body) {
    await client.call("GET", `/jobs/${seg(jobId)}`); // throws the API's code and message
    return undefined;
  }
  let end: JobEnd | undefined;
  const parser = createParser({
    onEvent(event: EventSourceMessage) {
      const data = JSON.parse(event.data);
      if (event.event === "progress") onProgress(data.progress);
      else if (event.event === "completed") end = { state: "completed", result: data.result };
      else if (event.event === "failed") end = { state: "failed", error: data.error };
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      if (end) break;
    }
  } catch {
    /* the connection dropped: the caller reads the job's state */
  }
  return end;
}

/** The job's end read from `GET /jobs/{id}` (undefined while it runs; its progress is reported). */
async function endOf(client: ApiClient, jobId: string, onProgress: (progress: any) => void): Promise<JobEnd | undefined> {
  const job = await client.call("GET", `/jobs/${seg(jobId)}`);
  if (job.state === "completed") return { state: "completed", result: job.result };
  if (job.state === "failed") return { state: "failed", error: job.error };
  if (job.progress && typeof job.progress === "object") onProgress(job.progress);
  return undefined;
}

/** The result of a job that completed; a failed job throws its recorded code and message. */
export function resultOf(end: JobEnd): any {
  if (end.state === "failed") throw new CliError(end.error?.code ?? "JOB_FAILED", end.error?.message ?? "The job failed.");
  return end.result;
}
