import { isBooleanLike } from "./boolean-like";
import { scaledDecimal } from "./scaled-decimal";
import type { Column } from "./table";

/** Rows added to a column's storage at a time. */
const CHUNK = 65536;
/** The largest address-space reservation V8 grants one resizable ArrayBuffer. */
const MAX_RESERVATION = 2 ** 32;

/** An ArrayBuffer created with `maxByteLength` (ES2024, in Node 20), typed here as lib ES2023 is not. */
type ResizableArrayBuffer = ArrayBuffer & { resize(byteLength: number): void; readonly maxByteLength: number };
const ResizableArrayBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

/**
 * Parses one CSV field as a finite decimal number, or gives NaN. Unlike `Number`, refuses hex,
 * binary and octal literals, blank text and infinities, as pandas does, and reads "-0" as 0.
 *
 * Plain decimals (`-12.5`, `007`, `.5`, `-1.4778641324302337`) of at most 19 significant digits
 * and 22 digits after the point take a fast path that gives exactly what `Number(text)` gives
 * (see `scaledDecimal`); anything else (exponents, surrounding blanks, longer numbers, the rare
 * value next to a rounding boundary) is read by `Number`.
 */
export function parseNumber(text: string): number {
  const n = text.length;
  if (n === 0) return NaN;
  const sign = text.charCodeAt(0);
  let i = sign === 45 || sign === 43 ? 1 : 0; // "-", "+"
  const start = i;
  let point = -1;
  let hi = 0; // the first 15 significant digits
  let lo = 0; // the digits after them
  let nLo = 0;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d >= 0 && d <= 9) {
      if (hi < 1e14) {
        hi = hi * 10 + d;
      } else {
        lo = lo * 10 + d;
        nLo++;
      }
    } else if (d === -2 && point < 0) {
      point = i; // "."
    } else break;
  }
  const digits = point < 0 ? i - start : i - start - 1;
  const k = point < 0 ? 0 : i - point - 1;
  if (i === n && digits > 0 && nLo <= 4 && k <= 22) {
    const v = scaledDecimal(hi, lo, nLo, k);
    if (v === v) return sign === 45 && v !== 0 ? -v : v; // "-0" reads as 0, as below
  }
  return parseGeneral(text);
}

function parseGeneral(text: string): number {
  const v = +text;
  if (!Number.isFinite(v)) return NaN;
  if (v === 0) return /[0-9]/.test(text) ? 0 : NaN;
  if (text.charCodeAt(0) === 48) {
    const c = text.charCodeAt(1) | 32; // lower-case letter
    if (c === 120 || c === 98 || c === 111) return NaN; // 0x, 0b, 0o
  }
  return v;
}

/**
 * Builds one column from its text fields into typed arrays (no per-row objects): numeric while
 * every non-missing field parses as a finite number, then dictionary-encoded. When a column turns
 * categorical after numbers were seen, those numbers are written back as `String(n)` ("1.50"
 * becomes "1.5"); the original text is not kept, to keep memory flat.
 *
 * Values grow in place in a resizable ArrayBuffer that reserves address space for `maxRows`:
 * only written pages take memory, nothing is copied while rows arrive, and `finish` copies the
 * column once into a plain typed array and at once returns the pages it used, so a whole table
 * never exists twice.
 */
export class ColumnBuilder {
  private numeric = true;
  private store: ResizableArrayBuffer;
  /** Views of `store`, valid up to `capacity`; only the one of the current kind is used. */
  private num: Float64Array;
  private code: Int32Array = new Int32Array(0);
  private capacity = 0;
  private length = 0;
  /** Category text to code; the missing-value markers map to -1, so one lookup answers both. */
  private dict = new Map<string, number>();
  private categories: string[] = [];
  /** Whether some missing-value marker reads as a number, so numbers must be checked against them. */
  private readonly numericMissing: boolean;

  /**
   * @param name the column name.
   * @param missing field texts read as missing ("" always is).
   * @param maxRows an upper bound on the rows to come, for the address space to reserve; more
   *   rows still fit, at the cost of one copy.
   */
  constructor(
    readonly name: string,
    private readonly missing: ReadonlySet<string>,
    private readonly maxRows: number,
  ) {
    for (const m of missing) this.dict.set(m, -1);
    this.dict.set("", -1);
    this.numericMissing = [...missing].some((m) => !Number.isNaN(parseNumber(m)));
    this.store = reserve(maxRows, 8);
    this.num = new Float64Array(this.store, 0, 0);
  }

  /** Appends one field's text. */
  push(text: string): void {
    if (this.length === this.capacity) this.grow();
    if (this.numeric) {
      let v = NaN;
      if (!(this.numericMissing && this.missing.has(text))) {
        v = parseNumber(text);
        if (v !== v && text.length > 0 && !this.missing.has(text)) {
          this.toCategorical();
          this.code[this.length++] = this.encode(text);
          return;
        }
      }
      this.num[this.length++] = v;
    } else {
      this.code[this.length++] = this.encode(text);
    }
  }

  /** The finished column; the builder must not be used afterwards. */
  finish(): Column {
    if (this.numeric) {
      const values = this.num.slice(0, this.length);
      this.release();
      return { kind: "numeric", name: this.name, values };
    }
    const codes = this.code.slice(0, this.length);
    this.release();
    const order = this.categories.map((_, i) => i).sort((a, b) => compare(this.categories[a]!, this.categories[b]!));
    const remap = new Int32Array(order.length);
    order.forEach((old, i) => (remap[old] = i));
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (c >= 0) codes[i] = remap[c]!;
    }
    const categories = order.map((i) => this.categories[i]!);
    return { kind: "categorical", name: this.name, codes, categories, booleanLike: isBooleanLike(categories) };
  }

  /** The code of `text`: -1 when it is a missing marker, else its category, added if new. */
  private encode(text: string): number {
    let c = this.dict.get(text);
    if (c === undefined) {
      c = this.categories.length;
      const own = detach(text);
      this.categories.push(own);
      this.dict.set(own, c);
    }
    return c;
  }

  /** Makes room for CHUNK more rows: in place, or by moving to a larger reservation when full. */
  private grow(): void {
    const bytes = this.numeric ? 8 : 4;
    const room = this.store.maxByteLength / bytes;
    let capacity = Math.min(this.capacity + CHUNK, room);
    if (capacity === this.capacity) {
      capacity += CHUNK;
      const larger = reserve(2 * capacity, bytes);
      larger.resize(capacity * bytes);
      new Uint8Array(larger).set(new Uint8Array(this.store, 0, this.length * bytes));
      this.store.resize(0);
      this.store = larger;
    } else {
      this.store.resize(capacity * bytes);
    }
    this.capacity = capacity;
    if (this.numeric) this.num = new Float64Array(this.store, 0, capacity);
    else this.code = new Int32Array(this.store, 0, capacity);
  }

  private toCategorical(): void {
    const nums = this.num;
    const store = reserve(Math.max(this.maxRows, this.capacity), 4);
    store.resize(this.capacity * 4);
    const code = new Int32Array(store, 0, this.capacity);
    for (let i = 0; i < this.length; i++) {
      const v = nums[i]!;
      code[i] = v !== v ? -1 : this.encode(String(v));
    }
    this.store.resize(0);
    this.store = store;
    this.code = code;
    this.num = new Float64Array(0);
    this.numeric = false;
  }

  /** Returns the pages of the storage now, without waiting for garbage collection. */
  private release(): void {
    this.store.resize(0);
    this.num = new Float64Array(0);
    this.code = new Int32Array(0);
    this.capacity = 0;
  }
}

/** A resizable ArrayBuffer of length 0 with room for `rows` elements of `bytes` bytes (capped). */
function reserve(rows: number, bytes: number): ResizableArrayBuffer {
  const max = Math.min(Math.max(rows, 1) * bytes, MAX_RESERVATION);
  return new ResizableArrayBuffer(0, { maxByteLength: max });
}

/**
 * A copy of `text` that does not keep alive the larger string it may be a slice of (a parsed
 * field is a view into the whole chunk of text it came from).
 */
function detach(text: string): string {
  return (text + " ").slice(0, -1);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
