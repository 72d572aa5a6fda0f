import { Parser } from "papaparse";
import { DataError } from "../core/errors";

/**
 * Splits CSV text, fed in chunks of any size, into records with papaparse's tokenizer (RFC 4180:
 * quoted fields with commas, doubled quotes and line breaks; LF, CRLF, or CR line breaks; a
 * UTF-8 BOM), handing each record to `onRecord` as soon as it is complete. Only the current
 * chunk and the incomplete record at its end are held. Empty lines are skipped.
 *
 * Lines are counted from 1, a record spanning several lines (quoted line breaks) counting all of
 * them, as `line()` reports for the record being handed over.
 *
 * A quote that is never closed, a closing quote followed by text, or a record longer than
 * `maxRecordLength` characters (what an unclosed quote early in a large file looks like, found
 * before the whole file is held as one string) throws `DataError("INVALID_CSV")`; anything
 * `onRecord` throws propagates out of `write` and `end`.
 */
export class CsvRecordReader {
  private parser: Parser | undefined;
  /** The line break papaparse splits on: "\n" also covers "\r\n", whose "\r" is dropped. */
  private lineBreak: "\n" | "\r" = "\n";
  private started = false;
  private tail = "";
  /** The text being parsed, and how many line breaks precede it. */
  private text = "";
  private linesBefore = 0;
  /** Where the record being handed over ends in `text`. */
  private cursor = 0;

  /**
   * @param onRecord called with each non-empty record, in order; it may keep the array.
   * @param maxRecordLength the longest record accepted, in characters. Default 2^24 (16 Mi).
   */
  constructor(
    private readonly onRecord: (record: string[]) => void,
    private readonly maxRecordLength = 2 ** 24,
  ) {}

  /** Feeds the next piece of text. */
  write(chunk: string): void {
    let text = this.tail + chunk;
    if (!this.parser) {
      if (!this.started && text.length > 0) {
        this.started = true;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      const lineBreak = detectLineBreak(text);
      if (lineBreak === undefined) {
        this.tail = text; // no complete line yet
        this.checkTail();
        return;
      }
      this.start(lineBreak);
    }
    this.text = text;
    const consumed: number = this.parser!.parse(text, 0, true).meta.cursor;
    this.linesBefore += countOf(this.lineBreak, text, consumed);
    this.tail = text.slice(consumed);
    this.text = "";
    this.checkTail();
  }

  /** Parses what is left after the last chunk. */
  end(): void {
    if (!this.parser) {
      if (this.tail.length === 0) return;
      this.start("\n");
    }
    this.text = this.tail;
    this.tail = "";
    this.parser!.parse(this.text, 0, false);
    this.text = "";
  }

  /** The line (from 1) on which the record being handed to `onRecord` ends. */
  line(): number {
    const end = this.cursor;
    const breaks = countOf(this.lineBreak, this.text, end);
    const endsWithBreak = end > 0 && this.text.charAt(end - 1) === this.lineBreak;
    return this.linesBefore + breaks + (endsWithBreak ? 0 : 1);
  }

  /** The incomplete record held back must stay under `maxRecordLength`. */
  private checkTail(): void {
    if (this.tail.length <= this.maxRecordLength) return;
    const line = this.linesBefore + 1;
    throw new DataError("INVALID_CSV", `The CSV is malformed near line ${line}: a record runs past ${this.maxRecordLength} characters (a quote that is never closed?).`, { line });
  }

  private start(lineBreak: "\n" | "\r"): void {
    this.lineBreak = lineBreak;
    const stripCr = lineBreak === "\n";
    this.parser = new Parser({
      delimiter: ",",
      newline: lineBreak,
      quoteChar: '"',
      step: (result) => {
        const record = (result.data as unknown as string[][])[0]!; // the low-level Parser hands [record]
        this.cursor = result.meta.cursor;
        if (result.errors.length > 0) {
          const error = result.errors[0]!;
          const line = this.linesBefore + countOf(this.lineBreak, this.text, error.index ?? this.cursor) + 1;
          throw new DataError("INVALID_CSV", `The CSV is malformed near line ${line}: ${error.message}.`, { line, csvCode: error.code });
        }
        const n = record.length;
        if (stripCr) {
          const last = record[n - 1]!;
          if (last.charCodeAt(last.length - 1) === 13) record[n - 1] = last.slice(0, -1);
        }
        if (n === 1 && record[0]!.length === 0) return; // empty line
        this.onRecord(record);
      },
    });
  }
}

/**
 * The line break of `text`: "\r" when its first line ends with a lone carriage return, "\n" when
 * it ends with "\n" or "\r\n", undefined when no line is complete yet. Quoted text is skipped.
 */
function detectLineBreak(text: string): "\n" | "\r" | undefined {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && c === 10) return "\n";
    else if (!quoted && c === 13) return i + 1 === text.length ? undefined : text.charCodeAt(i + 1) === 10 ? "\n" : "\r";
  }
  return undefined;
}

/** How many times the one-character `ch` occurs in `text` before `end`. */
function countOf(ch: string, text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1 && i < end; i = text.indexOf(ch, i + 1)) n++;
  return n;
}
