import { createHash } from "node:crypto";
import { once } from "node:events";
import { PassThrough, Transform, Writable, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import type { Request, Response } from "express";
import { MlError } from "@mlw/ml-core";
import { CsvProfiler, type CsvProfile } from "@mlw/ml-core/data";
import type { DatasetUpload } from "@mlw/db";
import { HttpError } from "../errors";

/** The CSV bytes of an upload: the raw body, or the multipart part named `file`. */
export interface CsvSource {
  readonly stream: Readable;
  readonly filename: string | null;
  /** Resolves once the whole request was read and well formed (a multipart body's closing boundary). */
  readonly finished: Promise<void>;
}

/** What a streamed upload measured: its bytes, their sha256 and the CSV profile. */
export interface ReceivedCsv {
  readonly bytes: number;
  readonly sha256: string;
  readonly profile: CsvProfile;
  readonly filename: string | null;
}

/**
 * Streams the CSV of `req` into `upload`, hashing, counting and profiling it on the way (ml-core's
 * CsvProfiler, so the file is judged as the workers will read it). Nothing is held but the chunk
 * in flight. Past `maxBytes`: 413 `DATASET_TOO_LARGE`; not CSV a worker could read: 400
 * `INVALID_CSV`; a body that stops before its end: 400 `UPLOAD_ABORTED`. On any error the caller
 * must abort `upload`; the connection is then closed, as the rest of the body is not read.
 */
export async function receiveCsv(req: Request, res: Response, upload: DatasetUpload, maxBytes: number): Promise<ReceivedCsv> {
  try {
    const declared = Number(req.headers["content-length"]);
    if (declared > maxBytes) throw tooLarge(maxBytes);
    const source = await csvSource(req);
    const meter = new CsvMeter(maxBytes);
    await pipeline(source.stream, meter, new Writable({ write: (chunk: Buffer, _enc, done) => void upload.write(chunk).then(() => done(), done) }));
    await source.finished;
    return { bytes: meter.bytes, sha256: meter.hash.digest("hex"), profile: invalidCsvOr(() => meter.profiler.end()), filename: source.filename };
  } catch (err) {
    res.setHeader("Connection", "close");
    req.unpipe();
    req.resume(); // the rest of the body is read and dropped, so that the client reads the answer
    throw uploadError(err, req);
  }
}

/** Hashes, counts and profiles the bytes flowing through it; refuses them past `maxBytes`. */
class CsvMeter extends Transform {
  readonly hash = createHash("sha256");
  readonly profiler = new CsvProfiler();
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return done(tooLarge(this.maxBytes));
    try {
      invalidCsvOr(() => this.profiler.write(chunk));
    } catch (err) {
      return done(err as Error);
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/** The CSV stream of `req`: `text/csv` as it is, `multipart/form-data` through busboy; anything else 415. */
async function csvSource(req: Request): Promise<CsvSource> {
  if (req.is("text/csv")) return { stream: bodyOf(req), filename: null, finished: Promise.resolve() };
  if (req.is("multipart/form-data")) return multipartFile(req);
  throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the CSV as the body with `Content-Type: text/csv`, or as the part `file` of a `multipart/form-data` body.");
}

/** The multipart part named `file` (any other file part: 400). Resolves when that part starts. */
function multipartFile(req: Request): Promise<CsvSource> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { fields: 20, fieldSize: 64 * 1024, parts: 40 } });
  } catch (err) {
    throw new HttpError(400, "INVALID_MULTIPART", `The multipart body cannot be read: ${(err as Error).message}.`);
  }
  const finished = once(parser, "close").then(() => undefined);
  finished.catch(() => undefined); // awaited by receiveCsv once the part is read
  return new Promise((resolve, reject) => {
    let found = false;
    parser.on("file", (name, stream, info) => {
      if (name !== "file" || found) {
        stream.resume();
        parser.destroy(new HttpError(400, "INVALID_MULTIPART", `The multipart body must hold one file part, named \`file\`, but has one named \`${name}\`.`));
        return;
      }
      found = true;
      resolve({ stream, filename: info.filename ?? null, finished });
    });
    parser.on("error", reject);
    parser.on("close", () => reject(new HttpError(400, "MISSING_FILE", "The multipart body has no part named `file`.")));
    pipeline(bodyOf(req), parser).catch(() => undefined); // a failure reaches the file part, or `finished`
  });
}

/**
 * The request body as a stream of its own, which fails if the client goes before the body ends.
 * Consumers may destroy it (a refused upload) without destroying the request, so that the answer
 * still reaches the client.
 */
function bodyOf(req: Request): Readable {
  const body = new PassThrough();
  req.on("close", () => {
    if (!req.complete) body.destroy(new Error("aborted"));
  });
  req.pipe(body);
  return body;
}

/** Runs `f`, turning ml-core's CSV errors into 400 `INVALID_CSV` (the original code in `details.reason`). */
function invalidCsvOr<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof MlError) {
      const details = typeof err.details === "object" && err.details ? err.details : {};
      throw new HttpError(400, "INVALID_CSV", err.message, { reason: err.code, ...details });
    }
    throw err;
  }
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, "DATASET_TOO_LARGE", `The dataset is larger than ${maxBytes} bytes (MAX_DATASET_BYTES).`, { max_bytes: maxBytes });
}

/** The error to answer: ours as they are; a body cut short (client gone, truncated) as 400 `UPLOAD_ABORTED`. */
function uploadError(err: unknown, req: Request): unknown {
  if (err instanceof HttpError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (req.destroyed || code === "ERR_STREAM_PREMATURE_CLOSE" || code === "ECONNRESET" || (err as Error)?.message === "aborted" || (err as Error)?.message === "Unexpected end of form") {
    return new HttpError(400, "UPLOAD_ABORTED", "The upload ended before its body did; nothing was stored.");
  }
  return err;
}
