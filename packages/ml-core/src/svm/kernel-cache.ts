/**
 * libsvm's `Cache`: a least-recently-used cache of kernel columns, each column `index` holding
 * data[0, len) for some len. Unlike libsvm, which reallocates each column to its length, columns
 * live in fixed slots of `l` float32 values taken from a pool bounded by the byte budget (slots
 * are allocated on first use, so a small problem never allocates the whole budget).
 * Column values are float32 as libsvm's `Qfloat`, which also makes results match libsvm's.
 */
export class KernelCache {
  private readonly slotOf: Int32Array;
  private readonly lenOf: Int32Array;
  /** Circular doubly-linked LRU list over column indices; node `l` is the head. */
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly slots: Float32Array[] = [];
  private readonly maxSlots: number;
  /** Position in the swap log up to which each column's entries are in order. */
  private readonly epochOf: Int32Array;
  /** Pairs (min, max) of every `swapIndex`, in order. */
  private log = new Int32Array(64);
  private logSize = 0;

  /**
   * @param l the number of columns (and the length of a full column).
   * @param bytes the budget, libsvm's `cache_size` in bytes; at least two columns are always kept.
   */
  constructor(private readonly l: number, bytes: number) {
    this.slotOf = new Int32Array(l).fill(-1);
    this.lenOf = new Int32Array(l);
    this.epochOf = new Int32Array(l);
    this.prev = new Int32Array(l + 1).fill(l);
    this.next = new Int32Array(l + 1).fill(l);
    this.maxSlots = Math.min(l, Math.max(2, Math.floor(bytes / 4 / Math.max(l, 1))));
  }

  /**
   * libsvm's `get_data`: the column `index` (marked most recently used) and where its values
   * still need filling: `[filled, len)` must be computed by the caller when `filled < len`.
   */
  get(index: number, len: number): Float32Array {
    const l = this.l;
    if (this.slotOf[index]! >= 0) {
      this.unlink(index);
      this.sync(index);
    } else {
      let slot: number;
      if (this.slots.length < this.maxSlots) {
        slot = this.slots.length;
        this.slots.push(new Float32Array(l));
      } else {
        const old = this.next[l]!;
        this.unlink(old);
        slot = this.slotOf[old]!;
        this.slotOf[old] = -1;
        this.lenOf[old] = 0;
      }
      this.slotOf[index] = slot;
      this.lenOf[index] = 0;
      this.epochOf[index] = this.logSize;
    }
    this.filled = this.lenOf[index]!;
    if (len > this.filled) this.lenOf[index] = len;
    this.linkLast(index);
    return this.slots[this.slotOf[index]!]!;
  }

  /** How much of the column returned by the last `get` was already computed. */
  filled = 0;

  /**
   * libsvm's `swap_index`: columns i and j trade places, and so do entries i and j of every
   * column. The entry swaps are logged and replayed on a column only when it is next read, so a
   * batch of swaps by shrinking costs nothing for columns never read again; a column with
   * i < len <= j keeps its valid prefix [0, i) instead of being dropped as in libsvm. Neither
   * changes any value read, only how many are recomputed.
   */
  swapIndex(i: number, j: number): void {
    if (i === j) return;
    const si = this.slotOf[i]!;
    const sj = this.slotOf[j]!;
    if (si >= 0) this.unlink(i);
    if (sj >= 0) this.unlink(j);
    this.slotOf[i] = sj;
    this.slotOf[j] = si;
    const li = this.lenOf[i]!;
    this.lenOf[i] = this.lenOf[j]!;
    this.lenOf[j] = li;
    const ei = this.epochOf[i]!;
    this.epochOf[i] = this.epochOf[j]!;
    this.epochOf[j] = ei;
    if (sj >= 0) this.linkLast(i);
    if (si >= 0) this.linkLast(j);
    if (this.log.length < 2 * this.logSize + 2) {
      const grown = new Int32Array(Math.max(64, this.log.length * 2));
      grown.set(this.log);
      this.log = grown;
    }
    this.log[2 * this.logSize] = Math.min(i, j);
    this.log[2 * this.logSize + 1] = Math.max(i, j);
    this.logSize++;
  }

  /** Applies the entry swaps logged since column `h` was last read. */
  private sync(h: number): void {
    const end = this.logSize;
    let e = this.epochOf[h]!;
    this.epochOf[h] = end;
    if (e === end) return;
    const col = this.slots[this.slotOf[h]!]!;
    const log = this.log;
    let len = this.lenOf[h]!;
    for (; e < end; e++) {
      const i = log[2 * e]!;
      if (len <= i) continue;
      const j = log[2 * e + 1]!;
      if (len > j) {
        const t = col[i]!;
        col[i] = col[j]!;
        col[j] = t;
      } else len = i;
    }
    this.lenOf[h] = len;
  }

  private unlink(h: number): void {
    const p = this.prev[h]!;
    const n = this.next[h]!;
    this.next[p] = n;
    this.prev[n] = p;
  }

  private linkLast(h: number): void {
    const l = this.l;
    const last = this.prev[l]!;
    this.next[h] = l;
    this.prev[h] = last;
    this.next[last] = h;
    this.prev[l] = h;
  }
}
