import { z } from "zod";
import { deleteDataset, getDataset, listDatasets, type DatasetRow } from "@mlw/db";
import { isId, newId } from "@mlw/jobs";
import { HttpError } from "../errors";
import type { AppContext } from "../http/context";
import { newestFirstPage } from "../http/cursor";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope, idParams } from "../http/schemas";
import { receiveCsv } from "../http/upload";

/** Whether `id` has the form of a dataset id (`dataset-` and 16 hex digits). */
export const isDatasetId = (id: string): boolean => isId("dataset", id);

const columnSchema = z.object({ name: z.string(), type: z.enum(["numeric", "categorical", "boolean"]), missing: z.number().int() });
const datasetSchema = z
  .object({
    dataset_id: z.string(),
    sha256: z.string(),
    bytes: z.number().int(),
    rows: z.number().int(),
    columns: z.array(columnSchema),
    filename: z.string().nullable(),
    created_by: z.string(),
    created_at: z.string(),
  })
  .meta({ id: "Dataset" });
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().min(1).optional() });
const notFound = { description: "Unknown dataset (DATASET_NOT_FOUND).", schema: errorEnvelope };

function datasetView(d: DatasetRow) {
  return { dataset_id: d.id, sha256: d.sha256, bytes: d.bytes, rows: d.rows, columns: d.columns, filename: d.filename, created_by: d.createdBy, created_at: d.createdAt.toISOString() };
}

/** The dataset `id`; 404 `DATASET_NOT_FOUND` for an unknown one or an id of the wrong form. */
export async function findDataset(ctx: Pick<AppContext, "database">, id: string): Promise<DatasetRow> {
  const row = isDatasetId(id) ? await getDataset(ctx.database.db, id) : undefined;
  if (!row) throw new HttpError(404, "DATASET_NOT_FOUND", `No dataset with id "${id}".`);
  return row;
}

/** Uploaded datasets: upload (streamed, content-addressed), list, read, delete. */
export function datasetRoutes(ctx: AppContext): Route[] {
  return [
    defineRoute({
      method: "post",
      path: "/datasets",
      tag: "datasets",
      summary: "Upload a CSV dataset",
      description:
        "Streams the CSV into the dataset store (never held whole in memory), hashing and profiling it with the workers' own CSV reader. Stored once per distinct sha256: the same bytes again answer 200 with the same `dataset_id`. Past MAX_DATASET_BYTES: 413. A body that is cut short, or is not CSV a worker could read, leaves nothing stored.",
      access: "trainer",
      rawBody: {
        description: "The CSV itself (`text/csv`), or a `multipart/form-data` body whose part `file` is the CSV.",
        content: { "text/csv": z.string(), "multipart/form-data": z.object({ file: z.string().meta({ format: "binary" }) }) },
      },
      responses: {
        200: { description: "These bytes were uploaded before: the existing dataset.", schema: datasetSchema },
        201: { description: "Stored.", schema: datasetSchema },
        400: { description: "Not UTF-8 CSV, ragged, no data rows (INVALID_CSV, with `details.reason`); a malformed multipart body; an upload cut short (UPLOAD_ABORTED).", schema: errorEnvelope },
        413: { description: "Larger than MAX_DATASET_BYTES (DATASET_TOO_LARGE).", schema: errorEnvelope },
        415: { description: "Neither `text/csv` nor `multipart/form-data`.", schema: errorEnvelope },
      },
      async handler({ principal, req, res }) {
        const id = newId("dataset");
        const upload = await ctx.datasets.begin(id);
        let received;
        try {
          received = await receiveCsv(req, res, upload, ctx.env.MAX_DATASET_BYTES);
        } catch (err) {
          await upload.abort();
          throw err;
        }
        const { sha256, bytes, profile, filename } = received;
        const stored = await upload.commit({ id, sha256, bytes, rows: profile.rows, columns: profile.columns, filename, createdBy: principal!.name });
        req.log.info({ datasetId: stored.id, created: stored.created, bytes, rows: profile.rows, key: principal!.name }, "dataset uploaded");
        res.status(stored.created ? 201 : 200).json(datasetView(await findDataset(ctx, stored.id)));
      },
    }),
    defineRoute({
      method: "get",
      path: "/datasets",
      tag: "datasets",
      summary: "Uploaded datasets, newest first",
      access: "read",
      query: listQuery,
      responses: { 200: { description: "A page of datasets.", schema: z.object({ datasets: z.array(datasetSchema), next_cursor: z.string().nullable() }) } },
      async handler({ query, res }) {
        const { page, next_cursor } = await newestFirstPage(query, "dataset", (before, limit) => listDatasets(ctx.database.db, { before, limit }));
        res.json({ datasets: page.map(datasetView), next_cursor });
      },
    }),
    defineRoute({
      method: "get",
      path: "/datasets/{id}",
      tag: "datasets",
      summary: "One uploaded dataset: size, sha256, rows and column profile",
      access: "read",
      params: idParams,
      responses: { 200: { description: "The dataset.", schema: datasetSchema }, 404: notFound },
      async handler({ params, res }) {
        res.json(datasetView(await findDataset(ctx, params.id)));
      },
    }),
    defineRoute({
      method: "delete",
      path: "/datasets/{id}",
      tag: "datasets",
      summary: "Delete an uploaded dataset and its bytes",
      description: "Refused while a model or a study refers to it.",
      access: "admin",
      params: idParams,
      responses: {
        200: { description: "Deleted.", schema: z.object({ deleted: z.literal(true), dataset_id: z.string() }) },
        404: notFound,
        409: { description: "A model or study refers to it (DATASET_IN_USE, naming up to 10 of each).", schema: errorEnvelope },
      },
      async handler({ params, res }) {
        const row = await findDataset(ctx, params.id);
        const outcome = await deleteDataset(ctx.database.db, ctx.datasets, row.id);
        if (outcome.state === "not_found") throw new HttpError(404, "DATASET_NOT_FOUND", `No dataset with id "${row.id}".`);
        if (outcome.state === "in_use") {
          const users = [...outcome.models.map((m) => `model ${m}`), ...outcome.studies.map((s) => `study ${s}`)];
          throw new HttpError(409, "DATASET_IN_USE", `Dataset ${row.id} is used by ${users.join(", ")}; delete those first.`, { models: outcome.models, studies: outcome.studies });
        }
        res.json({ deleted: true, dataset_id: row.id });
      },
    }),
  ];
}
