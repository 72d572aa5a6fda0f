import { DataError } from "../../src/core/errors";
import { Utf8Text } from "../../src/data/utf8-text";

/** What one fatal TextDecoder makes of the chunks: what `Utf8Text` gave before it copied ASCII. */
function reference(chunks: Uint8Array[]): string {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  return chunks.map((c) => decoder.decode(c, { stream: true })).join("") + decoder.decode();
}

function decodeAll(chunks: Uint8Array[]): string {
  const utf8 = new Utf8Text();
  return chunks.map((c) => utf8.decode(c)).join("") + utf8.end();
}

const bytes = (...parts: (string | number[])[]): Uint8Array[] => parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Uint8Array.from(p)));

describe("Utf8Text", () => {
  it.each([
    ["ASCII only", bytes("a,b\n1,2\n", "3,4\n")],
    ["a BOM at the start", bytes("\ufeffa,b\n", "1,2\n")],
    ["a BOM after an empty chunk", bytes("", "\ufeffa,b\n")],
    ["a BOM at a chunk start after ASCII", bytes("a,b\n", "\ufeff1,2\n")],
    ["a character split across chunks after ASCII", bytes("a,b\n", [0x63, 0xc3], [0xa9, 0x0a], "x\n")],
    ["ASCII after other text", bytes("é,b\n", "1,2\n")],
  ])("decodes %s as one TextDecoder does", (_, chunks) => {
    expect(decodeAll(chunks)).toBe(reference(chunks));
  });

  it("names the offset of bytes that are not UTF-8 after ASCII chunks", () => {
    const utf8 = new Utf8Text();
    utf8.decode(Buffer.from("a,b\n"));
    expect(() => utf8.decode(Uint8Array.from([0x31, 0xff]))).toThrow(expect.objectContaining({ code: "INVALID_CSV", details: { offset: 5 } }) as DataError);
  });

  it("refuses text that ends inside a character", () => {
    const utf8 = new Utf8Text();
    utf8.decode(Buffer.from("a\n"));
    utf8.decode(Uint8Array.from([0xc3]));
    expect(() => utf8.end()).toThrow(DataError);
  });
});
