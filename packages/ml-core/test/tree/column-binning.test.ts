import { once } from "node:events";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { matrixColumns, type ColumnSource } from "../../src/core/column-source";
import { Rng } from "../../src/core/rng";
import { BIN_SUBSAMPLE, binColumns } from "../../src/tree/binner";
import { binColumnsTogether, type SharedColumnBinning } from "../../src/tree/column-binning";

/** rows x cols of continuous, few-valued and partly missing columns. */
function mixed(rows: number, cols: number, seed: number) {
  const rng = new Rng(seed);
  const X = { data: new Float64Array(rows * cols), rows, cols };
  for (let i = 0; i < X.data.length; i++) {
    const f = i % cols;
    X.data[i] = f % 3 === 0 ? rng.normal() : f % 3 === 1 ? Math.floor(rng.next() * 7) : rng.next() < 0.1 ? NaN : rng.next() ** 3;
  }
  return X;
}

/** A pool thread, as the tree pool starts it (forest-worker.ts through tsx). */
function poolThread(): Worker {
  return new Worker(join(__dirname, "../../src/ensemble/forest-worker.ts"), { execArgv: ["--require", require.resolve("tsx/cjs")] });
}

describe("binColumnsTogether", () => {
  it("bins the columns read by the caller with a pool thread to binColumns' codes and edges", async () => {
    // more rows than BIN_SUBSAMPLE: the edges come from the same subsample on every thread
    const rows = BIN_SUBSAMPLE + 10_000, cols = 5;
    const X = mixed(rows, cols, 3);
    const worker = poolThread();
    try {
      let binning: SharedColumnBinning | undefined;
      const source = matrixColumns(X);
      // the caller reads the last column only once the thread has binned every other one (it bins
      // none itself before then: every column has a buffer), and fails if the thread never does
      const reader: ColumnSource = {
        rows,
        cols,
        take: (i) => source.take(i),
        toMatrix: () => source.toMatrix(),
        column(f, out) {
          if (f === cols - 1) {
            const sleep = new Int32Array(new SharedArrayBuffer(4));
            for (const t0 = Date.now(); binning!.binned.subarray(0, cols - 1).some((b) => b === 0); ) {
              if (Date.now() - t0 > 30_000) throw new Error("the pool thread did not bin the columns read");
              Atomics.wait(sleep, 0, 0, 50);
            }
          }
          return source.column(f, out);
        },
      };
      const together = binColumnsTogether(reader, 255, new Rng(1), (s) => {
        binning = s;
        worker.postMessage({ kind: "bin-columns", id: 1, binning: s });
      });
      const serial = binColumns(matrixColumns(X), 255, new Rng(1));
      expect(together.codes.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Buffer.from(together.codes).equals(Buffer.from(serial.codes))).toBe(true);
      expect(Array.from(together.edges)).toEqual(Array.from(serial.edges));
      expect(Array.from(together.nBins)).toEqual(Array.from(serial.nBins));
      expect(Array.from(together.edgeOffset)).toEqual(Array.from(serial.edgeOffset));
      // the thread answers its task once every column is claimed
      const [answer] = (await once(worker, "message")) as [{ id: number; error?: string }];
      expect(answer).toEqual({ id: 1, trees: [] });
    } finally {
      await worker.terminate();
    }
  }, 120_000);

  it("reuses its column buffers as columns are binned: more columns than buffers, with or without a thread", async () => {
    const rows = 20_000, cols = 23;
    const X = mixed(rows, cols, 4);
    const serial = binColumns(matrixColumns(X), 64, new Rng(2));
    const alone = binColumnsTogether(matrixColumns(X), 64, new Rng(2), () => {});
    expect(Buffer.from(alone.codes).equals(Buffer.from(serial.codes))).toBe(true);
    expect(Array.from(alone.edges)).toEqual(Array.from(serial.edges));
    const worker = poolThread();
    try {
      const together = binColumnsTogether(matrixColumns(X), 64, new Rng(2), (s) => worker.postMessage({ kind: "bin-columns", id: 1, binning: s }));
      expect(Buffer.from(together.codes).equals(Buffer.from(serial.codes))).toBe(true);
      expect(Array.from(together.edges)).toEqual(Array.from(serial.edges));
      expect(Array.from(together.nBins)).toEqual(Array.from(serial.nBins));
    } finally {
      await worker.terminate();
    }
  }, 120_000);

  it("leaves no thread waiting when a column cannot be read", async () => {
    const X = mixed(5000, 12, 5);
    const source = matrixColumns(X);
    const failing: ColumnSource = {
      rows: source.rows,
      cols: source.cols,
      take: (i) => source.take(i),
      toMatrix: () => source.toMatrix(),
      column(f, out) {
        if (f === 9) throw new Error("read failed");
        return source.column(f, out);
      },
    };
    const worker = poolThread();
    try {
      expect(() => binColumnsTogether(failing, 64, new Rng(2), (s) => worker.postMessage({ kind: "bin-columns", id: 7, binning: s }))).toThrow("read failed");
      // the thread finds nothing left to claim and answers
      const [answer] = (await once(worker, "message")) as [{ id: number }];
      expect(answer.id).toBe(7);
    } finally {
      await worker.terminate();
    }
  }, 120_000);
});
