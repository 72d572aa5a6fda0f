import { DataError } from "../core/errors";
import { isBooleanLike } from "./boolean-like";
import { parseNumber } from "./column-builder";
import { CsvRecordReader } from "./csv-record-reader";
import { DEFAULT_MISSING_VALUES, checkHeader } from "./read-csv";
import { Utf8Text } from "./utf8-text";

/** The type `readCsv` would give a column: numeric, categorical, or a categorical yes/no column (`boolean`). */
export type ProfiledType = "numeric" | "categorical" | "boolean";

/** One column of a profile: its name, type, and how many of its fields are missing. */
export interface ColumnProfile {
  readonly name: string;
  readonly type: ProfiledType;
  readonly missing: number;
}

/** What `CsvProfiler.end` answers: the data rows and each column's profile. */
export interface CsvProfile {
  readonly rows: number;
  readonly columns: ColumnProfile[];
}

/** Per column: missing count, whether numeric so far, and up to three distinct texts (to tell yes/no columns). */
interface Tally {
  name: string;
  missing: number;
  numeric: boolean;
  distinct: Set<string>;
}

/**
 * Profiles CSV bytes pushed in chunks of any size, judging them exactly as `readCsv` does (UTF-8
 * and NUL checks, quoting, header names, ragged rows, column types and missing values) while
 * holding only the current chunk and a few counters per column: a file of any size can be checked
 * as it streams past (an upload), without building its table.
 *
 * @throws DataError from `write` or `end`: `INVALID_CSV`, `RAGGED_ROW`, `EMPTY_HEADER`,
 *   `DUPLICATE_HEADER`, `NO_DATA_ROWS`.
 */
export class CsvProfiler {
  private readonly utf8 = new Utf8Text();
  private readonly missingValues: ReadonlySet<string>;
  private readonly reader: CsvRecordReader;
  private tallies: Tally[] | undefined;
  private rows = 0;

  /** @param missingValues field texts read as missing (default: readCsv's). */
  constructor(missingValues: readonly string[] = DEFAULT_MISSING_VALUES) {
    this.missingValues = new Set(["", ...missingValues]);
    this.reader = new CsvRecordReader((record) => this.onRecord(record));
  }

  /** Feeds the next chunk of the file's bytes. */
  write(chunk: Uint8Array): void {
    this.reader.write(this.utf8.decode(chunk));
  }

  /** Ends the input and answers the profile. */
  end(): CsvProfile {
    this.reader.write(this.utf8.end());
    this.reader.end();
    if (!this.tallies || this.rows === 0) {
      throw new DataError("NO_DATA_ROWS", this.tallies ? "The CSV has a header but no data rows." : "The CSV is empty: it has neither a header nor data rows.");
    }
    return { rows: this.rows, columns: this.tallies.map(profileOf) };
  }

  private onRecord(record: string[]): void {
    if (!this.tallies) {
      this.tallies = checkHeader(record).map((name) => ({ name, missing: 0, numeric: true, distinct: new Set() }));
      return;
    }
    if (record.length !== this.tallies.length) {
      const line = this.reader.line();
      throw new DataError("RAGGED_ROW", `Line ${line} has ${record.length} fields, but the header has ${this.tallies.length} columns.`, { line, fields: record.length, expected: this.tallies.length });
    }
    for (let j = 0; j < record.length; j++) this.tally(this.tallies[j]!, record[j]!);
    this.rows++;
  }

  private tally(t: Tally, text: string): void {
    if (this.missingValues.has(text)) {
      t.missing++;
      return;
    }
    if (t.numeric && !Number.isNaN(parseNumber(text))) {
      if (t.distinct.size < 3) t.distinct.add(String(parseNumber(text)));
      return;
    }
    t.numeric = false;
    if (t.distinct.size < 3) t.distinct.add(text);
  }
}

function profileOf(t: Tally): ColumnProfile {
  const type: ProfiledType = t.numeric ? "numeric" : isBooleanLike([...t.distinct].sort()) ? "boolean" : "categorical";
  return { name: t.name, type, missing: t.missing };
}
