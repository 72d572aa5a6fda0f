import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { feedbackOutcomes, loggedPredictions, recordFeedback, type Feedback } from "@mlw/db";
import type { AppContext } from "../http/context";
import { defineRoute, type Route } from "../http/route";
import { durationSchema, errorEnvelope, MAX_PREDICT_ROWS } from "../http/schemas";
import { versionPerformance } from "../serving/performance";
import { nameNotFound, nameParams, notFound } from "./registry";

const feedbackBody = z
  .array(
    z.strictObject({
      prediction_id: z.string().min(1, "prediction_id must not be empty").max(100, "prediction_id must be at most 100 characters").meta({ description: "An id from a predict answer's `prediction_ids`." }),
      actual: z.union([z.string(), z.number(), z.boolean()]).meta({ description: "The true outcome: the class label, or the number a regressor should have predicted." }),
    }),
  )
  .min(1, "give at least one feedback")
  .max(MAX_PREDICT_ROWS, `at most ${MAX_PREDICT_ROWS} feedbacks per request`);

const feedbackAnswer = z
  .object({
    recorded: z.number().int().meta({ description: "Predictions whose true outcome was recorded." }),
    unknown_ids: z.array(z.string()).meta({ description: "Ids not in the prediction log: never issued, not sampled, or past PREDICTION_RETENTION_DAYS." }),
  })
  .meta({ id: "FeedbackRecorded" });

const performanceAnswer = z
  .object({
    name: z.string(),
    from: z.string().meta({ description: "The window's start: feedback that arrived from then on counts." }),
    to: z.string(),
    versions: z.array(
      z.object({
        version: z.number().int(),
        model_id: z.string(),
        task: z.enum(["classification", "regression"]),
        n_predictions: z.number().int().meta({ description: "Predictions of this version logged in the window." }),
        n_requests: z.number().int().meta({ description: "The requests those predictions came in." }),
        latency_p50_ms: z.number().nullable().meta({ description: "Median latency of those requests in the handler, in milliseconds." }),
        latency_p99_ms: z.number().nullable().meta({ description: "Their 99th-percentile latency, in milliseconds." }),
        n_feedback: z.number().int().meta({ description: "Predictions of this version whose feedback arrived in the window." }),
        n_scored: z.number().int().meta({ description: "Of those, the ones scored (a regressor's feedback that is not a number is not)." }),
        metrics: z
          .record(z.string(), z.number())
          .nullable()
          .meta({ description: "`accuracy` and `f1_macro` (F1 averaged over the labels seen, unweighted) for a classifier; `rmse` and `mae` for a regressor; null with nothing scored." }),
      }),
    ),
  })
  .meta({ id: "LivePerformance" });

/** Feedback on logged predictions, and the live performance it gives each registered model's versions. */
export function feedbackRoutes(ctx: AppContext): Route[] {
  const db = ctx.database.db;

  /**
   * Records `feedback`; answers the ids not found. This process's buffer is written first; an id
   * still missing is tried once more after the log's write interval, since another API process
   * may still hold its row.
   */
  const record = async (feedback: Feedback[]): Promise<{ recorded: number; unknown: string[] }> => {
    const log = ctx.serving.predictions;
    await log.flush();
    const found = await recordFeedback(db, feedback);
    let missing = feedback.filter((f) => !found.has(f.predictionId));
    if (missing.length) {
      await sleep(log.flushMs + 500);
      const late = await recordFeedback(db, missing);
      missing = missing.filter((f) => !late.has(f.predictionId));
      for (const id of late) found.add(id);
    }
    return { recorded: found.size, unknown: [...new Set(missing.map((f) => f.predictionId))] };
  };

  return [
    defineRoute({
      method: "post",
      path: "/predictions/feedback",
      tag: "monitoring",
      summary: "Record the true outcomes of logged predictions",
      description:
        "A list of `{prediction_id, actual}`, the ids from predict answers. Feedback for a prediction that has some replaces it (the later of two in one request wins). A prediction served a moment ago is found even before its row is written. Ids not in the log are listed back in `unknown_ids`; they make the answer wait about a second and a half, in case another API process still holds their rows.",
      access: "predict",
      body: feedbackBody,
      responses: { 200: { description: "How many were recorded, and the ids not found.", schema: feedbackAnswer }, 400: { description: "A malformed list.", schema: errorEnvelope } },
      async handler({ body, req, res }) {
        const { recorded, unknown } = await record(body.map((f) => ({ predictionId: f.prediction_id, actual: f.actual })));
        req.log.info({ recorded, unknown: unknown.length }, "feedback recorded");
        res.json({ recorded, unknown_ids: unknown });
      },
    }),
    defineRoute({
      method: "get",
      path: "/registered-models/{name}/performance",
      tag: "monitoring",
      summary: "A registered model's live performance, per version, from feedback",
      description:
        "Over the predictions served through this name whose feedback arrived within `window` (default 24h): per version, accuracy and macro F1 for a classifier, RMSE and MAE for a regressor, with the counts they stand on.",
      access: "read-models",
      params: nameParams,
      query: z.object({ window: durationSchema.default(24 * 3_600_000) }),
      responses: { 200: { description: "Per version, the metrics and counts.", schema: performanceAnswer }, 400: { description: "A window that is not a duration (`15m`, `24h`, `7d`).", schema: errorEnvelope }, 404: notFound("registered model") },
      async handler({ params, query, res }) {
        if (!(await ctx.serving.registry.name(params.name))) throw nameNotFound(params.name);
        const to = new Date();
        const from = new Date(to.getTime() - query.window);
        const [outcomes, logged] = await Promise.all([feedbackOutcomes(db, params.name, from), loggedPredictions(db, params.name, from)]);
        res.json({ name: params.name, from: from.toISOString(), to: to.toISOString(), versions: versionPerformance(outcomes, logged) });
      },
    }),
  ];
}
