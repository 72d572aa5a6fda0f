/**
 * The plain-JS histogram loops of the grower (see hist-builder.ts): per-bin statistics of a node's
 * rows, one feature at a time (column-major codes) or all features of each row at once (row-major
 * codes). Module-level functions over typed arrays and numbers, so that each call site stays
 * monomorphic. The WebAssembly kernels of hist-kernels.wat add the same numbers in the same order.
 */
import type { SparseCodes } from "./sparse-codes";

/** Float64 per bin of the widest gradient histogram (g, h, count). */
const BINS = 256;
/** Same as binner's MISSING_BIN, local so hot loops do not read it through a module binding. */
const MISSING_BIN = 255;

/** Fewest rows for which addClassRows alternates rows between two histograms. */
const TWIN_ROWS = 256;

/**
 * Adds rows start..start+m (class in ordB, weight in ordA, gathered in row order; `rows` null:
 * rows start.. in order) of one feature into a class histogram at `base`: C channels per bin, the classes, then (when `counted`) the row
 * count. From `TWIN_ROWS` rows on, odd rows go to `twin` (left zeroed), added in at the end: runs
 * of rows in one bin then wait on half as many stores.
 * Returns the range of non-missing bins seen as `lo << 9 | (hi + 1)`.
 */
export function addClassRows(hist: Float64Array, base: number, codes: Uint8Array, cb: number, rows: Int32Array | null, start: number, m: number, ordA: Float64Array, ordB: Int32Array, nb: number, C: number, k: number, counted: boolean, twin: Float64Array): number {
  const c0 = cb + start;
  let lo = 255, hi = -1;
  let r = 0;
  // rows in order (a root) as a HistTeam's kernel adds them: two histograms from the first row on,
  // the last row of an odd count before the merge; scattered rows from TWIN_ROWS on, merge first
  const inOrder = rows === null;
  const twinned = inOrder || m >= TWIN_ROWS;
  if (twinned) {
    const half = m & ~1;
    for (; r < half; r += 2) {
      const b = rows === null ? codes[c0 + r]! : codes[cb + rows[start + r]!]!;
      const b2 = rows === null ? codes[c0 + r + 1]! : codes[cb + rows[start + r + 1]!]!;
      const o = base + (b > nb ? nb : b) * C, o2 = (b2 > nb ? nb : b2) * C;
      hist[o + ordB[r]!]! += ordA[r]!;
      twin[o2 + ordB[r + 1]!]! += ordA[r + 1]!;
      if (counted) {
        hist[o + k]! += 1;
        twin[o2 + k]! += 1;
      }
      if (b !== MISSING_BIN) {
        if (b < lo) lo = b;
        if (b > hi) hi = b;
      }
      if (b2 !== MISSING_BIN) {
        if (b2 < lo) lo = b2;
        if (b2 > hi) hi = b2;
      }
    }
    if (!inOrder) mergeTwin(hist, base, twin, (nb + 1) * C);
  }
  for (; r < m; r++) {
    const b = rows === null ? codes[c0 + r]! : codes[cb + rows[start + r]!]!;
    const o = base + (b > nb ? nb : b) * C;
    hist[o + ordB[r]!]! += ordA[r]!;
    if (counted) hist[o + k]! += 1;
    if (b !== MISSING_BIN) {
      if (b < lo) lo = b;
      if (b > hi) hi = b;
    }
  }
  if (inOrder) mergeTwin(hist, base, twin, (nb + 1) * C);
  return (lo << 9) | (hi + 1);
}

/** hist[base..base+len) += twin[0..len), twin left zeroed. */
function mergeTwin(hist: Float64Array, base: number, twin: Float64Array, len: number): void {
  for (let j = 0; j < len; j++) {
    hist[base + j]! += twin[j]!;
    twin[j] = 0;
  }
}

/**
 * Same as addClassRows for gradients (ordA) and hessians (ordB, or 1 per row when undefined), then
 * with hessians a row count when `counted` (3 channels per bin, else 2).
 */
export function addGradRows(hist: Float64Array, base: number, codes: Uint8Array, cb: number, rows: Int32Array, start: number, m: number, ordA: Float64Array, ordB: Float64Array | undefined, nb: number, counted: boolean): number {
  let lo = 255, hi = -1;
  if (ordB === undefined) {
    for (let r = 0; r < m; r++) {
      const b = codes[cb + rows[start + r]!]!;
      const o = base + (b > nb ? nb : b) * 2;
      hist[o]! += ordA[r]!;
      hist[o + 1]! += 1;
      if (b !== MISSING_BIN) {
        if (b < lo) lo = b;
        if (b > hi) hi = b;
      }
    }
  } else {
    const C = counted ? 3 : 2;
    for (let r = 0; r < m; r++) {
      const b = codes[cb + rows[start + r]!]!;
      const o = base + (b > nb ? nb : b) * C;
      hist[o]! += ordA[r]!;
      hist[o + 1]! += ordB[r]!;
      if (counted) hist[o + 2]! += 1;
      if (b !== MISSING_BIN) {
        if (b < lo) lo = b;
        if (b > hi) hi = b;
      }
    }
  }
  return (lo << 9) | (hi + 1);
}

/**
 * Adds rows start..start+m (stats gathered in row order) of features f0..f1-1 into gradient
 * histograms laid out at `off[f]` (3 channels per bin with hessians and `counted`, else 2), reading each row's
 * codes from the row-major `rowCodes` (missing already mapped to the feature's missing slot).
 * Per feature the rows are added in order, as addGradAll does for them.
 */
export function addGradRowMajor(hist: Float64Array, off: Int32Array, rowCodes: Uint8Array, F: number, f0: number, f1: number, rows: Int32Array, start: number, m: number, ordA: Float64Array, ordB: Float64Array | undefined, counted: boolean): void {
  if (ordB === undefined) {
    for (let r = 0; r < m; r++) {
      const rb = rows[start + r]! * F;
      const a = ordA[r]!;
      for (let f = f0; f < f1; f++) {
        const o = off[f]! + rowCodes[rb + f]! * 2;
        hist[o]! += a;
        hist[o + 1]! += 1;
      }
    }
    return;
  }
  const C = counted ? 3 : 2;
  for (let r = 0; r < m; r++) {
    const rb = rows[start + r]! * F;
    const a = ordA[r]!, b = ordB[r]!;
    for (let f = f0; f < f1; f++) {
      const o = off[f]! + rowCodes[rb + f]! * C;
      hist[o]! += a;
      hist[o + 1]! += b;
      if (counted) hist[o + 2]! += 1;
    }
  }
}

/**
 * Adds rows start..start+m (stats gathered in row order) into gradient histograms of C channels per
 * bin (3 with hessians and `counted`, else 2; the count last) from their entries in sparse codes (see
 * SparseCodes): per bin the rows in order, as the kernel's addRowEntries adds them. The sparse
 * features' default bins are left as they were.
 */
export function addGradEntries(hist: Float64Array, s: SparseCodes, rows: Int32Array, start: number, m: number, ordA: Float64Array, ordB: Float64Array | undefined, counted: boolean): void {
  const { entries, starts } = s;
  if (ordB === undefined) {
    for (let r = 0; r < m; r++) {
      const row = rows[start + r]!;
      const a = ordA[r]!;
      for (let e = starts[row]!, end = starts[row + 1]!; e < end; e++) {
        const o = entries[e]! * 2;
        hist[o]! += a;
        hist[o + 1]! += 1;
      }
    }
    return;
  }
  const C = counted ? 3 : 2;
  for (let r = 0; r < m; r++) {
    const row = rows[start + r]!;
    const a = ordA[r]!, b = ordB[r]!;
    for (let e = starts[row]!, end = starts[row + 1]!; e < end; e++) {
      const o = entries[e]! * C;
      hist[o]! += a;
      hist[o + 1]! += b;
      if (counted) hist[o + 2]! += 1;
    }
  }
}

/** addGradRowMajor for class histograms (weight to the row's class, then the row count when `counted`). */
export function addClassRowMajor(hist: Float64Array, off: Int32Array, rowCodes: Uint8Array, F: number, rows: Int32Array, start: number, m: number, ordA: Float64Array, ordB: Int32Array, C: number, k: number, counted: boolean): void {
  for (let r = 0; r < m; r++) {
    const rb = rows[start + r]! * F;
    const a = ordA[r]!, c = ordB[r]!;
    for (let f = 0; f < F; f++) {
      const o = off[f]! + rowCodes[rb + f]! * C;
      hist[o + c]! += a;
      if (counted) hist[o + k]! += 1;
    }
  }
}

/** Second histogram of one feature (g, h, count per bin) for addGradAll's two-row loop; always left zeroed. */
const TWIN = new Float64Array(BINS * 3);

/** Like addGradRows for rows start.. in order (the root), without tracking the bins seen. */
export function addGradAll(hist: Float64Array, base: number, codes: Uint8Array, cb: number, start: number, m: number, ordA: Float64Array, ordB: Float64Array | undefined, nb: number, counted: boolean): void {
  const c0 = cb + start;
  if (ordB === undefined) {
    const half = (m >> 1) << 1;
    const t = TWIN;
    for (let r = 0; r < half; r += 2) {
      const b = codes[c0 + r]!, b2 = codes[c0 + r + 1]!;
      const o = base + (b > nb ? nb : b) * 2, o2 = (b2 > nb ? nb : b2) * 2;
      hist[o]! += ordA[r]!;
      hist[o + 1]! += 1;
      t[o2]! += ordA[r + 1]!;
      t[o2 + 1]! += 1;
    }
    if (half < m) {
      const b = codes[c0 + half]!;
      const o = base + (b > nb ? nb : b) * 2;
      hist[o]! += ordA[half]!;
      hist[o + 1]! += 1;
    }
    for (let j = 0, e = (nb + 1) * 2; j < e; j++) {
      hist[base + j]! += t[j]!;
      t[j] = 0;
    }
  } else {
    // two rows at a time into two histograms: runs of equal bins (common) wait on half as many stores
    const half = (m >> 1) << 1;
    const t = TWIN, C = counted ? 3 : 2;
    for (let r = 0; r < half; r += 2) {
      const b = codes[c0 + r]!, b2 = codes[c0 + r + 1]!;
      const o = base + (b > nb ? nb : b) * C, o2 = (b2 > nb ? nb : b2) * C;
      hist[o]! += ordA[r]!;
      hist[o + 1]! += ordB[r]!;
      t[o2]! += ordA[r + 1]!;
      t[o2 + 1]! += ordB[r + 1]!;
      if (counted) {
        hist[o + 2]! += 1;
        t[o2 + 2]! += 1;
      }
    }
    for (let r = half; r < m; r++) {
      const b = codes[c0 + r]!;
      const o = base + (b > nb ? nb : b) * C;
      hist[o]! += ordA[r]!;
      hist[o + 1]! += ordB[r]!;
      if (counted) hist[o + 2]! += 1;
    }
    for (let j = 0, e = (nb + 1) * C; j < e; j++) {
      hist[base + j]! += t[j]!;
      t[j] = 0;
    }
  }
}
