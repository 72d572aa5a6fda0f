import type { Matrix } from "../core/matrix";
import { TREE_DESCENT_WASM } from "../wasm/tree-descent.wasm";
import { allocator, compileKernel, instantiate, memory } from "../wasm/loader";

/** Most rows a `TreeDescent` holds at a time. */
export const DESCENT_ROWS = 1024;

/**
 * Most bytes a descent's memory may take (about 21 per node, the rest the block of rows): it lives
 * as long as its ensemble (or, for a range, its matrix), so a forest of more than about 12 million
 * nodes descends in JS instead.
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
 * It holds a range of trees at a time, `setTrees` replacing them.
 */
export interface TreeDescent {
  /**
   * Copies trees `from..to-1` of `trees` in, in place of those held before; false (holding none)
   * when their nodes are more than the descent was made for.
   */
  setTrees(trees: DescentTrees, from: number, to: number): boolean;
  /** Copies rows `from..to-1` of X (at most `DESCENT_ROWS`, X's columns those the descent was made for) into the block. */
  load(X: Matrix, from: number, to: number): void;
  /**
   * For each of the `rows` loaded rows, the leaf of tree `t` (one of those set) it falls in: its
   * index in the trees' node arrays less `trees.offset[from]` (a view, valid until the next call).
   */
  leaves(t: number, rows: number): Int32Array;
}

type DescendFn = (root: number, depth: number, x: number, rows: number, rowBytes: number, leaves: number, thr: number, feat: number, child: number, ml: number) => void;

/** A descent with room for `nodes` nodes, for rows of `cols` values; undefined without WebAssembly or beyond `MAX_DESCENT_BYTES`. */
export function treeDescent(nodes: number, cols: number): TreeDescent | undefined {
  const module = compileKernel(TREE_DESCENT_WASM);
  if (!module) return undefined;
  const at = allocator();
  const thr = at.take(8 * nodes), feat = at.take(4 * nodes), child = at.take(8 * nodes), ml = at.take(nodes);
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
  const block = new Float64Array(buffer, x, DESCENT_ROWS * cols);
  const leaves = new Int32Array(buffer, out, DESCENT_ROWS);
  // the trees held: their roots and depths by tree number less `first`
  let first = 0;
  let roots: Int32Array = new Int32Array(0);
  let depths: Int32Array = new Int32Array(0);
  return {
    setTrees: (trees, from, to) => {
      const base = trees.offset[from]!;
      const n = trees.offset[to]! - base;
      if (n > nodes) {
        roots = depths = new Int32Array(0);
        return false;
      }
      new Float64Array(buffer, thr, n).set(trees.threshold.subarray(base, base + n));
      new Uint8Array(buffer, ml, n).set(trees.missingLeft.subarray(base, base + n));
      layNodes(trees, from, to, new Int32Array(buffer, feat, n), new Int32Array(buffer, child, 2 * n));
      first = from;
      roots = Int32Array.from({ length: to - from }, (_, i) => trees.offset[from + i]! - base);
      depths = treeDepths(trees, from, to);
      return true;
    },
    load: (X, from, to) => block.set(X.data.subarray(from * cols, to * cols)),
    leaves: (t, rows) => {
      descend(roots[t - first]!, depths[t - first]!, x, rows, 8 * cols, out, thr, feat, child, ml);
      return leaves;
    },
  };
}

/**
 * Each node of trees `from..to-1` (index less the first's, `base`): its feature as a byte offset in
 * a row and its children (right, then left; indices less `base`); a leaf's 0 and itself twice.
 */
function layNodes(trees: DescentTrees, from: number, to: number, feat: Int32Array, child: Int32Array): void {
  const { offset, feature, left, right } = trees;
  const base = offset[from]!;
  for (let t = from; t < to; t++) {
    const o = offset[t]! - base;
    for (let i = o; i < offset[t + 1]! - base; i++) {
      const f = feature[base + i]!;
      feat[i] = f < 0 ? 0 : 8 * f;
      child[2 * i] = f < 0 ? i : o + right[base + i]!;
      child[2 * i + 1] = f < 0 ? i : o + left[base + i]!;
    }
  }
}

/** The depth of each of trees `from..to-1`: the most splits from its root to a leaf. */
function treeDepths(trees: DescentTrees, from: number, to: number): Int32Array {
  const { offset, feature, left, right } = trees;
  const depth = new Int32Array(to - from);
  const stack: number[] = [];
  for (let t = from; t < to; t++) {
    const o = offset[t]!;
    stack.push(o, 0);
    while (stack.length) {
      const d = stack.pop()!;
      const i = stack.pop()!;
      if (feature[i]! < 0) depth[t - from] = Math.max(depth[t - from]!, d);
      else stack.push(o + left[i]!, d + 1, o + right[i]!, d + 1);
    }
  }
  return depth;
}
