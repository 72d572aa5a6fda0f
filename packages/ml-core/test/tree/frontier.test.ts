import { Frontier } from "../../src/tree/frontier";
import type { GrowNode } from "../../src/tree/node-arrays";

/** A frontier node whose best split gains `gain` (improvement over its score). */
const node = (id: number, gain: number): GrowNode => ({ id, start: 0, end: 0, depth: 0, stats: new Float64Array(0), hist: null, score: 1, feature: 0, bin: 0, missingLeft: false, improvement: 1 + gain, consts: [] });

describe("Frontier", () => {
  it("depth-first: gives back the last node pushed (the left child before its right sibling)", () => {
    const f = new Frontier(false);
    for (const [id, gain] of [[0, 5], [1, 1], [2, 9]] as const) f.push(node(id, gain));
    expect([f.pop().id, f.pop().id, f.pop().id]).toEqual([2, 1, 0]);
    expect(f.length).toBe(0);
  });

  it("best-first: gives back the node of highest gain first, whatever the order they came in", () => {
    const f = new Frontier(true);
    const gains = [3, 8, 1, 8.5, 0.2, 7, 4, 6, 2, 5];
    gains.forEach((g, id) => f.push(node(id, g)));
    const order: number[] = [];
    while (f.length > 0) order.push(f.pop().id);
    expect(order.map((id) => gains[id])).toEqual([...gains].sort((a, b) => b - a));
  });
});
