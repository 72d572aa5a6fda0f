import type { Job, Processor } from "bullmq";
import { aliasedVersions, getModelReference, getModelVersion, insertDriftReport, loggedInputs, type Db } from "@mlw/db";
import type { DriftCheck } from "@mlw/jobs";
import { MlError } from "@mlw/ml-core";
import { driftReport, type DriftReport, type ReferenceProfile } from "@mlw/ml-core/drift";
import { formatDuration } from "@mlw/runtime";
import { getContext } from "../context";
import { env } from "../env";
import type { WorkerMetrics } from "../metrics";
import type { ProcessorDeps } from "../workers";

/**
 * The scheduled `drift` processor: for every registered model version an alias points at, the
 * drift report of its inputs logged over the last DRIFT_WINDOW, stored in `drift_reports` and set
 * as the `mlw_drift_share` / `mlw_drift_column` gauges. A version whose window holds too few rows,
 * or whose model has no reference, is recorded as skipped and its gauges removed.
 */
export default function driftProcessor({ metrics }: ProcessorDeps): Processor {
  return (job: Job) => checkAll(job, metrics);
}

async function checkAll(job: Job, metrics: WorkerMetrics | undefined): Promise<{ checks: DriftCheck[] }> {
  const ctx = await getContext();
  const { db } = ctx.database;
  const windowMs = env().DRIFT_WINDOW;
  const since = new Date(Date.now() - windowMs);
  const checks: DriftCheck[] = [];
  for (const { name, version } of await aliasedVersions(db)) {
    const { check, report } = await checkOne(db, name, version, since);
    await insertDriftReport(db, { name, version, window: formatDuration(windowMs), report: (report as unknown as Record<string, unknown>) ?? null, datasetDrifted: check.dataset_drifted, rows: check.rows });
    metrics?.setDrift(name, version, report?.columns);
    checks.push(check);
  }
  ctx.log.info({ jobId: job.id, checked: checks.length, drifted: checks.filter((c) => c.dataset_drifted).length }, "drift checked");
  return { checks };
}

async function checkOne(db: Db, name: string, version: number, since: Date): Promise<{ check: DriftCheck; report?: DriftReport }> {
  const row = await getModelVersion(db, name, version);
  const reference = row && (await getModelReference(db, row.modelId));
  if (!reference) return { check: { name, version, rows: 0, dataset_drifted: null, drifted_columns: null, skipped: "NO_DRIFT_REFERENCE" } };
  const rows = await loggedInputs(db, { name, version, since });
  try {
    const report = driftReport(reference as unknown as ReferenceProfile, rows);
    return { check: { name, version, rows: rows.length, dataset_drifted: report.dataset_drifted, drifted_columns: report.drifted_columns }, report };
  } catch (e) {
    if (!(e instanceof MlError && e.code === "TOO_FEW_ROWS")) throw e;
    return { check: { name, version, rows: rows.length, dataset_drifted: null, drifted_columns: null, skipped: "TOO_FEW_ROWS" } };
  }
}
