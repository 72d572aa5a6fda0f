import { readFileSync } from "node:fs";
import type { Command } from "commander";
import Papa from "papaparse";
import { seg, type ApiClient } from "../client";
import { CliError } from "../env";
import type { Runner } from "./training";

/** The most rows the API takes in one predict request (MAX_PREDICT_ROWS). */
const BATCH = 10_000;
const MODEL_ID = /^model-[0-9a-f]{16}$/;

/** What one predict request answers. */
interface Answer {
  predictions: unknown[];
  probabilities?: Record<string, number>[];
  model_version?: number;
}

/**
 * The predict path of `target`: a model id (`model-<16 hex>`) → `/model/{id}/predict`; otherwise a
 * registered name, optionally `@alias` or `@version` → `/registered-models/{name}/predict`.
 */
export function predictPath(target: string): string {
  if (MODEL_ID.test(target)) return `/model/${seg(target)}/predict`;
  const at = target.lastIndexOf("@");
  if (at < 0) return `/registered-models/${seg(target)}/predict`;
  const [name, ref] = [target.slice(0, at), target.slice(at + 1)];
  if (!name || !ref) throw new CliError("INVALID_ARGUMENT", `Expected NAME, NAME@ALIAS, NAME@VERSION or a model id, but got "${target}".`);
  return `/registered-models/${seg(name)}/predict?${/^\d+$/.test(ref) ? "version" : "alias"}=${seg(ref)}`;
}

/** The rows of CSV `file` (`-` for stdin) as records of raw text, as the API takes them. */
export function readRows(file: string): Record<string, string>[] {
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  const error = parsed.errors[0];
  if (error) throw new CliError("INVALID_CSV", `${file}, row ${(error.row ?? 0) + 1}: ${error.message}.`);
  if (parsed.data.length === 0) throw new CliError("INVALID_CSV", `${file} has no rows under its header.`);
  return parsed.data;
}

/** Predicts `rows` in batches the API accepts, keeping their order. */
async function predictAll(client: ApiClient, path: string, rows: Record<string, string>[]): Promise<Answer> {
  const all: Answer = { predictions: [] };
  for (let i = 0; i < rows.length; i += BATCH) {
    const answer = await client.call<Answer>("POST", path, { rows: rows.slice(i, i + BATCH) });
    all.predictions.push(...answer.predictions);
    if (answer.probabilities) all.probabilities = [...(all.probabilities ?? []), ...answer.probabilities];
    if (answer.model_version !== undefined) all.model_version = answer.model_version;
  }
  return all;
}

/** The predictions as CSV: a header, then one line per input row (`prediction`, and `proba_<label>` columns with --proba). */
export function predictionsCsv(answer: Answer, withProba: boolean): string {
  const labels = withProba && answer.probabilities?.[0] ? Object.keys(answer.probabilities[0]) : [];
  const header = ["prediction", ...labels.map((l) => `proba_${l}`)];
  const data = answer.predictions.map((p, i) => [p, ...labels.map((l) => answer.probabilities![i]![l])]);
  return Papa.unparse({ fields: header, data }, { newline: "\n" });
}

/** `mlw predict NAME[@ALIAS]|MODEL_ID ROWS.csv`. */
export function predictCommand(program: Command, run: Runner): void {
  program
    .command("predict")
    .description("Predict the rows of a CSV file; writes CSV (a header, one line per row) to stdout")
    .argument("<target>", "NAME, NAME@ALIAS, NAME@VERSION or a model id")
    .argument("<rows>", "a CSV file with a header row (- for stdin)")
    .option("--proba", "add a proba_<label> column per class")
    .action(
      run(async (client, target: string, file: string, o) => {
        const rows = readRows(file);
        const answer = await predictAll(client, predictPath(target), rows);
        return { data: { rows: rows.length, ...answer }, text: predictionsCsv(answer, Boolean(o.proba)) };
      }),
    );
}
