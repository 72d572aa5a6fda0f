import { isAscii } from "node:buffer";
import { TextDecoder } from "node:util";
import { DataError } from "../core/errors";

/**
 * Decodes a file's bytes, arriving in chunks, as UTF-8 text, refusing what cannot be CSV text
 * with `DataError("INVALID_CSV")`: a NUL byte (a binary file: an image, a spreadsheet, a
 * compressed file) or a byte sequence that is not UTF-8 (a file saved as Latin-1, say). Both name
 * the byte offset. Text given as strings is only checked for NUL characters.
 */
export class Utf8Text {
  /**
   * Created at the first chunk that is not ASCII: chunks before it are copied as they are, which is
   * faster. It strips a BOM only if it is the first of the bytes, as it did when it saw them all.
   */
  private decoder: TextDecoder | undefined;
  /** Whether bytes went past the decoder, so that a BOM it sees is not at the start of the file. */
  private copied = false;
  /** Bytes (or characters, for string chunks) handed in before the current chunk. */
  private offset = 0;

  /** The text of the next chunk. */
  decode(chunk: string | Uint8Array): string {
    const at = this.offset;
    this.offset += chunk.length;
    const nul = typeof chunk === "string" ? chunk.indexOf("\0") : chunk.indexOf(0);
    if (nul >= 0) {
      throw new DataError("INVALID_CSV", `The file holds a NUL byte at byte offset ${at + nul}: it looks like a binary file, not CSV text.`, { offset: at + nul });
    }
    if (typeof chunk === "string") return chunk;
    if (!this.decoder) {
      if (isAscii(chunk)) {
        this.copied ||= chunk.length > 0;
        return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString("latin1");
      }
      this.decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: this.copied });
    }
    try {
      return this.decoder.decode(chunk, { stream: true });
    } catch {
      const where = at + firstInvalidUtf8(chunk);
      throw new DataError("INVALID_CSV", `The file is not UTF-8 text: the bytes at offset ${where} are not valid UTF-8. Save it as UTF-8.`, { offset: where });
    }
  }

  /** The text held back at the end (an incomplete sequence is refused). */
  end(): string {
    try {
      return this.decoder?.decode() ?? "";
    } catch {
      throw new DataError("INVALID_CSV", "The file is not UTF-8 text: it ends inside a multi-byte character.", { offset: this.offset });
    }
  }
}

/** The offset of the first byte of `bytes` that does not start valid UTF-8 (0 if none is found, the fault then lying across chunks). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8");
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd && !(bytes[b] === 0xef && bytes[b + 1] === 0xbf && bytes[b + 2] === 0xbd)) return b;
    if (c >= 0xd800 && c <= 0xdbff) {
      b += 4;
      i++;
    } else b += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  return 0;
}
