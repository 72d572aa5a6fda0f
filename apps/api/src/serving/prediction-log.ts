import { randomInt, randomUUID } from "node:crypto";
import type { NewPredictionLogRow } from "@mlw/db";
import type { Logger } from "@mlw/runtime";

/** One served request, as the prediction log records it. */
export interface ServedRequest {
  readonly requestId: string;
  /** The prediction id of each row, from `ids` (null: the row was not sampled, and is not logged). */
  readonly ids: readonly (string | null)[];
  /** The raw input rows, as the client sent them. */
  readonly rows: readonly Record<string, unknown>[];
  readonly modelId: string;
  readonly name?: string;
  readonly version?: number;
  readonly alias?: string;
  /** One per row. */
  readonly predictions: readonly unknown[];
  /** One per row, when the model gives class probabilities. */
  readonly probabilities?: readonly Record<string, number>[];
  readonly latencyMs: number;
  readonly shadow?: { readonly modelId: string; readonly version: number; readonly predictions: readonly unknown[] } | { readonly error: string };
}

/** When the buffer is written. */
export interface PredictionLogOptions {
  /** Write at least this often (default 1000 ms). */
  readonly flushMs?: number;
  /** Write as soon as this many rows wait (default 500). */
  readonly flushRows?: number;
  /** Rows held at most while Postgres is slow or away; more are dropped, and counted (default 100,000). */
  readonly maxBuffered?: number;
  /** The share of predicted rows logged, 0 to 1 (default 1: every row; PREDICTION_LOG_SAMPLE). */
  readonly sample?: number;
  /** Draws a number in [0, 1) per row to sample it (default: from node's crypto, in steps of 2^-32). */
  readonly random?: () => number;
}

/**
 * The prediction log's writer: served requests are buffered in memory, one row per predicted
 * row, and written in batches every second or every 500 rows, and on `close`. Recording never
 * waits for Postgres and never throws: a failed write is logged and its rows dropped. A request's
 * rows are sampled when their ids are drawn (`ids`), before the answer names them.
 */
export class PredictionLog {
  private buffer: NewPredictionLogRow[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private dropped = 0;
  /** How often the buffer is written: a logged row is in Postgres within about this long. */
  readonly flushMs: number;
  private readonly flushRows: number;
  private readonly maxBuffered: number;
  /** Told of every served request, sampled or not (the API's predict latency metric). */
  onRecord: ((served: ServedRequest) => void) | undefined;
  private readonly sample: number;
  private readonly random: () => number;

  /** @param insert Writes rows (`insertPredictionLog` bound to the database). */
  constructor(
    private readonly insert: (rows: NewPredictionLogRow[]) => Promise<void>,
    private readonly log: Logger,
    options: PredictionLogOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 1000;
    this.flushRows = options.flushRows ?? 500;
    this.maxBuffered = options.maxBuffered ?? 100_000;
    this.sample = options.sample ?? 1;
    this.random = options.random ?? (() => randomInt(2 ** 32) / 2 ** 32);
  }

  /** The prediction ids of `n` rows about to be answered: a fresh id for each sampled row, null for the others. */
  ids(n: number): (string | null)[] {
    return Array.from({ length: n }, () => (this.sample >= 1 || this.random() < this.sample ? randomUUID() : null));
  }

  /** Starts the periodic write. */
  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.flushMs).unref();
  }

  /** Buffers one served request's rows. */
  record(served: ServedRequest): void {
    this.onRecord?.(served);
    if (this.buffer.length + served.predictions.length > this.maxBuffered) {
      this.dropped += served.predictions.length;
      return;
    }
    const shadow = served.shadow;
    const createdAt = new Date();
    served.ids.forEach((id, rowIndex) => {
      if (id === null) return;
      const result = served.predictions[rowIndex];
      this.buffer.push({
        id,
        requestId: served.requestId,
        rowIndex,
        modelId: served.modelId,
        registeredName: served.name ?? null,
        version: served.version ?? null,
        alias: served.alias ?? null,
        input: served.rows[rowIndex] ?? null,
        result: result ?? null,
        probabilities: served.probabilities?.[rowIndex] ?? null,
        shadowModelId: shadow && "modelId" in shadow ? shadow.modelId : null,
        shadowVersion: shadow && "version" in shadow ? shadow.version : null,
        shadowResult: shadow && "predictions" in shadow ? (shadow.predictions[rowIndex] ?? null) : null,
        shadowError: shadow && "error" in shadow ? shadow.error : null,
        latencyMs: served.latencyMs,
        createdAt,
      });
    });
    if (this.buffer.length >= this.flushRows) void this.flush();
  }

  /** Writes what is buffered (one write at a time); resolves when written or dropped. */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      while (this.buffer.length) {
        const batch = this.buffer.splice(0, this.flushRows);
        try {
          await this.insert(batch);
        } catch (err) {
          this.log.warn({ err, rows: batch.length }, "prediction log write failed; rows dropped");
        }
      }
      if (this.dropped) {
        this.log.warn({ rows: this.dropped }, "prediction log buffer full; rows dropped");
        this.dropped = 0;
      }
    });
    return this.writing;
  }

  /** Stops the periodic write and writes what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
