import { Cluster, Redis, type RedisOptions } from "ioredis";
import { Pool } from "pg";
import type { BaseEnv } from "./env";

/** A connection to one Redis server or to a Redis Cluster; BullMQ and our callers take either. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: REDIS_URL, or REDIS_CLUSTER_NODES when set (the URL then gives the nodes' user, password and TLS). */
export type RedisTarget = Pick<BaseEnv, "REDIS_URL" | "REDIS_CLUSTER_NODES">;

/**
 * Workers need `maxRetriesPerRequest: null` (blocking commands wait through reconnects);
 * producers fail fast instead so that an HTTP request never hangs.
 */
const ROLE_OPTIONS: Record<"worker" | "producer", RedisOptions> = {
  worker: { maxRetriesPerRequest: null, enableReadyCheck: false },
  producer: { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 5000 },
};

/**
 * A Redis connection for BullMQ and the service's own keys: an ioredis Cluster when
 * REDIS_CLUSTER_NODES is set, else one server at REDIS_URL. `duplicate()` (a subscriber, a
 * blocking connection) answers the same kind.
 */
export function createRedis(target: RedisTarget, role: "worker" | "producer"): RedisClient {
  const redis = connectTo(target, ROLE_OPTIONS[role]);
  // Connection errors are reported by /health and the start-up check, not as unhandled events.
  redis.on("error", () => undefined);
  return redis;
}

/** A client for `target` with per-node `options`; a cluster's nodes take REDIS_URL's credentials and TLS. */
function connectTo(target: RedisTarget, options: RedisOptions, { lazyConnect = false, clusterRetryStrategy }: { lazyConnect?: boolean; clusterRetryStrategy?: () => null } = {}): RedisClient {
  const nodes = target.REDIS_CLUSTER_NODES;
  if (!nodes) return new Redis(target.REDIS_URL, { ...options, lazyConnect });
  const { enableOfflineQueue } = options;
  return new Cluster(
    nodes.map((n) => ({ ...n })),
    { redisOptions: { ...credentialsOf(target.REDIS_URL), ...options }, lazyConnect, ...(clusterRetryStrategy ? { clusterRetryStrategy } : {}), ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }) },
  );
}

/** The user, password and TLS of a Redis URL, for each node of a cluster. */
function credentialsOf(url: string): RedisOptions {
  const { username, password, protocol } = new URL(url);
  return {
    ...(username ? { username: decodeURIComponent(username) } : {}),
    ...(password ? { password: decodeURIComponent(password) } : {}),
    ...(protocol === "rediss:" ? { tls: {} } : {}),
  };
}

/** Thrown at start-up when Redis or Postgres cannot be reached; the message says how to start it. */
export class ServiceUnavailableError extends Error {}

const HOW_TO_START = {
  redis: 'start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no (or `docker compose up -d redis`)',
  cluster: "check that the nodes run (redis-server --cluster-enabled yes) and that `redis-cli -c -h HOST -p PORT cluster info` reports cluster_state:ok",
  postgres: "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or `docker compose up -d postgres`)",
};

/** Checks that Redis and Postgres answer, within `timeoutMs`; throws one clear message otherwise. */
export async function checkServices(target: RedisTarget, databaseUrl: string, timeoutMs = 5000): Promise<void> {
  const problems: string[] = [];
  const redis = connectTo(target, { maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null }, { lazyConnect: true, clusterRetryStrategy: () => null });
  redis.on("error", () => undefined);
  try {
    await withTimeout(redis.connect().then(() => redis.ping()), timeoutMs);
  } catch (e) {
    const nodes = target.REDIS_CLUSTER_NODES?.map((n) => `${n.host}:${n.port}`).join(",");
    const where = nodes ? `the Redis Cluster nodes ${nodes}` : redact(target.REDIS_URL);
    problems.push(`Redis is not reachable at ${where} (${(e as Error).message}); ${nodes ? HOW_TO_START.cluster : HOW_TO_START.redis}`);
  } finally {
    redis.disconnect();
  }
  const pool = new Pool({ connectionString: databaseUrl, connectionTimeoutMillis: timeoutMs, max: 1 });
  pool.on("error", () => undefined);
  try {
    await pool.query("SELECT 1");
  } catch (e) {
    problems.push(`Postgres is not reachable at ${redact(databaseUrl)} (${(e as Error).message}); ${HOW_TO_START.postgres}`);
  } finally {
    await pool.end().catch(() => undefined);
  }
  if (problems.length) throw new ServiceUnavailableError(problems.join("\n"));
}

/** `promise`, or a rejection once `ms` have passed (a cluster that never reaches `cluster_state:ok`). */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
