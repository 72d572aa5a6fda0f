import { Job, Queue } from "bullmq";
import { Redis } from "ioredis";
import { ADMIN_KEY, call, REDIS_URL, useStack, type Proc } from "./support/stack";

/**
 * Postgres load of running studies (issue 16: at most 5 statements a second per study while
 * trials fit). Twenty studies run at once on two workers; the workers' `mlw_db_queries_total`
 * (their own statements, coordinators included, and their sandboxes', trials included) is read
 * before and after a window in which every study is running, and divided by the window and the
 * studies. The coordinators must still react to a finished trial at once: a study's next trial is
 * enqueued soon after the trial whose slot it takes ended. Trials take about half a second of CPU
 * each, as in the measure (a forest of 150-400 trees on churn, 3 folds in lockstep, reporting
 * every 10 trees to a median pruner, which reads the complete trials' values at that step): the
 * trials' own statements grow with how many finish a second. (60-200 trees took that long before
 * the forests got twice as fast; at 60-200 trees the figure is 5.4 statements a second, 17 a trial.)
 */
const STUDIES = 20;
const WINDOW_MS = 15_000;
const workerEnv = { TRIAL_CONCURRENCY: "3", STUDY_CONCURRENCY: String(STUDIES), SHUTDOWN_TIMEOUT_MS: "1000" };
const stack = useStack({ workers: 2, workerEnv: (i) => ({ ...workerEnv, WORKER_ID: `w${i + 1}` }) });

const study = (i: number) => ({
  dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier", cv_folds: 3, random_state: i,
  n_trials: 40, n_parallel: 2, pruner: { name: "median", n_startup_trials: 1 },
  search_space: { n_estimators: { type: "int", low: 150, high: 400 }, max_depth: { type: "int", low: 4, high: 10 } },
});

/** The workers' samples of counter `name` whose labels include `label`, summed. */
async function scrape(workers: readonly Proc[], name: string, label = ""): Promise<number> {
  let total = 0;
  for (const w of workers) {
    const port = w.logs.find((l) => l.msg === "worker metrics listening")!.port;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    for (const m of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, "gm"))) if ((m[1] ?? "").includes(label)) total += Number(m[2]);
  }
  return total;
}

/** What the workers counted so far: statements (all, and the coordinators' process's), finished trials. */
async function counters(workers: readonly Proc[]) {
  const [queries, ownQueries, trials] = await Promise.all([scrape(workers, "mlw_db_queries_total"), scrape(workers, "mlw_db_queries_total", 'process="worker"'), scrape(workers, "mlw_trials_finished_total")]);
  return { queries, ownQueries, trials, at: Date.now() };
}

it(`keeps ${STUDIES} running studies at most 5 Postgres statements a second each, and starts each next trial as soon as a slot frees`, async () => {
  const started = await Promise.all(Array.from({ length: STUDIES }, (_, i) => call(stack.api.url, "POST", "/optimize", study(i))));
  expect(started.map((r) => r.status)).toEqual(Array(STUDIES).fill(202));
  const ids: string[] = started.map((r) => r.body.study_id);
  // Every coordinator is running once each study has trials in flight.
  for (let i = 0; i < 600; i++) {
    const rows = await Promise.all(ids.map((id) => call(stack.api.url, "GET", `/studies/${id}`)));
    if (rows.every((r) => r.body.trials?.length > 0)) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  // The window lasts WINDOW_MS, longer on a busy machine until a trial per study has finished.
  const before = await counters(stack.workers);
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  let after = await counters(stack.workers);
  while (after.trials - before.trials < STUDIES && after.at - before.at < 3 * WINDOW_MS) {
    await new Promise((r) => setTimeout(r, 1000));
    after = await counters(stack.workers);
  }

  const seconds = (after.at - before.at) / 1000;
  const queries = after.queries - before.queries;
  const perStudy = queries / seconds / STUDIES;
  const trials = after.trials - before.trials;
  const own = (after.ownQueries - before.ownQueries) / seconds / STUDIES;
  console.log(`${STUDIES} studies: ${perStudy.toFixed(2)} statements/s per study (${own.toFixed(2)} by the workers' own processes, coordinators included, the rest by trials) over ${seconds.toFixed(1)} s; ${trials} trials finished, ${(queries / Math.max(trials, 1)).toFixed(1)} statements per trial`);
  expect(perStudy).toBeLessThanOrEqual(5);
  // The trials were fitting (not waiting on a stuck coordinator), and no study had finished.
  expect(trials).toBeGreaterThan(0);
  const states = await Promise.all(ids.map(async (id) => (await call(stack.api.url, "GET", `/studies/${id}`)).body.state));
  expect(states).toEqual(Array(STUDIES).fill("running"));

  // A study's trial k (k >= n_parallel) took the slot of the (k - n_parallel + 1)-th trial to end:
  // its job was enqueued right after that one finished, not a poll or a safety timer later.
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue("trial", { connection: redis, prefix: stack.iso.prefix });
  const delays: number[] = [];
  for (const id of ids) {
    const jobs = (await Promise.all(Array.from({ length: 40 }, (_, n) => Job.fromId(queue, `trial-${id}-${n}`)))).filter((j): j is Job => !!j);
    const ends = jobs.map((j) => j.finishedOn).filter((t): t is number => t !== undefined).sort((a, b) => a - b);
    for (const job of jobs.slice(2)) {
      const freed = ends[Number(job.id!.slice(job.id!.lastIndexOf("-") + 1)) - 2];
      if (freed !== undefined) delays.push(job.timestamp - freed);
    }
  }
  await queue.close();
  await redis.quit();
  delays.sort((a, b) => a - b);
  const median = delays[Math.floor(delays.length / 2)]!;
  console.log(`next trial enqueued after a slot freed: median ${median} ms, max ${delays[delays.length - 1]} ms over ${delays.length} trials`);
  expect(delays.length).toBeGreaterThanOrEqual(5);
  expect(median).toBeLessThan(1000);
}, 180_000);
