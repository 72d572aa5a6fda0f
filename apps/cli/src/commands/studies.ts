import type { Command } from "commander";
import { seg } from "../client";
import { followJob, resultOf } from "../job-events";
import { fields, table } from "../output";
import { intOption } from "../params";
import { StudyBar } from "../progress-bar";
import type { Runner } from "./training";

/** What `mlw studies show` and `cancel` print of a study. */
const studyFields = (s: any) =>
  fields({ study: s.study_id, state: s.state, algorithm: s.algorithm, dataset: s.dataset_path ?? s.dataset_id, sampler: s.sampler, pruner: s.pruner, trials: `${s.trials_done}/${s.n_trials}`, best_score: s.best_score, best_params: s.best_params, job: s.job_id, error: s.error });

/** `mlw studies ls|show|cancel|continue`. */
export function studyCommands(program: Command, run: Runner): void {
  const studies = program.command("studies").description("Studies (hyperparameter searches)");
  studies
    .command("ls")
    .description("Studies, newest first")
    .option("--state <state>", "running, complete, failed or cancelled")
    .option("--algorithm <name>")
    .option("--dataset <path>")
    .option("--limit <n>", "at most this many (1-200)", intOption(1), 50)
    .action(
      run(async (client, o) => {
        const query = new URLSearchParams(Object.entries({ state: o.state, algorithm: o.algorithm, dataset: o.dataset, limit: String(o.limit) }).filter((e): e is [string, string] => e[1] !== undefined));
        const page = await client.call("GET", `/studies?${query}`);
        const text = table(page.studies as any[], { study: (s) => s.study_id, state: (s) => s.state, algorithm: (s) => s.algorithm, trials: (s) => `${s.trials_done}/${s.n_trials}`, best_score: (s) => s.best_score, created: (s) => s.created_at });
        return { data: page, text };
      }),
    );
  studies
    .command("show")
    .argument("<id>", "study id")
    .description("A study and its trials")
    .action(
      run(async (client, id: string) => {
        const s = await client.call("GET", `/studies/${seg(id)}`);
        const trials = table(s.trials as any[], { trial: (t) => t.number, state: (t) => t.state, value: (t) => t.value, params: (t) => t.params });
        return { data: s, text: `${studyFields(s)}\n${trials}` };
      }),
    );
  studies
    .command("cancel")
    .argument("<id>", "study id")
    .description("Stop a running study: no new trial, running ones stopped; it keeps its best so far")
    .action(
      run(async (client, id: string) => {
        const s = await client.call("POST", `/studies/${seg(id)}/cancel`);
        return { data: s, text: studyFields(s) };
      }),
    );
  studies
    .command("continue")
    .argument("<id>", "study id (complete or cancelled)")
    .requiredOption("--trials <n>", "trials to add", intOption(1))
    .description("Run more trials of a finished or cancelled study, with a live progress bar")
    .action(
      run(async (client, id: string, o) => {
        const accepted = await client.call("POST", `/studies/${seg(id)}/trials`, { n_trials: o.trials });
        const bar = new StudyBar(o.trials, accepted.job_id);
        const end = await followJob(client, accepted.job_id, (p) => bar.update(p)).finally(() => bar.stop());
        const result = resultOf(end);
        return { data: result, text: fields({ study: result.study_id, trials: result.n_trials, best_score: result.best_score, best_params: result.best_params, model: result.model_id ?? null }) };
      }),
    );
}
