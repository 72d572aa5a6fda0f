import { gainOf, type GrowNode } from "./node-arrays";

/**
 * The nodes waiting to be split: a stack (depth-first growth, the left child next) or, for
 * best-first growth (max_leaf_nodes), a binary max-heap on the gain of each node's best split.
 */
export class Frontier {
  readonly nodes: GrowNode[] = [];

  /** @param bestFirst a max-heap on gain instead of a stack. */
  constructor(private readonly bestFirst: boolean) {}

  get length(): number {
    return this.nodes.length;
  }

  push(node: GrowNode): void {
    if (this.bestFirst) this.heapPush(node);
    else this.nodes.push(node);
  }

  /** The next node to split: the last pushed, or the one of highest gain. */
  pop(): GrowNode {
    return this.bestFirst ? this.heapPop() : this.nodes.pop()!;
  }

  private heapPush(node: GrowNode): void {
    const frontier = this.nodes;
    frontier.push(node);
    let i = frontier.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (gainOf(frontier[p]!) >= gainOf(frontier[i]!)) break;
      const t = frontier[p]!;
      frontier[p] = frontier[i]!;
      frontier[i] = t;
      i = p;
    }
  }

  private heapPop(): GrowNode {
    const frontier = this.nodes;
    const top = frontier[0]!;
    const last = frontier.pop()!;
    if (frontier.length > 0) {
      frontier[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < frontier.length && gainOf(frontier[l]!) > gainOf(frontier[m]!)) m = l;
        if (r < frontier.length && gainOf(frontier[r]!) > gainOf(frontier[m]!)) m = r;
        if (m === i) break;
        const t = frontier[m]!;
        frontier[m] = frontier[i]!;
        frontier[i] = t;
        i = m;
      }
    }
    return top;
  }
}
