/**
 * The values at `ranks` (0-based) of `values` sorted ascending, as `Float64Array.prototype.sort`
 * would give them (every -0 before every 0), found by selection instead of sorting: quickselect with
 * three-way partitions, going down only the sides that hold a wanted rank. About linear for a few
 * ranks, where a sort is n log n. Reorders `values`; answers in the order of `ranks`.
 */
export function orderStatistics(values: Float64Array, ranks: readonly number[]): Float64Array {
  const wanted = Int32Array.from(new Set(ranks)).sort();
  if (wanted.length && (wanted[0]! < 0 || wanted[wanted.length - 1]! >= values.length)) throw new RangeError(`orderStatistics: a rank is outside 0..${values.length - 1}.`);
  const found = new Map<number, number>();
  selectRanks(values, 0, values.length - 1, wanted, 0, wanted.length, found);
  let belowZero = -1;
  return Float64Array.from(ranks, (r) => {
    const v = found.get(r)!;
    if (v !== 0) return v;
    if (belowZero < 0) belowZero = countBelowZero(values);
    return r < belowZero ? -0 : 0;
  });
}

/** Finds ranks[from..to) (ascending, all within lo..hi) of a[lo..hi] into `found`. */
function selectRanks(a: Float64Array, lo: number, hi: number, ranks: Int32Array, from: number, to: number, found: Map<number, number>): void {
  while (from < to) {
    if (lo >= hi) {
      for (let r = from; r < to; r++) found.set(ranks[r]!, a[ranks[r]!]!);
      return;
    }
    const x = a[lo]!, y = a[(lo + hi) >>> 1]!, z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let lt = lo, i = lo, gt = hi;
    while (i <= gt) {
      const v = a[i]!;
      if (v < pivot) {
        a[i++] = a[lt]!;
        a[lt++] = v;
      } else if (v > pivot) {
        a[i] = a[gt]!;
        a[gt--] = v;
      } else i++;
    }
    // a[lo..lt) < pivot, a[lt..gt] = pivot, a(gt..hi] > pivot
    let left = from;
    while (left < to && ranks[left]! < lt) left++;
    let right = left;
    for (; right < to && ranks[right]! <= gt; right++) found.set(ranks[right]!, pivot);
    selectRanks(a, lo, lt - 1, ranks, from, left, found);
    from = right;
    lo = gt + 1;
  }
}

/** How many values sort before 0: the negative ones and every -0. */
function countBelowZero(a: Float64Array): number {
  let below = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! < 0 || Object.is(a[i], -0)) below++;
  return below;
}
