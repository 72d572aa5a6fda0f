import { TreeEnsemble, type TreeArrays } from "../../src/tree/flat-tree";
import { FanovaTree } from "../../src/importance/fanova-tree";

/** One tree of flat arrays (node i: feature, threshold, children, value). */
function tree(nodes: [feature: number, threshold: number, left: number, right: number, value: number][]): TreeArrays {
  return {
    feature: Int32Array.from(nodes, (n) => n[0]),
    threshold: Float64Array.from(nodes, (n) => n[1]),
    left: Int32Array.from(nodes, (n) => n[2]),
    right: Int32Array.from(nodes, (n) => n[3]),
    missingLeft: new Uint8Array(nodes.length),
    value: Float64Array.from(nodes, (n) => n[4]),
    importance: new Float64Array(2),
  };
}

const unitSquare = Float64Array.from([0, 1, 0, 1]);

describe("FanovaTree", () => {
  it("gives a feature the tree never splits on no main effect", () => {
    // f = 1 when x0 > 0.5
    const forest = TreeEnsemble.concat([tree([[0, 0.5, 1, 2, 0], [-1, 0, -1, -1, 0], [-1, 0, -1, -1, 1]])], 1, 2);
    const t = new FanovaTree(forest, 0, unitSquare);
    expect(t.variance).toBeCloseTo(0.25, 12);
    expect(t.marginalVariance([0])).toBeCloseTo(0.25, 12);
    expect(t.marginalVariance([1])).toBe(0);
  });

  it("splits an additive function's variance into its two main effects, by the volume of each cell", () => {
    // f = 4 * [x0 > 0.5] + 2 * [x1 > 0.25]: x0's effect has variance 4, x1's 4 * 0.25 * 0.75 = 0.75
    const forest = TreeEnsemble.concat(
      [tree([[0, 0.5, 1, 4, 0], [1, 0.25, 2, 3, 0], [-1, 0, -1, -1, 0], [-1, 0, -1, -1, 2], [1, 0.25, 5, 6, 0], [-1, 0, -1, -1, 4], [-1, 0, -1, -1, 6]])],
      1,
      2,
    );
    const t = new FanovaTree(forest, 0, unitSquare);
    expect(t.variance).toBeCloseTo(4.75, 12);
    expect(t.marginalVariance([0])).toBeCloseTo(4, 12);
    expect(t.marginalVariance([1])).toBeCloseTo(0.75, 12);
  });

  it("measures cells on the search space's own range, not the unit square", () => {
    // x0 in [0, 10], split at 2: a fifth of the box predicts 0, the rest 1
    const forest = TreeEnsemble.concat([tree([[0, 2, 1, 2, 0], [-1, 0, -1, -1, 0], [-1, 0, -1, -1, 1]])], 1, 2);
    const t = new FanovaTree(forest, 0, Float64Array.from([0, 10, 0, 1]));
    expect(t.variance).toBeCloseTo(0.2 * 0.8, 12);
    expect(t.marginalVariance([0])).toBeCloseTo(0.16, 12);
  });
});
