import * as tf from "@tensorflow/tfjs";
import { backendName, initBackend } from "../../src/backend";

describe("initBackend", () => {
  it("picks a working backend once and reports it", async () => {
    expect(backendName()).toBeUndefined();
    const name = await initBackend("auto");
    expect(["tensorflow", "wasm", "cpu"]).toContain(name);
    expect(backendName()).toBe(name);
    expect(tf.getBackend()).toBe(name);
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync());
    expect(Array.from(sum)).toEqual([4, 6]);
  });

  it("is memoised: a later call with another preference keeps the first choice", async () => {
    const first = await initBackend();
    await expect(initBackend("cpu")).resolves.toBe(first);
    expect(tf.getBackend()).toBe(first);
  });
});
