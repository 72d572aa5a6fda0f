import { createReadStream, promises as fs } from "node:fs";
import { Readable } from "node:stream";
import { DataError } from "../core/errors";
import { ColumnBuilder } from "./column-builder";
import { CsvRecordReader } from "./csv-record-reader";
import { Table } from "./table";
import { Utf8Text } from "./utf8-text";

/** Options of `readCsv` and `parseCsv`. */
export interface ReadCsvOptions {
  /** Field texts read as missing. Default: "", "NA", "NaN", "nan", "null", "NULL", "N/A". */
  missingValues?: string[];
  /** Larger inputs are refused with `FILE_TOO_LARGE`. Default: 1 GiB. */
  maxBytes?: number;
}

/** The texts `readCsv` reads as missing unless told otherwise. */
export const DEFAULT_MISSING_VALUES: readonly string[] = ["", "NA", "NaN", "nan", "null", "NULL", "N/A"];
const DEFAULT_MAX_BYTES = 1024 ** 3;

/**
 * Reads a CSV file (RFC 4180: header row, quoted fields with commas, quotes and newlines, CRLF,
 * UTF-8 BOM) into a columnar `Table`, streaming it through papaparse's tokenizer so that only
 * the typed columns are held in memory. Column types are inferred: numeric when every
 * non-missing field is a finite number, otherwise categorical (yes/no-like ones flagged
 * `booleanLike`). Anything that is not UTF-8 CSV text (NUL bytes, invalid UTF-8, broken quoting)
 * is `INVALID_CSV`.
 *
 * @param path the file.
 * @param options missing-value markers and the size limit, see `ReadCsvOptions`.
 * @throws DataError `FILE_NOT_FOUND`, `FILE_TOO_LARGE`, `RAGGED_ROW`, `NO_DATA_ROWS`,
 *   `EMPTY_HEADER`, `DUPLICATE_HEADER`, `INVALID_CSV`.
 */
export async function readCsv(path: string, options: ReadCsvOptions = {}): Promise<Table> {
  const size = await fileSize(path);
  checkSize(size, options.maxBytes ?? DEFAULT_MAX_BYTES);
  return consume(createReadStream(path, { highWaterMark: 1 << 20 }), size, options);
}

/**
 * The column names of a CSV file's header row, with the checks `readCsv` makes on it (NUL bytes,
 * UTF-8, quoting, empty and duplicate names), reading no further than the header's first chunk:
 * what the API checks before it enqueues work on a file.
 * @param path the file.
 * @throws DataError `FILE_NOT_FOUND`, `NO_HEADER`, `EMPTY_HEADER`, `DUPLICATE_HEADER`, `INVALID_CSV`.
 */
export async function readCsvHeader(path: string): Promise<string[]> {
  await fileSize(path);
  let names: string[] | undefined;
  const reader = new CsvRecordReader((record) => {
    names ??= checkHeader(record);
  });
  await feed(createReadStream(path, { highWaterMark: 1 << 16 }), reader, () => names !== undefined);
  if (!names) throw new DataError("NO_HEADER", "The dataset is empty: it has no header row.");
  return names;
}

async function fileSize(path: string): Promise<number> {
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile()) throw Object.assign(new Error("not a file"), { code: "ENOENT" });
    return stat.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new DataError("FILE_NOT_FOUND", `The file ${path} does not exist.`, { path });
    throw err;
  }
}

/**
 * Parses CSV text already in memory, exactly as `readCsv` reads a file.
 * @param text the CSV content.
 * @param options see `ReadCsvOptions`.
 */
export async function parseCsv(text: string | Buffer, options: ReadCsvOptions = {}): Promise<Table> {
  const size = typeof text === "string" ? Buffer.byteLength(text) : text.length;
  checkSize(size, options.maxBytes ?? DEFAULT_MAX_BYTES);
  return consume(Readable.from([text]), size, options);
}

function checkSize(size: number, maxBytes: number): void {
  if (size > maxBytes) {
    throw new DataError("FILE_TOO_LARGE", `The file has ${size} bytes, but at most ${maxBytes} are accepted.`, { size, maxBytes });
  }
}

/** Text is handed to the tokenizer in pieces of at most this many characters. */
const PIECE = 1 << 20;

async function consume(source: Readable, size: number, options: ReadCsvOptions): Promise<Table> {
  const missing = new Set(options.missingValues ?? DEFAULT_MISSING_VALUES);
  let builders: ColumnBuilder[] | undefined;
  let nRows = 0;
  const reader = new CsvRecordReader((record) => {
    if (!builders) {
      // A row takes at least one byte per column (a delimiter or its line break).
      const maxRows = Math.floor(size / record.length) + 1;
      builders = checkHeader(record).map((name) => new ColumnBuilder(name, missing, maxRows));
      return;
    }
    if (record.length !== builders.length) {
      const line = reader.line();
      throw new DataError("RAGGED_ROW", `Line ${line} has ${record.length} fields, but the header has ${builders.length} columns.`, { line, fields: record.length, expected: builders.length });
    }
    for (let j = 0; j < builders.length; j++) builders[j]!.push(record[j]!);
    nRows++;
  });
  await feed(source, reader);
  if (!builders || nRows === 0) {
    throw new DataError("NO_DATA_ROWS", builders ? "The CSV has a header but no data rows." : "The CSV is empty: it has neither a header nor data rows.");
  }
  return new Table(nRows, builders.map((b) => b.finish()));
}

/**
 * Decodes `source` (refusing NUL bytes and invalid UTF-8) and hands the text to `reader` in
 * pieces, until the end or until `done()` after a chunk; errors become DataErrors.
 */
async function feed(source: Readable, reader: CsvRecordReader, done: () => boolean = () => false): Promise<void> {
  const utf8 = new Utf8Text();
  try {
    for await (const chunk of source as AsyncIterable<string | Buffer>) {
      const text = utf8.decode(chunk);
      for (let at = 0; at < text.length; at += PIECE) reader.write(text.length <= PIECE ? text : text.slice(at, at + PIECE));
      if (done()) return;
    }
    reader.write(utf8.end());
    reader.end();
  } catch (err) {
    throw toDataError(err as Error);
  } finally {
    source.destroy();
  }
}

/**
 * Checks a header record (no empty and no duplicate names) and answers it.
 * @throws DataError `EMPTY_HEADER`, `DUPLICATE_HEADER`.
 */
export function checkHeader(record: string[]): string[] {
  const seen = new Map<string, number>();
  record.forEach((name, j) => {
    if (name.trim() === "") throw new DataError("EMPTY_HEADER", `Column ${j + 1} of the header has no name.`, { column: j + 1 });
    const first = seen.get(name);
    if (first !== undefined) {
      throw new DataError("DUPLICATE_HEADER", `The column name \`${name}\` appears twice in the header (columns ${first + 1} and ${j + 1}).`, { name, columns: [first + 1, j + 1] });
    }
    seen.set(name, j);
  });
  return record;
}

function toDataError(err: Error): Error {
  if (err instanceof DataError) return err;
  if ((err as NodeJS.ErrnoException).code === "ENOENT") return new DataError("FILE_NOT_FOUND", err.message);
  return err;
}
