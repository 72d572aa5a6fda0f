import { createReadStream, promises as fs } from "node:fs";
import { Readable } from "node:stream";
import { parse, CsvError } from "csv-parse";
import { DataError } from "../core/errors";
import { ColumnBuilder } from "./column-builder";
import { Table } from "./table";

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
 * UTF-8 BOM) into a columnar `Table`, streaming it through csv-parse so that only the typed
 * columns are held in memory. Column types are inferred: numeric when every non-missing field is
 * a finite number, otherwise categorical (yes/no-like ones flagged `booleanLike`).
 *
 * @param path the file.
 * @param options missing-value markers and the size limit, see `ReadCsvOptions`.
 * @throws DataError `FILE_NOT_FOUND`, `FILE_TOO_LARGE`, `RAGGED_ROW`, `NO_DATA_ROWS`,
 *   `EMPTY_HEADER`, `DUPLICATE_HEADER`, `INVALID_CSV`.
 */
export async function readCsv(path: string, options: ReadCsvOptions = {}): Promise<Table> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let size: number;
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile()) throw Object.assign(new Error("not a file"), { code: "ENOENT" });
    size = stat.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new DataError("FILE_NOT_FOUND", `The file ${path} does not exist.`, { path });
    throw err;
  }
  checkSize(size, maxBytes);
  return consume(createReadStream(path, { highWaterMark: 1 << 20 }), options);
}

/**
 * Parses CSV text already in memory, exactly as `readCsv` reads a file.
 * @param text the CSV content.
 * @param options see `ReadCsvOptions`.
 */
export async function parseCsv(text: string | Buffer, options: ReadCsvOptions = {}): Promise<Table> {
  checkSize(typeof text === "string" ? Buffer.byteLength(text) : text.length, options.maxBytes ?? DEFAULT_MAX_BYTES);
  return consume(Readable.from([text]), options);
}

function checkSize(size: number, maxBytes: number): void {
  if (size > maxBytes) {
    throw new DataError("FILE_TOO_LARGE", `The file has ${size} bytes, but at most ${maxBytes} are accepted.`, { size, maxBytes });
  }
}

function consume(source: Readable, options: ReadCsvOptions): Promise<Table> {
  const missing = new Set(options.missingValues ?? DEFAULT_MISSING_VALUES);
  const maxMissingLength = Math.max(0, ...[...missing].map((m) => m.length));
  const parser = parse({ bom: true, skip_empty_lines: true, relax_quotes: true, record_delimiter: ["\r\n", "\n", "\r"] });
  let builders: ColumnBuilder[] | undefined;
  let nRows = 0;
  let failure: Error | undefined;

  return new Promise<Table>((resolve, reject) => {
    const fail = (err: Error): void => {
      if (failure) return;
      failure = toDataError(err, builders?.length);
      source.unpipe(parser);
      source.destroy();
      parser.destroy();
      reject(failure);
    };
    parser.on("data", (record: string[]) => {
      if (failure) return;
      if (!builders) {
        try {
          builders = header(record).map((name) => new ColumnBuilder(name, missing, maxMissingLength));
        } catch (err) {
          fail(err as Error);
        }
        return;
      }
      for (let j = 0; j < builders.length; j++) builders[j]!.push(record[j]!);
      nRows++;
    });
    parser.on("error", fail);
    source.on("error", fail);
    parser.on("end", () => {
      if (failure) return;
      if (!builders || nRows === 0) {
        fail(new DataError("NO_DATA_ROWS", builders ? "The CSV has a header but no data rows." : "The CSV is empty: it has neither a header nor data rows."));
        return;
      }
      resolve(new Table(nRows, builders.map((b) => b.finish())));
    });
    source.pipe(parser);
  });
}

function header(record: string[]): string[] {
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

function toDataError(err: Error, nColumns: number | undefined): Error {
  if (err instanceof DataError) return err;
  if (err instanceof CsvError) {
    const info = err as CsvError & { lines?: number; record?: unknown[] };
    if (err.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH") {
      const got = info.record?.length;
      return new DataError("RAGGED_ROW", `Line ${info.lines} has ${got} fields, but the header has ${nColumns} columns.`, { line: info.lines, fields: got, expected: nColumns });
    }
    return new DataError("INVALID_CSV", `The CSV is malformed near line ${info.lines ?? "?"}: ${err.message}`, { line: info.lines, csvCode: err.code });
  }
  if ((err as NodeJS.ErrnoException).code === "ENOENT") return new DataError("FILE_NOT_FOUND", err.message);
  return err;
}
