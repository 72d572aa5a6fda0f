import { isBooleanLike } from "./boolean-like";
import type { Column } from "./table";

const CHUNK = 65536;

/**
 * Parses one CSV field as a finite decimal number, or gives NaN. Unlike `Number`, refuses hex,
 * binary and octal literals, blank text and infinities, as pandas does.
 */
export function parseNumber(text: string): number {
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
 * Builds one column from its text fields, in fixed-size typed-array chunks (no per-row objects):
 * numeric while every non-missing field parses as a finite number, then dictionary-encoded.
 * When a column turns categorical after numbers were seen, those numbers are written back as
 * `String(n)` ("1.50" becomes "1.5"); the original text is not kept, to keep memory flat.
 */
export class ColumnBuilder {
  private numeric = true;
  private numChunks: Float64Array[] = [];
  private num: Float64Array = new Float64Array(CHUNK);
  private codeChunks: Int32Array[] = [];
  private code: Int32Array = new Int32Array(0);
  private pos = 0;
  private dict = new Map<string, number>();
  private categories: string[] = [];
  private length = 0;

  constructor(
    readonly name: string,
    private readonly missing: ReadonlySet<string>,
    private readonly maxMissingLength: number,
  ) {}

  /** Appends one field's text. */
  push(text: string): void {
    if (this.pos === CHUNK) this.nextChunk();
    const isMissing = text.length === 0 || (text.length <= this.maxMissingLength && this.missing.has(text));
    if (this.numeric) {
      let v = NaN;
      if (!isMissing) {
        v = parseNumber(text);
        if (v !== v) {
          this.toCategorical();
          this.code[this.pos++] = this.encode(text);
          this.length++;
          return;
        }
      }
      this.num[this.pos++] = v;
    } else {
      this.code[this.pos++] = isMissing ? -1 : this.encode(text);
    }
    this.length++;
  }

  /** The finished column; the builder must not be used afterwards. */
  finish(): Column {
    if (this.numeric) {
      const values = concat(this.numChunks, this.num.subarray(0, this.pos), new Float64Array(this.length));
      this.numChunks = [];
      return { kind: "numeric", name: this.name, values };
    }
    const codes = concat(this.codeChunks, this.code.subarray(0, this.pos), new Int32Array(this.length));
    this.codeChunks = [];
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

  private encode(text: string): number {
    let c = this.dict.get(text);
    if (c === undefined) {
      c = this.categories.length;
      this.categories.push(text);
      this.dict.set(text, c);
    }
    return c;
  }

  private nextChunk(): void {
    if (this.numeric) {
      this.numChunks.push(this.num);
      this.num = new Float64Array(CHUNK);
    } else {
      this.codeChunks.push(this.code);
      this.code = new Int32Array(CHUNK);
    }
    this.pos = 0;
  }

  private toCategorical(): void {
    this.numeric = false;
    const convert = (nums: Float64Array): Int32Array => {
      const out = new Int32Array(CHUNK);
      for (let i = 0; i < nums.length; i++) {
        const v = nums[i]!;
        out[i] = v !== v ? -1 : this.encode(String(v));
      }
      return out;
    };
    this.codeChunks = this.numChunks.map(convert);
    this.code = convert(this.num.subarray(0, this.pos));
    this.numChunks = [];
    this.num = new Float64Array(0);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function concat<T extends Float64Array | Int32Array>(chunks: T[], last: T, out: T): T {
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  out.set(last, at);
  return out;
}
