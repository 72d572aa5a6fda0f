import { randomUUID } from "node:crypto";
import type { NewPredictionLogRow } from "@mlw/db";
import type { Logger } from "@mlw/runtime";

/** One served request, as the prediction log records it. */
export interface ServedRequest {
  readonly requestId: string;
  readonly modelId: string;
  readonly name?: string;
  readonly version?: number;
  readonly alias?: string;
  /** The raw input rows, as the client sent them; one per row. */
  readonly inputs: readonly Record<string, unknown>[];
  /** One per row. */
  readonly predictions: readonly unknown[];
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
}

/**
 * The prediction log's writer: served requests are buffered in memory, one row per predicted
 * row, and written in batches every second or every 500 rows, and on `close`. Recording never
 * waits for Postgres and never throws: a failed write is logged and its rows dropped.
 */
export class PredictionLog {
  private buffer: NewPredictionLogRow[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private dropped = 0;
  private readonly flushMs: number;
  private readonly flushRows: number;
  private readonly maxBuffered: number;

  /** @param insert Writes rows (`insertPredictionLog` bound to the database). */
  constructor(
    private readonly insert: (rows: NewPredictionLogRow[]) => Promise<void>,
    private readonly log: Logger,
    options: PredictionLogOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 1000;
    this.flushRows = options.flushRows ?? 500;
    this.maxBuffered = options.maxBuffered ?? 100_000;
  }

  /** Starts the periodic write. */
  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.flushMs).unref();
  }

  /** Buffers one served request's rows. */
  record(served: ServedRequest): void {
    if (this.buffer.length + served.predictions.length > this.maxBuffered) {
      this.dropped += served.predictions.length;
      return;
    }
    const shadow = served.shadow;
    served.predictions.forEach((result, rowIndex) => {
      this.buffer.push({
        id: randomUUID(),
        requestId: served.requestId,
        rowIndex,
        modelId: served.modelId,
        registeredName: served.name ?? null,
        version: served.version ?? null,
        alias: served.alias ?? null,
        input: served.inputs[rowIndex] ?? null,
        result: result ?? null,
        shadowModelId: shadow && "modelId" in shadow ? shadow.modelId : null,
        shadowVersion: shadow && "version" in shadow ? shadow.version : null,
        shadowResult: shadow && "predictions" in shadow ? (shadow.predictions[rowIndex] ?? null) : null,
        shadowError: shadow && "error" in shadow ? shadow.error : null,
        latencyMs: served.latencyMs,
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
