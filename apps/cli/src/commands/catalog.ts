import type { Command } from "commander";
import { seg } from "../client";
import { fields, table } from "../output";
import { intOption } from "../params";
import type { Runner } from "./training";

/** `mlw jobs show|cancel`, `mlw models ls|show|rm`, `mlw registry ls|versions|promote`, `mlw keys create`. */
export function catalogCommands(program: Command, run: Runner): void {
  const jobs = program.command("jobs").description("Jobs (train, optimize, trial, evaluate)");
  jobs
    .command("show")
    .argument("<id>", "job id")
    .description("A job's state, progress, result or error")
    .action(
      run(async (client, id: string) => {
        const job = await client.call("GET", `/jobs/${seg(id)}`);
        return { data: job, text: fields({ job: job.job_id, type: job.type, state: job.state, progress: job.progress, result: job.result, error: job.error, attempts: job.attempts, created: job.created_at, finished: job.finished_at }) };
      }),
    );

  jobs
    .command("cancel")
    .argument("<id>", "job id")
    .description("Stop a waiting or running job (it fails with CANCELLED; an optimize job's study is cancelled)")
    .action(
      run(async (client, id: string) => {
        const job = await client.call("POST", `/jobs/${seg(id)}/cancel`);
        return { data: job, text: fields({ job: job.job_id, type: job.type, state: job.state, error: job.error }) };
      }),
    );

  const models = program.command("models").description("The model catalogue");
  models
    .command("ls")
    .description("Models, newest first")
    .option("--algorithm <name>")
    .option("--task <task>", "classification or regression")
    .option("--dataset <path>")
    .option("--limit <n>", "at most this many (1-200)", intOption(1), 50)
    .action(
      run(async (client, o) => {
        const query = new URLSearchParams(Object.entries({ algorithm: o.algorithm, task: o.task, dataset: o.dataset, limit: String(o.limit) }).filter((e): e is [string, string] => e[1] !== undefined));
        const page = await client.call("GET", `/models?${query}`);
        const text = table(page.models as any[], { model: (m) => m.model_id, algorithm: (m) => m.algorithm, task: (m) => m.task, dataset: (m) => m.dataset_path, metrics: (m) => m.metrics, created: (m) => m.created_at });
        return { data: page, text };
      }),
    );
  models
    .command("show")
    .argument("<id>", "model id")
    .description("One model's metadata")
    .action(run(async (client, id: string) => {
      const m = await client.call("GET", `/models/${seg(id)}`);
      return { data: m, text: fields({ model: m.model_id, algorithm: m.algorithm, task: m.task, dataset: m.dataset_path, target: m.target_column, metrics: m.metrics, hyperparams: m.hyperparams, study: m.study_id, created: m.created_at }) };
    }));
  models
    .command("rm")
    .argument("<id>", "model id")
    .description("Delete a model (admin)")
    .action(run(async (client, id: string) => {
      const answer = await client.call("DELETE", `/models/${seg(id)}`);
      return { data: answer, text: `deleted ${answer.model_id}` };
    }));

  const registry = program.command("registry").description("The model registry");
  registry
    .command("ls")
    .description("Registered models")
    .action(run(async (client) => {
      const page = await client.call("GET", "/registered-models?limit=200");
      const text = table(page.registered_models as any[], { name: (r) => r.name, task: (r) => r.task, latest: (r) => r.latest_version, aliases: (r) => r.aliases, updated: (r) => r.updated_at });
      return { data: page, text };
    }));
  registry
    .command("versions")
    .argument("<name>", "registered model name")
    .description("A registered model's versions, newest first")
    .action(run(async (client, name: string) => {
      const page = await client.call("GET", `/registered-models/${seg(name)}/versions?limit=200`);
      const text = table(page.versions as any[], { version: (v) => v.version, model: (v) => v.model_id, algorithm: (v) => v.algorithm, aliases: (v) => v.aliases.join(","), metrics: (v) => v.lineage?.metrics });
      return { data: page, text };
    }));
  registry
    .command("promote")
    .argument("<name>", "registered model name")
    .argument("<version>", "version number", intOption(1))
    .option("--alias <alias>", "the alias to point at VERSION", "champion")
    .description("Point an alias (default champion) at a version")
    .action(run(async (client, name: string, version: number, o) => {
      const answer = await client.call("PUT", `/registered-models/${seg(name)}/aliases/${seg(o.alias)}`, { version });
      return { data: answer, text: `${name}@${o.alias} -> version ${version}` };
    }));

  const keys = program.command("keys").description("API keys (admin)");
  keys
    .command("create")
    .requiredOption("--role <role>", "admin, trainer, predictor or reader")
    .option("--name <name>", "who or what uses the key", "mlw-cli")
    .description("Create an API key; it is printed once")
    .action(run(async (client, o) => {
      const key = await client.call("POST", "/admin/keys", { name: o.name, role: o.role });
      return { data: key, text: `${key.key}\n(id ${key.id}, role ${key.role}: keep the key, it is not shown again)` };
    }));
}
