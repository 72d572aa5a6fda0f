import type { Job } from "bullmq";
import type { Request } from "express";
import { queueOfJobId } from "@mlw/jobs";
import type { Principal } from "./auth";
import type { AppContext } from "./context";
import { Idempotency, type IdempotentRecord } from "./limits";

/**
 * Starts work a key asked for, once: with an `Idempotency-Key`, a replay of the same request
 * answers the ids the first one created instead of starting the work again; the new job counts
 * against the key's active-job quota. `create` makes the rows and enqueues the job under `ids`,
 * and must be idempotent by those ids: a replay whose first request has not marked its job
 * enqueued (still running, or its API died before enqueueing) calls it again with the first
 * request's ids, so a retry after such a crash gets the job created. Answers the ids and the job:
 * the one `create` enqueued, or for a replay of an enqueued request the earlier one (undefined
 * once BullMQ has removed it).
 */
export async function startOnce<I extends IdempotentRecord>(
  ctx: AppContext,
  req: Request,
  principal: Principal,
  scope: string,
  body: unknown,
  fresh: I,
  create: (ids: I) => Promise<Job>,
): Promise<{ ids: I; job: Job | undefined }> {
  const key = Idempotency.keyOf(req);
  const claimScope = `${principal.keyId}:${scope}`;
  let ids = fresh;
  if (key) {
    const earlier = await ctx.idempotency.claim(claimScope, key, body, fresh);
    if (earlier?.enqueued) return { ids: earlier.ids as I, job: (await ctx.queues.find(earlier.ids.job_id))?.job };
    if (earlier) ids = earlier.ids as I;
  }
  // On a 429 or a failure below the claim stays pending: a retry with the key creates these ids.
  await ctx.quota.reserve(principal.keyId, ids.job_id, queueOfJobId);
  let job: Job;
  try {
    job = await create(ids);
  } catch (e) {
    await ctx.quota.release(principal.keyId, ids.job_id).catch(() => undefined);
    throw e;
  }
  if (key) await ctx.idempotency.enqueued(claimScope, key, body, ids);
  return { ids, job };
}
