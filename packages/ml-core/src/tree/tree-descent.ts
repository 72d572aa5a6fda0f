import type { Matrix } from "../core/matrix";
import { TREE_DESCENT_WASM } from "../wasm/tree-descent.wasm";
import { allocator, compileKernel, instantiate, memory } from "../wasm/loader";

/** Most rows a `TreeDescent` holds at a time. */
export const DESCENT_ROWS = 1024;

/**
 * Most bytes a descent's memory may take (about 21 per node, the rest the block of rows): it lives
 * as long as its ensemble, so a forest of more than about 12 million nodes descends in JS instead.
 */
const MAX_DESCENT_BYTES = 256 * 2 ** 20;

/** The node arrays a descent copies (a `TreeEnsemble`'s). */
export interface DescentTrees {
  readonly offset: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly missingLeft: Uint8Array;
}

/**
 * Trees copied into a WebAssembly memory with a block of rows, taken down a tree without a branch
 * per split (wasm/tree-descent.wat): the same comparisons as `TreeEnsemble.leaf`, so the same leaves.
 */
export interface TreeDescent {
  /** Copies rows `from..to-1` of X (at most `DESCENT_ROWS`, X's columns those the descent was made for) into the block. */
  load(X: Matrix, from: number, to: number): void;
  /** The global index of tree `t`'s leaf for each of the `rows` loaded rows (a view, valid until the next call). */
  leaves(t: number, rows: number): Int32Array;
}

type DescendFn = (root: number, depth: number, x: number, rows: number, rowBytes: number, leaves: number, thr: number, feat: number, child: number, ml: number) => void;

/** A descent of `trees` for rows of `cols` values; undefined without WebAssembly or beyond `MAX_DESCENT_BYTES`. */
export function treeDescent(trees: DescentTrees, cols: number): TreeDescent | undefined {
  const module = compileKernel(TREE_DESCENT_WASM);
  if (!module) return undefined;
  const n = trees.feature.length;
  const at = allocator();
  const thr = at.take(8 * n), feat = at.take(4 * n), child = at.take(8 * n), ml = at.take(n);
  const x = at.take(8 * DESCENT_ROWS * cols), out = at.take(4 * DESCENT_ROWS);
  if (at.end() > MAX_DESCENT_BYTES) return undefined;
  let descend: DescendFn, buffer: ArrayBuffer;
  try {
    const mem = memory(at.end());
    descend = instantiate<{ descend: DescendFn }>(module, mem).descend;
    buffer = mem.buffer;
  } catch {
    return undefined;
  }
  new Float64Array(buffer, thr, n).set(trees.threshold);
  new Uint8Array(buffer, ml, n).set(trees.missingLeft);
  layNodes(trees, new Int32Array(buffer, feat, n), new Int32Array(buffer, child, 2 * n));
  const depth = treeDepths(trees);
  const block = new Float64Array(buffer, x, DESCENT_ROWS * cols);
  const leaves = new Int32Array(buffer, out, DESCENT_ROWS);
  return {
    load: (X, from, to) => block.set(X.data.subarray(from * cols, to * cols)),
    leaves: (t, rows) => {
      descend(trees.offset[t]!, depth[t]!, x, rows, 8 * cols, out, thr, feat, child, ml);
      return leaves;
    },
  };
}

/** Each node's feature as a byte offset in a row and its children (right, then left; global indices); a leaf's 0 and itself twice. */
function layNodes(trees: DescentTrees, feat: Int32Array, child: Int32Array): void {
  const { offset, feature, left, right } = trees;
  for (let t = 0; t + 1 < offset.length; t++) {
    const o = offset[t]!;
    for (let i = o; i < offset[t + 1]!; i++) {
      const leaf = feature[i]! < 0;
      feat[i] = leaf ? 0 : 8 * feature[i]!;
      child[2 * i] = leaf ? i : o + right[i]!;
      child[2 * i + 1] = leaf ? i : o + left[i]!;
    }
  }
}

/** Each tree's depth: the most splits from its root to a leaf. */
function treeDepths(trees: DescentTrees): Int32Array {
  const { offset, feature, left, right } = trees;
  const depth = new Int32Array(offset.length - 1);
  const stack: number[] = [];
  for (let t = 0; t < depth.length; t++) {
    const o = offset[t]!;
    stack.push(o, 0);
    while (stack.length) {
      const d = stack.pop()!;
      const i = stack.pop()!;
      if (feature[i]! < 0) depth[t] = Math.max(depth[t]!, d);
      else stack.push(o + left[i]!, d + 1, o + right[i]!, d + 1);
    }
  }
  return depth;
}
