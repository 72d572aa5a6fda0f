import { matrixColumns } from "../../src/core/column-source";
import { Rng } from "../../src/core/rng";

describe("matrixColumns", () => {
  const rng = new Rng(3);
  const rows = 500, cols = 19;
  const X = { data: Float64Array.from({ length: rows * cols }, () => rng.normal()), rows, cols };
  const expected = (idx: ArrayLike<number>, f: number) => Array.from(idx, (i) => X.data[i * cols + f]!);

  it("reads each feature's column of its rows, in any order and again", () => {
    const all = Array.from({ length: rows }, (_, i) => i);
    const taken = Array.from({ length: 200 }, () => rng.int(rows));
    for (const [source, idx] of [
      [matrixColumns(X), all],
      [matrixColumns(X).take(taken), taken],
    ] as const) {
      // in turn (as binning reads them), backwards, skipping, repeating
      const order = [...Array.from({ length: cols }, (_, f) => f), 18, 0, 9, 9, 8, 16, 17, 3];
      for (const f of order) expect(Array.from(source.column(f, new Float64Array(idx.length)))).toEqual(expected(idx, f));
    }
  });
});
