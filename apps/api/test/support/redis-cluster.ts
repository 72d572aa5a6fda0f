import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Cluster } from "ioredis";

const run = promisify(execFile);

/** A Redis Cluster of three masters on private loopback ports, started by a test. */
export interface RedisClusterHandle {
  /** REDIS_CLUSTER_NODES for the services: `127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`. */
  readonly nodes: string;
  /** A client of the cluster, once connected, for the test's own look at the keys. */
  client(): Promise<Cluster>;
  /** Kills every server and removes their folder. */
  stop(): Promise<void>;
}

/**
 * Starts three `redis-server --cluster-enabled yes` on free loopback ports (each with its cluster
 * bus port, +10000, free too), joins them with `redis-cli --cluster create`, and resolves once
 * every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(): Promise<RedisClusterHandle> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mlw-redis-cluster-"));
  const servers: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map(killAndWait));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports = await freePorts(3);
    for (const port of ports) servers.push(startServer(port, dir));
    await Promise.all(ports.map(waitForPing));
    await run("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"]);
    await Promise.all(ports.map(waitForClusterOk));
    const nodes = ports.map((p) => `127.0.0.1:${p}`).join(",");
    const client = async () => {
      const connected = new Cluster(ports.map((port) => ({ host: "127.0.0.1", port })));
      await new Promise((resolve) => connected.once("ready", resolve));
      return connected;
    };
    return { nodes, client, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function startServer(port: number, dir: string): ChildProcess {
  const args = ["--cluster-enabled", "yes", "--port", String(port), "--bind", "127.0.0.1", "--cluster-config-file", path.join(dir, `nodes-${port}.conf`), "--dir", dir, "--save", "", "--appendonly", "no", "--daemonize", "no"];
  return spawn("redis-server", args, { stdio: "ignore" });
}

function killAndWait(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** `n` loopback ports that are free, each with its cluster bus port (+10000) free as well. */
async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) {
    const port = await freePort(0);
    if (port > 55_000 || ports.includes(port)) continue;
    if ((await freePort(port + 10_000).catch(() => undefined)) !== undefined) ports.push(port);
  }
  return ports;
}

/** Binds `port` (0: any) on 127.0.0.1, closes it and answers the port bound. */
function freePort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() => resolve(bound));
    });
  });
}

async function cli(port: number, ...args: string[]): Promise<string> {
  return (await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args])).stdout;
}

async function waitUntil(what: string, ok: () => Promise<boolean>, ms = 15_000): Promise<void> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    if (await ok().catch(() => false)) return;
  }
  throw new Error(`${what} within ${ms} ms`);
}

const waitForPing = (port: number) => waitUntil(`redis-server on ${port} did not answer PING`, async () => (await cli(port, "ping")).includes("PONG"));
const waitForClusterOk = (port: number) => waitUntil(`node ${port} did not reach cluster_state:ok`, async () => (await cli(port, "cluster", "info")).includes("cluster_state:ok"));
