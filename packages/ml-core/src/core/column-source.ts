import { takeRows, type Matrix } from "./matrix";

/**
 * Features read one column at a time: `rows` x `cols` values that need not exist as one matrix.
 * Histogram boosting bins its training data feature by feature, so fitted from a table it never
 * holds the whole float64 matrix of the encoded features (`Pipeline.columns`), only one column.
 */
export interface ColumnSource {
  readonly rows: number;
  readonly cols: number;
  /** Writes feature `f` of every row, in row order, into `out[0..rows)`, and answers `out`. */
  column(f: number, out: Float64Array): Float64Array;
  /** The rows at `indices` (positions in this source), in that order, read as lazily. */
  take(indices: ArrayLike<number>): ColumnSource;
  /** All rows as a row-major matrix (what predicting needs). */
  toMatrix(): Matrix;
}

/** `X` as a ColumnSource (its columns gathered from the rows; no copy until `toMatrix` of a subset). */
export function matrixColumns(X: Matrix): ColumnSource {
  return new MatrixColumns(X, undefined);
}

/** Positions `indices` of `rows` (or `indices` themselves when `rows` is all rows in order). */
export function composeRows(rows: ArrayLike<number> | undefined, indices: ArrayLike<number>): Int32Array {
  const out = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = rows ? rows[indices[k]!]! : indices[k]!;
  return out;
}

/** Most features a MatrixColumns reads per pass over its rows. */
const BLOCK_FEATURES = 16;
/** Most bytes of the block of columns a MatrixColumns holds between calls. */
const BLOCK_BYTES = 256 << 20;

class MatrixColumns implements ColumnSource {
  readonly rows: number;
  readonly cols: number;
  /**
   * Columns blockStart.. of the rows, column-major, read in one pass: a column alone reads one
   * value from each row's cache line, so callers reading the columns in turn (binning) get the
   * block's next ones from here. Dropped once the last feature's column was read.
   */
  private block: Float64Array | undefined;
  private blockStart = 0;
  private readonly blockWidth: number;

  /** `rows`: the rows of X this source holds, in order (undefined: all of them). */
  constructor(
    private readonly X: Matrix,
    private readonly idx: Int32Array | undefined,
  ) {
    this.rows = idx ? idx.length : X.rows;
    this.cols = X.cols;
    this.blockWidth = Math.max(1, Math.min(BLOCK_FEATURES, X.cols, Math.floor(BLOCK_BYTES / (8 * Math.max(1, this.rows)))));
  }

  column(f: number, out: Float64Array): Float64Array {
    const n = this.rows, width = this.blockWidth;
    if (width === 1) {
      this.readColumns(f, 1, out);
      return out;
    }
    if (!this.block || f < this.blockStart || f >= this.blockStart + width) {
      this.blockStart = f;
      this.block ??= new Float64Array(width * n);
      this.readColumns(f, Math.min(width, this.cols - f), this.block);
    }
    const j = f - this.blockStart;
    out.set(this.block.subarray(j * n, (j + 1) * n));
    if (f === this.cols - 1) this.block = undefined;
    return out;
  }

  /** Writes columns f..f+count-1 of the rows into out, column-major, in one pass over the rows. */
  private readColumns(f: number, count: number, out: Float64Array): void {
    const { data, cols } = this.X;
    const idx = this.idx, n = this.rows;
    for (let k = 0; k < n; k++) {
      const at = (idx ? idx[k]! : k) * cols + f;
      for (let j = 0; j < count; j++) out[j * n + k] = data[at + j]!;
    }
  }

  take(indices: ArrayLike<number>): ColumnSource {
    return new MatrixColumns(this.X, composeRows(this.idx, indices));
  }

  toMatrix(): Matrix {
    return this.idx ? takeRows(this.X, this.idx) : this.X;
  }
}
