import type { ArtifactStore } from "@mlw/db";
import { ModelCache } from "../src/model-cache";

jest.mock("@mlw/ml-core/persist", () => ({
  loadModel: async (bytes: Buffer) => ({ uri: bytes.toString(), estimator: { dispose: () => undefined } }),
}));

/** An artifact store that counts the loads of each uri. */
function countingStore(): { store: ArtifactStore; loads: Record<string, number> } {
  const loads: Record<string, number> = {};
  const store = {
    kind: "postgres",
    get: async (uri: string) => {
      loads[uri] = (loads[uri] ?? 0) + 1;
      await new Promise((r) => setTimeout(r, 5));
      return Buffer.from(uri);
    },
  } as unknown as ArtifactStore;
  return { store, loads };
}

it("loads a model once, however many requests ask for it at the same time", async () => {
  const { store, loads } = countingStore();
  const cache = new ModelCache(store, 4, 1000);
  const models = await Promise.all(Array.from({ length: 20 }, () => cache.get("a", "uri-a", 10)));
  expect(new Set(models).size).toBe(1);
  expect(loads).toEqual({ "uri-a": 1 });
});

it("evicts the least recently used models by bytes, not only by count", async () => {
  const { store, loads } = countingStore();
  const cache = new ModelCache(store, 100, 250);
  await cache.get("a", "uri-a", 100);
  await cache.get("b", "uri-b", 100);
  await cache.get("a", "uri-a", 100);
  await cache.get("c", "uri-c", 100);
  expect(cache.size).toEqual({ models: 2, bytes: 200 });
  await cache.get("a", "uri-a", 100);
  expect(loads["uri-a"]).toBe(1);
  await cache.get("b", "uri-b", 100);
  expect(loads["uri-b"]).toBe(2);
});

it("keeps the newest model even when it alone is over the budget", async () => {
  const { store } = countingStore();
  const cache = new ModelCache(store, 100, 50);
  await cache.get("a", "uri-a", 10);
  await cache.get("big", "uri-big", 500);
  expect(cache.size).toEqual({ models: 1, bytes: 500 });
});

it("evicts by count as well", async () => {
  const { store } = countingStore();
  const cache = new ModelCache(store, 2, 10_000);
  for (const id of ["a", "b", "c"]) await cache.get(id, `uri-${id}`, 1);
  expect(cache.size).toEqual({ models: 2, bytes: 2 });
});
