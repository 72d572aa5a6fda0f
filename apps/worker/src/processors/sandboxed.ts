import { failedJobError, failureOf, type JobKind, type PayloadOf, type ResultOf } from "@mlw/jobs";
import { getContext, type Context } from "../context";
import type { SandboxJob, SandboxProcessor } from "../sandbox/sandbox-job";

/**
 * Turns a job kind's work into the processor a sandbox loads (the default export of
 * `processors/<kind>.ts`): it validates the payload with the kind's schema, logs `<kind>
 * started` / `finished` / `failed` with the job's fields, and turns any error into the failure
 * envelope the job records (a user's mistake is not retried). A sandbox warms it when it starts:
 * the database pool, the artifact store and the TensorFlow backend.
 * @param fields what identifies the job in every log line (`{ studyId, trial }`).
 */
export function sandboxed<K extends JobKind>(
  kind: K,
  run: (payload: PayloadOf<K>, job: SandboxJob, ctx: Context) => Promise<ResultOf<K>>,
  fields: (payload: PayloadOf<K>) => Record<string, unknown> = () => ({}),
): SandboxProcessor<ResultOf<K>> {
  const processor = async (job: SandboxJob): Promise<ResultOf<K>> => {
    const base = await getContext();
    let log = base.log.child({ jobId: job.id, queue: kind.name });
    const started = Date.now();
    try {
      const payload = kind.payload.parse(job.data) as PayloadOf<K>;
      log = log.child(fields(payload));
      log.info({ attempt: job.attemptsMade + 1 }, `${kind.name} started`);
      const result = await run(payload, job, { ...base, log });
      log.info({ ms: Date.now() - started, result }, `${kind.name} finished`);
      return result;
    } catch (e) {
      const { code, status, message } = failureOf(e);
      log.warn({ code, status, err: message, ms: Date.now() - started }, `${kind.name} failed`);
      throw failedJobError(e);
    }
  };
  return Object.assign(processor, { warm: async () => void (await getContext()) });
}
