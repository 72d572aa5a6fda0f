import type { StateValue, TypedArray } from "../core/estimator";

const MAGIC = 0x4d4c574d; // "MLWM"
const VERSION = 1;
const ARRAYS = { Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array } as const;
type ArrayName = keyof typeof ARRAYS;

/**
 * Encodes a state tree into one compact buffer: a JSON header for the structure and one
 * 8-byte-aligned binary section holding every typed array as raw little-endian bytes.
 * `decode(encode(x))` gives back equal values with the same typed-array types.
 */
export function encode(value: StateValue): Buffer {
  const blobs: TypedArray[] = [];
  let offset = 0;
  const header = JSON.stringify(value, (_key, v: unknown) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const ta = v as TypedArray;
      const ref = { $ta: ta.constructor.name, o: offset, n: ta.length };
      blobs.push(ta);
      offset += align8(ta.byteLength);
      return ref;
    }
    if (typeof v === "number" && !Number.isFinite(v)) return { $num: String(v) };
    return v;
  });
  const headerBytes = Buffer.from(header, "utf8");
  const start = align8(12 + headerBytes.length);
  const out = Buffer.alloc(start + offset);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(headerBytes.length, 8);
  headerBytes.copy(out, 12);
  let at = start;
  for (const ta of blobs) {
    Buffer.from(ta.buffer, ta.byteOffset, ta.byteLength).copy(out, at);
    at += align8(ta.byteLength);
  }
  return out;
}

/** Decodes a buffer written by `encode`. Typed arrays are copied out of the buffer. */
export function decode(buf: Uint8Array): StateValue {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 12 || b.readUInt32LE(0) !== MAGIC) throw new Error("not a saved model: bad magic number");
  const version = b.readUInt32LE(4);
  if (version !== VERSION) throw new Error(`saved model format ${version} is not supported (this build reads ${VERSION})`);
  const headerLength = b.readUInt32LE(8);
  const start = align8(12 + headerLength);
  return JSON.parse(b.toString("utf8", 12, 12 + headerLength), (_key, v: unknown) => {
    if (v && typeof v === "object" && "$ta" in v) {
      const { $ta, o, n } = v as { $ta: ArrayName; o: number; n: number };
      const Ctor = ARRAYS[$ta];
      if (!Ctor) throw new Error(`saved model holds an unknown array type ${String($ta)}`);
      const bytes = n * Ctor.BYTES_PER_ELEMENT;
      const copy = new Uint8Array(bytes);
      copy.set(b.subarray(start + o, start + o + bytes));
      return new Ctor(copy.buffer);
    }
    if (v && typeof v === "object" && "$num" in v) return Number((v as { $num: string }).$num);
    return v;
  }) as StateValue;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
