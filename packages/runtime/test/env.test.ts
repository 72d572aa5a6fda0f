import { baseEnvSchema, clusterPrefix, ConfigError, parseEnv, redactedConfig } from "../src/env";

describe("parseEnv", () => {
  it("applies the original design's defaults", () => {
    const env = parseEnv(baseEnvSchema, {});
    expect(env).toMatchObject({ LOG_LEVEL: "info", MAX_TRIALS: 100, REDIS_URL: "redis://127.0.0.1:6379", ARTIFACT_STORE: "postgres" });
    expect(Object.isFrozen(env)).toBe(true);
  });

  it("accepts upper-case log levels, as the original .env wrote them", () => {
    expect(parseEnv(baseEnvSchema, { LOG_LEVEL: "INFO" }).LOG_LEVEL).toBe("info");
  });

  it("names every bad variable", () => {
    let error: unknown;
    try {
      parseEnv(baseEnvSchema, { MAX_TRIALS: "many", REDIS_URL: "http://x", LOG_LEVEL: "loud" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/MAX_TRIALS/);
    expect(message).toMatch(/REDIS_URL/);
    expect(message).toMatch(/LOG_LEVEL/);
  });

  it("keeps passwords out of the logged config", () => {
    expect(redactedConfig({ DATABASE_URL: "postgres://u:secret@h/db", PORT: 1 })).toEqual({ DATABASE_URL: "postgres://u:***@h/db", PORT: 1 });
    expect(redactedConfig({ MLW_ADMIN_KEY: "k".repeat(40), METRICS_TOKEN: "t", MAX_ACTIVE_JOBS_PER_KEY: 3 })).toEqual({ MLW_ADMIN_KEY: "***", METRICS_TOKEN: "***", MAX_ACTIVE_JOBS_PER_KEY: 3 });
  });
});

describe("REDIS_CLUSTER_NODES", () => {
  it("parses host:port nodes and hash-tags QUEUE_PREFIX", () => {
    const env = parseEnv(baseEnvSchema, { REDIS_CLUSTER_NODES: "10.0.0.1:7000, redis-b:7001", QUEUE_PREFIX: "mlw" });
    expect(env.REDIS_CLUSTER_NODES).toEqual([{ host: "10.0.0.1", port: 7000 }, { host: "redis-b", port: 7001 }]);
    expect(env.QUEUE_PREFIX).toBe("{mlw}");
  });

  it("leaves QUEUE_PREFIX alone without a cluster, or when it already holds a hash tag", () => {
    expect(parseEnv(baseEnvSchema, { QUEUE_PREFIX: "mlw" }).QUEUE_PREFIX).toBe("mlw");
    expect(clusterPrefix("{prod}:mlw")).toBe("{prod}:mlw");
    expect(clusterPrefix("a{}b{c}")).toBe("{a{}b{c}}");
    expect(clusterPrefix("a{b")).toBe("{a{b}");
  });

  it("names a node that is not host:port", () => {
    for (const bad of ["10.0.0.1", "h:0", "h:70000", ":7000", ","]) {
      expect(() => parseEnv(baseEnvSchema, { REDIS_CLUSTER_NODES: bad })).toThrow(/REDIS_CLUSTER_NODES/);
    }
  });
});
