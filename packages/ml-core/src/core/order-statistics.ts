/**
 * The values at `ranks` (0-based) of `values` sorted ascending, as `Float64Array.prototype.sort`
 * would give them (every -0 before every 0), found by selection instead of sorting. For a few ranks:
 * quickselect with three-way partitions, going down only the sides that hold a wanted rank. For many
 * ranks of many values: a radix pass (`bucketSelect`) finds the buckets of the values' order-preserving
 * bit patterns that hold the ranks, and only those are searched. May reorder `values`; answers in the
 * order of `ranks`.
 */
export function orderStatistics(values: Float64Array, ranks: readonly number[]): Float64Array {
  const wanted = Int32Array.from(new Set(ranks)).sort();
  if (wanted.length && (wanted[0]! < 0 || wanted[wanted.length - 1]! >= values.length)) throw new RangeError(`orderStatistics: a rank is outside 0..${values.length - 1}.`);
  const found = new Map<number, number>();
  if (!useBuckets(values, wanted.length)) return quickselectRanks(values, ranks, wanted, found);
  bucketSelect(values, wanted, 0, 0, found);
  return Float64Array.from(ranks, (r) => found.get(r)!);
}

/** Fewest values and ranks for which the bucket pass beats quickselect (a median asks for 1 or 2 ranks). */
const BUCKET_MIN_VALUES = 1 << 14;
const BUCKET_MIN_RANKS = 3;
/** A bucket of at most this many values is searched by quickselect, a larger one split again by the next digit. */
const BUCKET_SELECT_MAX = 1 << 13;
/** Buckets per pass: one 16-bit digit of the 64-bit key. */
const DIGITS = 1 << 16;
/** Whether float64 words are little-endian here (the low word first), as the digits assume. */
const LITTLE_ENDIAN = new Uint32Array(Float64Array.of(1).buffer)[1] === 0x3ff00000;

/** Whether to select by buckets: many ranks of many values, and no NaN (whose order quickselect keeps as it was). */
function useBuckets(values: Float64Array, nRanks: number): boolean {
  return LITTLE_ENDIAN && nRanks >= BUCKET_MIN_RANKS && values.length >= BUCKET_MIN_VALUES && !hasNaN(values);
}

/** Quickselect over all of `values`, zeros' signs restored by counting the values below 0. */
function quickselectRanks(values: Float64Array, ranks: readonly number[], wanted: Int32Array, found: Map<number, number>): Float64Array {
  selectRanks(values, 0, values.length - 1, wanted, 0, wanted.length, found);
  let belowZero = -1;
  return Float64Array.from(ranks, (r) => {
    const v = found.get(r)!;
    if (v !== 0) return v;
    if (belowZero < 0) belowZero = countBelowZero(values);
    return r < belowZero ? -0 : 0;
  });
}

function hasNaN(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== a[i]) return true;
  return false;
}

/** One bucket of a pass: its digit, its first rank and size within the values, and which wanted ranks it holds. */
interface Bucket {
  readonly digit: number;
  readonly start: number;
  readonly size: number;
  readonly from: number;
  readonly to: number;
}

/**
 * Finds `ranks` (ascending, local to `a`) of `a` (no NaN) into `found` at `base + rank`, bucketing
 * by digit `level` (0 the highest 16 bits) of each value's order-preserving key: the bits, with
 * the sign bit flipped for a positive value and every bit flipped for a negative one, so that keys
 * compare as the values sort (-0 below 0). Values in a bucket share their higher digits, so a
 * bucket holds a run of the sorted values; only the buckets holding a rank are copied out and searched.
 */
function bucketSelect(a: Float64Array, ranks: Int32Array, level: number, base: number, found: Map<number, number>): void {
  const counts = digitCounts(a, level);
  const buckets = bucketsOf(counts, ranks);
  const only = buckets.length === 1 && buckets[0]!.size === a.length;
  const gathered = only ? a : gather(a, level, buckets, counts);
  let offset = 0;
  for (const b of buckets) {
    const inBucket = gathered.subarray(offset, offset + b.size);
    offset += b.size;
    const local = ranks.subarray(b.from, b.to).map((r) => r - b.start);
    if (level === 3) for (const r of local) found.set(base + b.start + r, inBucket[0]!); // every bit equal: one value
    else if (b.size > BUCKET_SELECT_MAX) bucketSelect(inBucket, local, level + 1, base + b.start, found);
    else {
      const inside = new Map<number, number>();
      selectRanks(inBucket, 0, b.size - 1, local, 0, local.length, inside);
      for (const [r, v] of inside) found.set(base + b.start + r, v);
    }
  }
}

/** How digit `level` of a value's key is read from its two 32-bit words (see `bucketSelect`). */
function digitReader(level: number): { word: number; sign: number; shift: number } {
  return { word: level < 2 ? 1 : 0, sign: level < 2 ? 0x80000000 : 0, shift: level & 1 ? 0 : 16 };
}

/** How many values of `a` have each value of digit `level`. */
function digitCounts(a: Float64Array, level: number): Int32Array {
  const w = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const { word, sign, shift } = digitReader(level);
  const counts = new Int32Array(DIGITS);
  for (let i = 0; i < a.length; i++) {
    const hi = w[2 * i + 1]!;
    counts[((w[2 * i + word]! ^ ((hi >> 31) | sign)) >>> shift) & 0xffff]!++;
  }
  return counts;
}

/** The buckets (ascending) holding `ranks` (ascending) given each digit's count. */
function bucketsOf(counts: Int32Array, ranks: Int32Array): Bucket[] {
  const buckets: Bucket[] = [];
  let start = 0;
  for (let d = 0, r = 0; d < DIGITS && r < ranks.length; d++) {
    const end = start + counts[d]!;
    const from = r;
    while (r < ranks.length && ranks[r]! < end) r++;
    if (r > from) buckets.push({ digit: d, start, size: counts[d]!, from, to: r });
    start = end;
  }
  return buckets;
}

/** The values of `buckets`, bucket after bucket, each in its order in `a`; `counts` is reused as write positions. */
function gather(a: Float64Array, level: number, buckets: readonly Bucket[], counts: Int32Array): Float64Array {
  const at = counts.fill(-1);
  let total = 0;
  for (const b of buckets) {
    at[b.digit] = total;
    total += b.size;
  }
  const out = new Float64Array(total);
  const w = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const { word, sign, shift } = digitReader(level);
  for (let i = 0; i < a.length; i++) {
    const hi = w[2 * i + 1]!;
    const d = ((w[2 * i + word]! ^ ((hi >> 31) | sign)) >>> shift) & 0xffff;
    const p = at[d]!;
    if (p >= 0) {
      out[p] = a[i]!;
      at[d] = p + 1;
    }
  }
  return out;
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
