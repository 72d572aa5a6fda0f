import type { Job } from "bullmq";
import type { Request } from "express";
import { queueOfJobId } from "@mlw/jobs";
import type { Principal } from "./auth";
import type { AppContext } from "./context";
import { Idempotency, type IdempotentRecord } from "./limits";

/**
 * Starts work a key asked for, once: with an `Idempotency-Key`, a replay of the same request
 * answers the ids the first one created instead of starting the work again; the new job counts
 * against the key's active-job quota. `create` makes the rows and enqueues the job under `ids`.
 * Answers the ids and the job: the one `create` enqueued, or for a replay the earlier one
 * (undefined while the first request is still enqueueing it).
 */
export async function startOnce<I extends IdempotentRecord>(
  ctx: AppContext,
  req: Request,
  principal: Principal,
  scope: string,
  body: unknown,
  ids: I,
  create: (ids: I) => Promise<Job>,
): Promise<{ ids: I; job: Job | undefined }> {
  const key = Idempotency.keyOf(req);
  const claimScope = `${principal.keyId}:${scope}`;
  if (key) {
    const earlier = await ctx.idempotency.claim(claimScope, key, body, ids);
    if (earlier) return { ids: earlier as I, job: (await ctx.queues.find(earlier.job_id))?.job };
  }
  try {
    await ctx.quota.reserve(principal.keyId, ids.job_id, queueOfJobId);
  } catch (e) {
    if (key) await ctx.idempotency.forget(claimScope, key);
    throw e;
  }
  let job: Job;
  try {
    job = await create(ids);
  } catch (e) {
    await ctx.quota.release(principal.keyId, ids.job_id).catch(() => undefined);
    if (key) await ctx.idempotency.forget(claimScope, key).catch(() => undefined);
    throw e;
  }
  return { ids, job };
}
