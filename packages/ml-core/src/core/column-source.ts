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

class MatrixColumns implements ColumnSource {
  readonly rows: number;
  readonly cols: number;

  /** `rows`: the rows of X this source holds, in order (undefined: all of them). */
  constructor(
    private readonly X: Matrix,
    private readonly idx: Int32Array | undefined,
  ) {
    this.rows = idx ? idx.length : X.rows;
    this.cols = X.cols;
  }

  column(f: number, out: Float64Array): Float64Array {
    const { data, cols } = this.X;
    const idx = this.idx;
    for (let k = 0; k < this.rows; k++) out[k] = data[(idx ? idx[k]! : k) * cols + f]!;
    return out;
  }

  take(indices: ArrayLike<number>): ColumnSource {
    return new MatrixColumns(this.X, composeRows(this.idx, indices));
  }

  toMatrix(): Matrix {
    return this.idx ? takeRows(this.X, this.idx) : this.X;
  }
}
