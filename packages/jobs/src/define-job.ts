import { randomUUID } from "node:crypto";
import type { JobsOptions } from "bullmq";
import type { z } from "zod";
import { isId, isUuid } from "./ids";

/**
 * How the ids of one job kind are made and recognised. Every job id is `<kind>-<key>`, so
 * `GET /jobs/{id}` knows the queue from the id alone; the key is made and checked here, in one
 * place per format.
 */
export interface JobKey<A extends unknown[]> {
  /** The key of a new job. */
  make(...args: A): string;
  /** Whether `key` is one `make` could have made. */
  valid(key: string): boolean;
}

/** A uuid per job, fresh unless given (a study's final model reuses its optimize job's). */
export const uuidKey: JobKey<[uuid?: string]> = { make: (uuid = randomUUID()) => uuid, valid: isUuid };

/** One job per model (an evaluation): the model's id. */
export const modelKey: JobKey<[modelId: string]> = { make: (modelId) => modelId, valid: (k) => isId("model", k) };

/**
 * One job per trial of a study: deterministic, so a coordinator that resumes after a crash and
 * enqueues the trial again adds nothing (BullMQ keeps one job per id).
 */
export const trialKey: JobKey<[studyId: string, number: number]> = {
  make: (studyId, number) => `${studyId}-${number}`,
  valid: (k) => {
    const cut = k.lastIndexOf("-");
    return cut > 0 && isId("study", k.slice(0, cut)) && /^(0|[1-9]\d*)$/.test(k.slice(cut + 1));
  },
};

/**
 * How long one attempt of a job may run, in seconds: a number, or the worker setting that holds
 * it. Past it the worker kills the job's sandbox and the job fails with JOB_TIMEOUT, unretried.
 */
export type JobTimeout = number | "JOB_TIMEOUT_S" | "TRIAL_TIMEOUT_S";

/** Jobs one worker process runs at once: a number, or the worker setting that holds it. */
export type JobConcurrency = number | "WORKER_CONCURRENCY" | "TRIAL_CONCURRENCY" | "STUDY_CONCURRENCY";

/**
 * Where a worker runs a job kind's processor, and how many at once. The processor is the default
 * export of the worker's `processors/<kind>.ts`.
 */
export type WorkerSettings = SandboxedSettings | InProcessSettings;

/**
 * Each job runs in a sandbox (a child process of the worker), for CPU-bound fits: the worker's
 * event loop keeps renewing the job's lock, and can kill the sandbox at the job's time limit.
 */
export interface SandboxedSettings {
  readonly sandboxed: true;
  readonly concurrency: JobConcurrency;
  /** The time limit of one attempt; none when undefined. */
  readonly timeout?: JobTimeout;
}

/**
 * Each job runs in the worker's event loop, for light work. Nothing can stop such a job from
 * outside, so it has no time limit of the worker's; it must bound itself.
 */
export interface InProcessSettings {
  readonly sandboxed: false;
  readonly concurrency: JobConcurrency;
  readonly timeout?: never;
}

/** The worker setting (a duration in milliseconds) that holds how often a scheduled kind runs. */
export type JobInterval = "DRIFT_CHECK_EVERY" | "PREDICTION_RETENTION_EVERY";

/** Everything about one job kind, declared once; the API and the worker build on it. */
export interface JobKind<N extends string = string, P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType, A extends unknown[] = any[]> {
  /** The kind's name: its queue's name and the prefix of its job ids. */
  readonly name: N;
  readonly description: string;
  /** The payload: the API validates with it before enqueueing, the worker before running. */
  readonly payload: P;
  /** What a completed job answers. */
  readonly result: R;
  /** BullMQ's default options for this kind (attempts, backoff, retention). */
  readonly options: JobsOptions;
  readonly key: JobKey<A>;
  readonly worker: WorkerSettings;
  /**
   * For a kind the service runs on its own, on a schedule: the setting that holds the interval.
   * Every worker upserts the one BullMQ job scheduler of the kind (named after it), so one job
   * runs per interval however many workers there are. Its jobs get BullMQ's `repeat:` ids.
   */
  readonly every?: JobInterval;
  /** The id of a new job of this kind: `<name>-<key>`. */
  jobId(...args: A): string;
  /** Whether `id` is an id of this kind. */
  owns(id: string): boolean;
}

/** The payload type of a kind, as its processor receives it. */
export type PayloadOf<K extends JobKind> = z.output<K["payload"]>;
/** The payload a producer passes in (defaults not yet applied). */
export type PayloadInput<K extends JobKind> = z.input<K["payload"]>;
/** The result type of a kind. */
export type ResultOf<K extends JobKind> = z.output<K["result"]>;

/** Declares a job kind. */
export function defineJob<const N extends string, P extends z.ZodType, R extends z.ZodType, A extends unknown[]>(
  declaration: Omit<JobKind<N, P, R, A>, "jobId" | "owns">,
): JobKind<N, P, R, A> {
  if (!/^[a-z][a-z0-9_]*$/.test(declaration.name)) throw new Error(`A job kind's name must be lower-case letters, digits and _, but got "${declaration.name}".`);
  const prefix = `${declaration.name}-`;
  return Object.freeze({
    ...declaration,
    jobId: (...args: A) => prefix + declaration.key.make(...args),
    owns: (id: string) => id.startsWith(prefix) && declaration.key.valid(id.slice(prefix.length)),
  });
}

/** The kind among `kinds` that issued `id`, or undefined for an id we never issue. */
export function kindOfJobId<K extends JobKind>(kinds: readonly K[], id: string): K | undefined {
  return kinds.find((k) => k.owns(id));
}
