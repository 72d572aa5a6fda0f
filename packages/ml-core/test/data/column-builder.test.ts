import { ColumnBuilder, parseNumber } from "../../src/data/column-builder";

describe("parseNumber", () => {
  it("reads plain decimals exactly as Number does", () => {
    for (const text of ["0", "7", "-219.6640", "+3", ".5", "5.", "007", "0.1", "99.99", "123456789012345", "1234567890123456789", "0.30000000000000004", "1e3", "-1.5E-7"]) {
      expect(parseNumber(text)).toBe(Number(text));
    }
    expect(Object.is(parseNumber("-0"), 0)).toBe(true);
  });

  it("refuses blank text, hex, binary and octal literals, infinities and other text", () => {
    for (const text of ["", "-", ".", "0x10", "0b1", "0o7", "Infinity", "-Infinity", "NaN", "1.2.3", "1,5", "12a"]) expect(parseNumber(text)).toBeNaN();
  });
});

describe("ColumnBuilder", () => {
  it("keeps every value when more rows come than it reserved room for", () => {
    const b = new ColumnBuilder("x", new Set(["NA"]), 10);
    for (let i = 0; i < 150000; i++) b.push(i % 1000 === 0 ? "NA" : String(i));
    const col = b.finish();
    if (col.kind !== "numeric") throw new Error("expected a numeric column");
    expect(col.values).toHaveLength(150000);
    expect(col.values[149999]).toBe(149999);
    expect(col.values[1000]).toBeNaN();
  });

  it("reads numbers that are missing markers as missing", () => {
    const b = new ColumnBuilder("x", new Set(["-999"]), 3);
    for (const t of ["1", "-999", "2"]) b.push(t);
    const col = b.finish();
    expect(col.kind === "numeric" && Array.from(col.values)).toEqual([1, NaN, 2]);
  });
});
