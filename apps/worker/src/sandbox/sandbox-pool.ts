import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { Logger } from "@mlw/runtime";
import type { FromSandbox, ToSandbox } from "./protocol";

/** What a sandbox tells about its work after each job. */
export type SandboxStats = Omit<Extract<FromSandbox, { type: "stats" }>, "type">;

/** How a process ended, for a message. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

const alive = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null && child.connected;

/**
 * The worker's sandbox processes: children forked from `entry` (`sandbox/child.ts`) that load
 * the sandboxed processors once, then run one job at a time and are reused, warm. The pool grows
 * to as many as there are jobs at once (the sandboxed kinds' concurrencies at most) and keeps the
 * idle ones. A killed sandbox is replaced at once by a new, warm one.
 *
 * Sandboxes never outlive the worker: the pool kills them when the process exits, and each one
 * kills itself when its worker is gone (see `child.ts`).
 */
export class SandboxPool {
  private readonly entry: string;
  private readonly modules: readonly string[];
  private readonly log: Logger;
  private readonly onStats: (stats: SandboxStats) => void;
  /** Idle sandboxes, and sandboxes starting to become idle (undefined if the start failed). */
  private readonly idle: Promise<ChildProcess | undefined>[] = [];
  private readonly children = new Set<ChildProcess>();
  private closed = false;
  private readonly killOnExit = (): void => this.killAll();

  /**
   * @param modules the processor modules each sandbox loads and warms when it starts.
   * @param entry the sandbox's entry file (default: `child.js` beside this file).
   * @param onStats gets each sandbox's stats after each job (the worker's metrics count them).
   */
  constructor({ modules, log, entry = path.join(__dirname, "child.js"), onStats = () => undefined }: { modules: readonly string[]; log: Logger; entry?: string; onStats?: (stats: SandboxStats) => void }) {
    this.entry = entry;
    this.onStats = onStats;
    this.modules = [...new Set(modules)];
    this.log = log;
    process.on("exit", this.killOnExit);
  }

  /** A ready sandbox for one job: an idle one, or a new one. Give it back with `release` or `replace`. */
  async retain(): Promise<ChildProcess> {
    while (this.idle.length > 0) {
      const child = await this.idle.shift();
      if (child && alive(child)) return child;
    }
    if (this.closed) throw new Error("The worker's sandboxes are closed.");
    return this.start();
  }

  /** Takes back a sandbox whose job has ended, for the next job. */
  release(child: ChildProcess): void {
    if (this.closed || !alive(child)) this.replace(child);
    else this.idle.push(Promise.resolve(child));
  }

  /** Kills a sandbox at once (SIGKILL) if it still runs, and starts a warm one in its place. */
  replace(child: ChildProcess): void {
    if (alive(child)) child.kill("SIGKILL");
    if (this.closed) return;
    this.idle.push(
      this.start().catch((e: Error) => {
        this.log.warn({ err: e.message }, "sandbox could not start");
        return undefined;
      }),
    );
  }

  /**
   * Kills every sandbox at once (SIGKILL), synchronously: nothing is awaited, so the caller can
   * exit right after without yielding.
   */
  killAll(): void {
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }

  /**
   * Stops every sandbox: idle ones leave on their own (their channel closes); any still running
   * after `graceMs` is killed.
   */
  async close(graceMs = 5000): Promise<void> {
    this.closed = true;
    for (const child of await Promise.all(this.idle.splice(0))) if (child?.connected) child.disconnect();
    const exits = [...this.children].map((child) => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once("exit", r))));
    const timer = setTimeout(() => this.killAll(), graceMs);
    await Promise.all(exits);
    clearTimeout(timer);
    process.off("exit", this.killOnExit);
  }

  /** Forks a sandbox and waits until it has loaded and warmed the processors. */
  private start(): Promise<ChildProcess> {
    const child = fork(this.entry, [], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      execArgv: process.execArgv.filter((a) => !a.startsWith("--inspect")),
    });
    this.children.add(child);
    const started = Date.now();
    child.on("error", (e) => this.log.warn({ pid: child.pid, err: e.message }, "sandbox error"));
    child.on("message", (message: FromSandbox) => {
      if (message.type === "stats") this.onStats({ dbQueries: message.dbQueries });
    });
    child.once("exit", (code, signal) => {
      this.children.delete(child);
      this.log.info({ pid: child.pid, code, signal }, "sandbox exited");
    });
    return new Promise((resolve, reject) => {
      const done = (settle: () => void): void => {
        child.off("message", onMessage);
        child.off("exit", onExit);
        settle();
      };
      const onMessage = (message: FromSandbox): void => {
        if (message.type === "ready") {
          this.log.info({ pid: child.pid, ms: Date.now() - started }, "sandbox ready");
          done(() => resolve(child));
        } else if (message.type === "init-failed") {
          done(() => reject(new Error(`A sandbox could not start: ${message.error.message}`)));
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
        done(() => reject(new Error(`A sandbox exited while starting (${describeExit(code, signal)}).`)));
      child.on("message", onMessage);
      child.on("exit", onExit);
      child.send({ type: "init", modules: this.modules } satisfies ToSandbox);
    });
  }
}
