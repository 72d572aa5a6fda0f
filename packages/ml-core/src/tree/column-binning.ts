import type { ColumnSource } from "../core/column-source";
import type { Rng } from "../core/rng";
import { sharedArray } from "../core/shared-array";
import { binColumn, binSample, ColumnBinner, keepEdges, keptEdges, newCodes, newSharedEdges, type BinnedData, type SharedEdges } from "./binner";

// ctrl words
/** Columns read so far: column f is in slot f % slotCount once f < READ. */
const READ = 0;
/** The next column no thread has claimed. */
const NEXT = 1;
/** Columns binned. */
const DONE = 2;
const CTRL_WORDS = 3;
/**
 * Most column buffers, and most bytes of them: the reader fills the next ones while the binners
 * work on others (MatrixColumns reads 16 columns per pass: a block's columns then wait here).
 */
const MAX_SLOTS = 8;
const SLOT_BYTES = 128 << 20;

/**
 * What the threads binning a ColumnSource together share (all SharedArrayBuffer-backed): the
 * columns read so far (in `slots`), the rows edges are learnt from, the codes being written, each
 * feature's edges and which columns are binned.
 */
export interface SharedColumnBinning extends SharedEdges {
  readonly rows: number;
  readonly cols: number;
  /** `slotCount` columns of `rows` values. */
  readonly slots: Float64Array;
  readonly slotCount: number;
  /** binSample's rows; empty when edges are learnt from every row. */
  readonly sampleRows: Int32Array;
  readonly codes: Uint8Array;
  /** 1 once column f is binned (its slot may then take column f + slotCount). */
  readonly binned: Int32Array;
  readonly ctrl: Int32Array;
}

/**
 * `binColumns(X, maxBins, rng)` (the same codes and edges, shared), with pool threads: the
 * caller reads X's columns one after the other (only it can: X need not be shareable) into a few
 * shared buffers, and it and the threads that `helpBinColumns` bin the columns read, each column
 * whole by one thread. With no thread joining, the caller bins every column itself.
 * @param start posts the binning to the pool threads that will help (before any column is read).
 */
export function binColumnsTogether(X: ColumnSource, maxBins: number, rng: Rng | undefined, start: (s: SharedColumnBinning) => void): BinnedData {
  const { rows, cols } = X;
  const sample = binSample(rows, rng);
  const slotCount = Math.max(2, Math.min(MAX_SLOTS, cols, Math.floor(SLOT_BYTES / (8 * rows))));
  const s: SharedColumnBinning = {
    rows,
    cols,
    slots: sharedArray(Float64Array, slotCount * rows),
    slotCount,
    sampleRows: sharedArray(Int32Array, sample ? sample.length : 0),
    codes: newCodes(rows * cols, true),
    ...newSharedEdges(cols, maxBins),
    binned: sharedArray(Int32Array, cols),
    ctrl: sharedArray(Int32Array, CTRL_WORDS),
  };
  if (sample) s.sampleRows.set(sample);
  start(s);
  const binner = new ColumnBinner(sample ? sample.length : rows, maxBins);
  try {
    for (let f = 0; f < cols; f++) {
      // the slot's last column must be binned first: bin read columns meanwhile
      while (f >= slotCount && Atomics.load(s.binned, f - slotCount) === 0) {
        const d = Atomics.load(s.ctrl, DONE);
        if (!binNext(s, binner) && Atomics.load(s.binned, f - slotCount) === 0) Atomics.wait(s.ctrl, DONE, d);
      }
      X.column(f, slot(s, f));
      Atomics.store(s.ctrl, READ, f + 1);
      Atomics.notify(s.ctrl, READ);
    }
  } finally {
    // after a failed read no column is left to claim, and waiting threads wake to find that out
    if (Atomics.load(s.ctrl, READ) < cols) Atomics.store(s.ctrl, NEXT, cols);
    Atomics.store(s.ctrl, READ, cols);
    Atomics.notify(s.ctrl, READ);
  }
  while (binNext(s, binner));
  for (let d = Atomics.load(s.ctrl, DONE); d < cols; d = Atomics.load(s.ctrl, DONE)) Atomics.wait(s.ctrl, DONE, d);
  return { codes: s.codes, rows, cols, ...keptEdges(s, cols) };
}

/** A pool thread's side: bins read columns as they come until every column is claimed. */
export function helpBinColumns(s: SharedColumnBinning): void {
  let binner: ColumnBinner | undefined;
  for (;;) {
    const read = Atomics.load(s.ctrl, READ);
    if (Atomics.load(s.ctrl, NEXT) >= s.cols) return;
    binner ??= new ColumnBinner(s.sampleRows.length > 0 ? s.sampleRows.length : s.rows, s.maxBins);
    if (!binNext(s, binner)) Atomics.wait(s.ctrl, READ, read);
  }
}

/** Column f's buffer. */
function slot(s: SharedColumnBinning, f: number): Float64Array {
  const at = (f % s.slotCount) * s.rows;
  return s.slots.subarray(at, at + s.rows);
}

/** Claims the next read column and bins it; false when none is read and unclaimed. */
function binNext(s: SharedColumnBinning, binner: ColumnBinner): boolean {
  const { ctrl, rows } = s;
  let f: number;
  do {
    f = Atomics.load(ctrl, NEXT);
    if (f >= Atomics.load(ctrl, READ)) return false;
  } while (Atomics.compareExchange(ctrl, NEXT, f, f + 1) !== f);
  keepEdges(s, f, binColumn(binner, slot(s, f), s.sampleRows.length > 0 ? s.sampleRows : undefined, s.codes, f * rows));
  Atomics.store(s.binned, f, 1);
  Atomics.add(ctrl, DONE, 1);
  Atomics.notify(ctrl, DONE);
  return true;
}
