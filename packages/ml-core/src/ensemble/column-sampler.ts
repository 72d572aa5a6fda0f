import type { Rng } from "../core/rng";

/**
 * XGBoost's column sampling: a set of features per tree (colsample_bytree), drawn from it a set
 * per depth (colsample_bylevel), and from that a set per node (colsample_bynode). Each draw keeps
 * max(1, floor(fraction × size)) features of the set above, in ascending order.
 * See https://xgboost.readthedocs.io/en/stable/parameter.html (colsample_by*).
 */
export class ColumnSampler {
  private tree: Int32Array;
  private levels: Int32Array[] = [];

  constructor(
    private readonly nFeatures: number,
    private readonly fractions: { readonly bytree: number; readonly bylevel: number; readonly bynode: number },
    private readonly rng: Rng,
  ) {
    this.tree = Int32Array.from({ length: nFeatures }, (_, f) => f);
  }

  /** Whether any fraction is below 1 (else every node sees every feature and no draw is made). */
  static needed(f: { readonly bytree: number; readonly bylevel: number; readonly bynode: number }): boolean {
    return f.bytree < 1 || f.bylevel < 1 || f.bynode < 1;
  }

  /** Draws the next tree's features (and forgets the levels' sets). */
  startTree(): void {
    const all = Int32Array.from({ length: this.nFeatures }, (_, f) => f);
    this.tree = this.draw(all, this.fractions.bytree);
    this.levels = [];
  }

  /** The features a node at `depth` may split on: drawn from its level's set, drawn once per tree and depth. */
  readonly forNode = (depth: number): Int32Array => {
    const level = (this.levels[depth] ??= this.draw(this.tree, this.fractions.bylevel));
    return this.draw(level, this.fractions.bynode);
  };

  private draw(from: Int32Array, fraction: number): Int32Array {
    if (fraction >= 1) return from;
    const n = Math.max(1, Math.floor(fraction * from.length));
    const a = Int32Array.from(from);
    for (let i = 0; i < n; i++) {
      const j = i + this.rng.int(a.length - i);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a.subarray(0, n).sort();
  }
}
