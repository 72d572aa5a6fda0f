import { Redis, type RedisOptions } from "ioredis";
import { Pool } from "pg";

/**
 * A Redis connection for BullMQ. Workers need `maxRetriesPerRequest: null` (blocking commands
 * wait through reconnects); producers fail fast instead so that an HTTP request never hangs.
 */
export function createRedis(url: string, role: "worker" | "producer"): Redis {
  const options: RedisOptions =
    role === "worker" ? { maxRetriesPerRequest: null, enableReadyCheck: false } : { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 5000 };
  const redis = new Redis(url, { lazyConnect: false, ...options });
  // Connection errors are reported by /health and the start-up check, not as unhandled events.
  redis.on("error", () => undefined);
  return redis;
}

/** Thrown at start-up when Redis or Postgres cannot be reached; the message says how to start it. */
export class ServiceUnavailableError extends Error {}

const HOW_TO_START = {
  redis: 'start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no (or `docker compose up -d redis`)',
  postgres: "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or `docker compose up -d postgres`)",
};

/** Checks that Redis and Postgres answer, within `timeoutMs`; throws one clear message otherwise. */
export async function checkServices(redisUrl: string, databaseUrl: string, timeoutMs = 5000): Promise<void> {
  const problems: string[] = [];
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    problems.push(`Redis is not reachable at ${redact(redisUrl)} (${(e as Error).message}); ${HOW_TO_START.redis}`);
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

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
