import type { Matrix } from "../core/matrix";

/**
 * During a staged fit: the trees' sums computed so far, by input matrix, so that scoring the same
 * rows after the next stage adds only the new trees (the same sums, tree by tree, to the bit).
 * Valid while the trees summed stay the first ones of the model, as they do between stages.
 */
export class StageSums {
  private readonly memo = new WeakMap<Matrix, { trees: number; sums: Float64Array }>();

  /**
   * The sums over `X` of the model's first `nTrees` trees, a fresh copy: `start()` before any tree,
   * then `add(from, nTrees, sums)` for the trees not summed yet (all of them when fewer trees than last time).
   */
  sums(X: Matrix, nTrees: number, start: () => Float64Array, add: (from: number, to: number, sums: Float64Array) => void): Float64Array {
    const memo = this.memo.get(X);
    const from = memo && memo.trees <= nTrees ? memo.trees : 0;
    const sums = memo && from > 0 ? memo.sums : start();
    add(from, nTrees, sums);
    this.memo.set(X, { trees: nTrees, sums });
    return Float64Array.from(sums);
  }
}
