#!/usr/bin/env node
// One entry point for the README's two commands (`npm start`, `npm test`, or the same with pnpm):
// make sure the pinned pnpm is there, install what is missing, build, then start the service
// (API + one worker) or run the tests. Needs only Node.js, plus Redis and Postgres running.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pinned = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).packageManager.split("@")[1];
const command = process.argv[2];
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1", TURBO_NO_UPDATE_NOTIFIER: "1" };

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env, ...options });
  if (r.status !== 0) {
    console.error(`\n${[cmd, ...args].join(" ")} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status || 1);
  }
}

function findPnpm() {
  const version = (cmd, args) => spawnSync(cmd, [...args, "--version"], { encoding: "utf8", env }).stdout?.trim();
  if (version("pnpm", []) === pinned) return ["pnpm", []];
  console.log(`pnpm ${pinned} is not installed; installing it with npm...`);
  if (spawnSync("npm", ["install", "-g", `pnpm@${pinned}`], { stdio: "inherit", env }).status === 0 && version("pnpm", []) === pinned) return ["pnpm", []];
  console.log("npm install -g failed; using npx instead.");
  return ["npx", ["-y", `pnpm@${pinned}`]];
}

if (command === "test") {
  // Most tests train on the shared real datasets: without them, say so once instead of failing hundreds of tests.
  const datasets = env.MLW_DATASETS ?? path.resolve(root, "../shared/datasets");
  if (!existsSync(path.join(datasets, "iris.csv"))) {
    console.error(`The tests read the shared datasets (iris.csv, churn.csv, ...) from ${datasets}, which has none.\nPut the shared/ folder beside the repository, or set MLW_DATASETS to the folder that holds them.`);
    process.exit(1);
  }
}

const [pnpm, pnpmArgs] = findPnpm();
const p = (...args) => run(pnpm, [...pnpmArgs, ...args]);
p("install", "--frozen-lockfile");
p("exec", "turbo", "run", "build");

if (command === "test") {
  // Type errors and lint findings fail the run too; tests run one package at a time (they share the 2 cores).
  p("exec", "turbo", "run", "typecheck", "lint");
  p("exec", "turbo", "run", "test", "--concurrency=1", "--continue");
} else if (command === "start") {
  if (!env.DATA_DIR) {
    env.DATA_DIR = path.join(root, "data");
    mkdirSync(env.DATA_DIR, { recursive: true });
  }
  // A person at a terminal reads pretty logs; a pipe, a file or production gets JSON (LOG_FORMAT overrides).
  if (!env.LOG_FORMAT && process.stdout.isTTY && env.NODE_ENV !== "production") env.LOG_FORMAT = "pretty";
  console.log(`Starting the API on port ${env.PORT ?? 8002} and one worker; datasets are read from ${env.DATA_DIR}.`);
  const children = ["apps/api/dist/main.js", "apps/worker/dist/main.js"].map((file) => spawn(process.execPath, [file], { cwd: root, stdio: "inherit", env }));
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill(signal);
  };
  for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => stop(s));
  let exited = 0;
  for (const c of children) {
    c.on("exit", (code) => {
      exited++;
      if (!stopping) {
        console.error(`${c.spawnargs[1]} exited (${code}); stopping the service.`);
        stop("SIGTERM");
        process.exitCode = code || 1;
      }
      if (exited === children.length) process.exit(process.exitCode ?? 0);
    });
  }
} else {
  console.error("usage: node scripts/run.mjs start|test");
  process.exit(2);
}
