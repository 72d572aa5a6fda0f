import type { BinnedData } from "./binner";

/**
 * The binned data without its sparse features' most frequent bins, for building all features'
 * histograms of a node (gradient trees). A feature is sparse when one bin, its default, holds at
 * least half the rows, as one-hot columns do: churn's 40 encoded features hold 15 values a row
 * outside their defaults. A histogram then adds each row into every dense feature and into the
 * sparse features where it is not in the default bin; the default bins are the node's totals less
 * the feature's other bins (`fillDefaultBins`), as LightGBM does with its most frequent bins.
 *
 * A row's entries are global bins (feature f's slot b is `histOff[f] / C + b`, missing in slot
 * nBins[f]), in feature order: row i's are `entries[starts[i]..starts[i + 1])`. A row's entries
 * are added in one loop, whose trip count a CPU predicts wrong about once a row: in loops per
 * group of features it did so once a group, and that cost more than the adds left out.
 */
export interface SparseCodes {
  /** The sparse features, ascending. */
  readonly sparse: Int32Array;
  /** Per sparse feature (in `sparse` order), its default slot. */
  readonly defaults: Int32Array;
  readonly starts: Int32Array;
  readonly entries: Uint16Array;
  /** Values a row holds in default bins, on average. */
  readonly leftPerRow: number;
  /** Bins of the sparse features (missing slots included), which `fillDefaultBins` reads. */
  readonly sparseBins: number;
}

/**
 * Whether a build of m rows is worth making from sparse codes: the values it leaves out outweigh
 * the default bins it then fills in (`fillDefaultBins` reads every bin of every sparse feature).
 * Deep trees have many nodes of a few rows: on ames (313 encoded features, 280 sparse) a
 * random forest's trees were 10% slower when every node left out its default bins.
 */
export function worthSparse(s: SparseCodes, m: number, C: number): boolean {
  return m * s.leftPerRow >= FILL_COST * C * s.sparseBins;
}

/** What filling one channel of one bin costs, in values left out of a build. */
const FILL_COST = 4;

/**
 * Rows per chunk of a large build from sparse codes: a build of m rows adds `chunkCount(m)` chunks
 * of its rows into histograms of their own (the first into the build's), which are then added
 * up in chunk order. Threads share a build by chunks, and the chunks depend on m alone, so the
 * histograms are the same however many threads build them.
 */
export const CHUNK_ROWS = 16_384;
/** Most chunks of one build. */
export const MAX_CHUNKS = 4;

/** Chunks of a build of m rows. */
export function chunkCount(m: number): number {
  return Math.max(1, Math.min(MAX_CHUNKS, Math.floor(m / CHUNK_ROWS)));
}

/** The first row (of 0..m-1) of chunk j of K; chunk K is m. */
export function chunkStart(m: number, K: number, j: number): number {
  return Math.floor((j * m) / K);
}

/** A feature is sparse when its default bin holds at least this share of the rows. */
const SPARSE_SHARE = 0.5;
/**
 * Sparse codes are used when their default bins hold at least this many values a row, and an
 * eighth of all values: a row's loop over its entries costs a mispredicted branch at its end
 * (as much as some 5 adds), and shuttle's 1.3 default values a row made its fits 5-10% slower.
 */
const WORTH_PER_ROW = 8;
/** Global bins a Uint16 entry can name. */
const MAX_GLOBAL_BINS = 1 << 16;

const cache = new WeakMap<Uint8Array, SparseCodes | null>();

/**
 * The sparse codes of `data` (made once per codes array), or undefined when leaving its default
 * bins out is not worth it (their defaults hold few values, WORTH_PER_ROW), or the features have
 * more than 65,536 bins in all.
 */
export function sparseCodes(data: BinnedData): SparseCodes | undefined {
  let known = cache.get(data.codes);
  if (known === undefined) {
    known = makeSparseCodes(data);
    cache.set(data.codes, known);
  }
  return known ?? undefined;
}

function makeSparseCodes(data: BinnedData): SparseCodes | null {
  const { codes, rows: n, cols: F, nBins } = data;
  const first = new Int32Array(F + 1);
  for (let f = 0; f < F; f++) first[f + 1] = first[f]! + nBins[f]! + 1;
  if (first[F]! > MAX_GLOBAL_BINS || n === 0) return null;
  const defaultOf = new Int32Array(F).fill(-1);
  const counts = new Int32Array(256);
  let left = 0;
  for (let f = 0; f < F; f++) {
    counts.fill(0);
    const nb = nBins[f]!;
    for (let i = 0, base = f * n; i < n; i++) counts[codes[base + i]!]!++;
    let best = 0;
    for (let b = 1; b < 256; b++) if (counts[b]! > counts[best]!) best = b;
    if (counts[best]! >= SPARSE_SHARE * n) {
      defaultOf[f] = best > nb ? nb : best;
      left += counts[best]!;
    }
  }
  if (left < Math.max(WORTH_PER_ROW, F / 8) * n) return null;
  const starts = new Int32Array(n + 1);
  const entries = new Uint16Array(n * F - left);
  // column-major codes, row-major entries: each row's count first, then a pass per feature
  for (let f = 0; f < F; f++) for (let i = 0, base = f * n, nb = nBins[f]!; i < n; i++) {
    const c = codes[base + i]!;
    if ((c > nb ? nb : c) !== defaultOf[f]) starts[i + 1]!++;
  }
  for (let i = 0; i < n; i++) starts[i + 1]! += starts[i]!;
  const at = starts.slice(0, n);
  for (let f = 0; f < F; f++) for (let i = 0, base = f * n, nb = nBins[f]!; i < n; i++) {
    const c = codes[base + i]!;
    const slot = c > nb ? nb : c;
    if (slot !== defaultOf[f]) entries[at[i]!++] = first[f]! + slot;
  }
  const sparse = Int32Array.from({ length: F }, (_, f) => f).filter((f) => defaultOf[f]! >= 0);
  let sparseBins = 0;
  for (const f of sparse) sparseBins += nBins[f]! + 1;
  return { sparse, defaults: sparse.map((f) => defaultOf[f]!), starts, entries, leftPerRow: left / n, sparseBins };
}

/**
 * Sets each sparse feature's default bin of `hist` (C channels per bin, feature f from histOff[f])
 * to the node's `totals` less the feature's other bins, channel by channel, the other bins added
 * in bin order. The histogram was built without the default bins' rows, which left them zero.
 */
export function fillDefaultBins(hist: Float64Array, histOff: Int32Array, s: SparseCodes, C: number, totals: ArrayLike<number>): void {
  const { sparse, defaults } = s;
  for (let j = 0; j < sparse.length; j++) {
    const f = sparse[j]!;
    const base = histOff[f]!, end = histOff[f + 1]!, at = base + defaults[j]! * C;
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let o = base + c; o < end; o += C) sum += hist[o]!;
      hist[at + c] = totals[c]! - sum;
    }
  }
}

/** hist[0..n) += part[0..n): a chunk's histogram into its build's. */
export function addInto(hist: Float64Array, part: Float64Array, n: number): void {
  for (let t = 0; t < n; t++) hist[t]! += part[t]!;
}
