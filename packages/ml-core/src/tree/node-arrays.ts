/**
 * A node of a growing tree, as the grower keeps it while the node is on the frontier: its rows,
 * statistics, histogram and the best split found so far (written by the Splitter).
 */
export interface GrowNode {
  /** Its index in the NodeArrays. */
  id: number;
  /** First and one-past-last position of its rows in the grower's row order. */
  start: number;
  end: number;
  depth: number;
  /** The node's statistics (C channels), then the best split's left-child statistics (C more). */
  stats: Float64Array;
  /** All features' histograms of its rows, or null when it has none. */
  hist: Float64Array | null;
  /** The criterion's score of the node itself; a split's gain is `improvement - score`. */
  score: number;
  /** The best split so far: feature (-1 for none), last bin to the left, where missing values go, and its children's summed score. */
  feature: number;
  bin: number;
  missingLeft: boolean;
  improvement: number;
  /** Features known to be constant on the node's rows (found at an ancestor or the node); shared with the children. */
  consts: readonly number[];
}

/** The gain of a node's best split (what best-first growth orders nodes by). */
export function gainOf(node: { improvement: number; score: number }): number {
  return node.improvement - node.score;
}

/** The arrays of the last tree grown on this thread, for the next one (see `NodeArrays.take`). */
let spare: NodeArrays | undefined;

/** A growing tree's per-node arrays (capacity doubled as nodes are added). */
export class NodeArrays {
  count = 0;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  missingLeft: Uint8Array;
  value: Float64Array;
  start: Int32Array;
  end: Int32Array;

  /**
   * @param nOut values per node.
   * @param capacity nodes before the first doubling.
   */
  constructor(readonly nOut: number, capacity: number) {
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.missingLeft = new Uint8Array(capacity);
    this.value = new Float64Array(capacity * nOut);
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
  }

  /**
   * Empty arrays for a tree: those given back by the last tree grown on this thread when they have
   * `nOut` values per node (a forest's trees then allocate none), else new ones with room for
   * `capacity` nodes.
   */
  static take(nOut: number, capacity: number): NodeArrays {
    const s = spare;
    spare = undefined;
    if (s?.nOut !== nOut) return new NodeArrays(nOut, capacity);
    s.count = 0;
    return s;
  }

  /** Hands `arrays` to this thread's next tree, once the grown tree was copied out of them. */
  static giveBack(arrays: NodeArrays): void {
    spare = arrays;
  }

  /** Lets go of the arrays kept for this thread's next tree. */
  static dropSpare(): void {
    spare = undefined;
  }

  /** A new leaf over rows start..end (no split, value to be set); returns its id. */
  add(start: number, end: number): number {
    if (this.count === this.feature.length) this.grow();
    const id = this.count++;
    this.feature[id] = -1;
    this.threshold[id] = 0;
    this.missingLeft[id] = 0;
    this.left[id] = -1;
    this.right[id] = -1;
    this.start[id] = start;
    this.end[id] = end;
    return id;
  }

  private grow(): void {
    const cap = 2 * this.feature.length;
    const more = <T extends Int32Array | Float64Array | Uint8Array>(a: T, size: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a as never);
      return b;
    };
    this.feature = more(this.feature, cap);
    this.threshold = more(this.threshold, cap);
    this.left = more(this.left, cap);
    this.right = more(this.right, cap);
    this.missingLeft = more(this.missingLeft, cap);
    this.value = more(this.value, cap * this.nOut);
    this.start = more(this.start, cap);
    this.end = more(this.end, cap);
  }
}
