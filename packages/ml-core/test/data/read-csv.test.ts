import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataError } from "../../src/core/errors";
import { parseCsv, readCsv, readCsvHeader, type CategoricalColumn, type NumericColumn } from "../../src/data";
import { CsvRecordReader } from "../../src/data/csv-record-reader";

import { datasetPath } from "../datasets";

async function code(promise: Promise<unknown>): Promise<DataError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }
  throw new Error("expected a DataError");
}

describe("parseCsv: RFC 4180", () => {
  it("reads quoted fields with commas, doubled quotes and newlines", async () => {
    const t = await parseCsv('name,note\n"Smith, J","said ""hi""\nthen left"\nDoe,plain\n');
    const note = t.column("note") as CategoricalColumn;
    expect(t.nRows).toBe(2);
    expect(note.categories[note.codes[0]!]).toBe('said "hi"\nthen left');
    const name = t.column("name") as CategoricalColumn;
    expect(name.categories[name.codes[0]!]).toBe("Smith, J");
  });

  it("handles CRLF line endings and a UTF-8 BOM", async () => {
    const t = await parseCsv(Buffer.from("\ufeffa,b\r\n1,x\r\n2,y\r\n", "utf8"));
    expect(t.names()).toEqual(["a", "b"]);
    expect(Array.from((t.column("a") as NumericColumn).values)).toEqual([1, 2]);
    expect((t.column("b") as CategoricalColumn).categories).toEqual(["x", "y"]);
  });

  it("reads the default missing markers as missing and honours custom ones", async () => {
    const t = await parseCsv("a,b\n1,x\nNA,\nnull,N/A\n4,NaN\n");
    expect(Array.from((t.column("a") as NumericColumn).values).map((v) => (Number.isNaN(v) ? null : v))).toEqual([1, null, null, 4]);
    expect(Array.from((t.column("b") as CategoricalColumn).codes)).toEqual([0, -1, -1, -1]);
    const custom = await parseCsv("a\n1\n?\n", { missingValues: ["?"] });
    expect(custom.column("a")!.kind).toBe("numeric");
    expect(Number.isNaN((custom.column("a") as NumericColumn).values[1]!)).toBe(true);
  });
});

describe("parseCsv: line endings and chunking", () => {
  it("reads LF and CRLF mixed in one file, and old Mac CR-only files", async () => {
    for (const text of ["a,b\n1,x\r\n2,y\n3,\"z\"\r\n", "a,b\r1,x\r2,y\r3,z\r"]) {
      const t = await parseCsv(text);
      expect(t.nRows).toBe(3);
      expect((t.column("b") as CategoricalColumn).categories).toEqual(["x", "y", "z"]);
    }
  });

  it("reads a file of many chunks exactly like the same text in memory, and finds a ragged row deep in it", async () => {
    const lines = ["id,note,v"];
    for (let i = 0; i < 40000; i++) lines.push(`${i},"zwei ""q""\r\nété ${i % 7}, 日本",${(i * 0.37).toFixed(3)}`);
    const dir = mkdtempSync(join(tmpdir(), "mlcsv-"));
    const text = lines.join("\r\n") + "\r\n"; // > 2 MB: quoted line breaks and multi-byte characters cross chunk edges
    writeFileSync(join(dir, "big.csv"), text);
    const fromFile = await readCsv(join(dir, "big.csv"));
    expect(fromFile.nRows).toBe(40000);
    const note = fromFile.column("note") as CategoricalColumn;
    expect(note.categories).toHaveLength(7);
    expect(note.categories[note.codes[39999]!]).toBe('zwei "q"\r\nété 1, 日本');
    expect((fromFile.column("v") as NumericColumn).values[39999]).toBe(14799.63);
    expect(await parseCsv(text)).toEqual(fromFile);
    expect(await parseCsv(Buffer.from(text))).toEqual(fromFile);

    lines.splice(30001, 0, "1,2"); // after the header and 30000 rows of two lines each
    writeFileSync(join(dir, "ragged.csv"), lines.join("\n") + "\n");
    const err = await code(readCsv(join(dir, "ragged.csv")));
    expect(err.code).toBe("RAGGED_ROW");
    expect(err.message).toBe("Line 60002 has 2 fields, but the header has 3 columns.");
  });
});

describe("parseCsv: type inference", () => {
  it("infers numeric, boolean-like and categorical columns", async () => {
    const t = await parseCsv("n,b,c,h,z\n1.5,Yes,red,0x10,1e3\n-2,no,blue,12,0\n,YES,red,7,\n");
    expect(t.column("n")!.kind).toBe("numeric");
    const b = t.column("b") as CategoricalColumn;
    expect(b.kind).toBe("categorical");
    expect(b.categories).toEqual(["YES", "Yes", "no"]); // three spellings: not one yes/no pair
    expect(b.booleanLike).toBe(false);
    const c = t.column("c") as CategoricalColumn;
    expect(c.categories).toEqual(["blue", "red"]);
    expect(Array.from(c.codes)).toEqual([1, 0, 1]);
    expect(t.column("h")!.kind).toBe("categorical"); // hex is text, as in pandas
    expect(Array.from((t.column("z") as NumericColumn).values).slice(0, 2)).toEqual([1000, 0]);
  });

  it("flags yes/no and true/false columns as boolean-like", async () => {
    const t = await parseCsv("p,q,r\nYes,true,t\nNo,false,f\nYes,,t\n");
    for (const name of ["p", "q", "r"]) expect((t.column(name) as CategoricalColumn).booleanLike).toBe(true);
  });

  it("turns a column categorical when text appears after numbers, keeping earlier rows", async () => {
    const lines = ["g"];
    for (let i = 0; i < 70000; i++) lines.push(String(i % 3));
    lines.push("3+");
    const t = await parseCsv(lines.join("\n"));
    const g = t.column("g") as CategoricalColumn;
    expect(g.kind).toBe("categorical");
    expect(g.categories).toEqual(["0", "1", "2", "3+"]);
    expect(g.categories[g.codes[4]!]).toBe("1");
    expect(g.categories[g.codes[70000]!]).toBe("3+");
    expect(t.nRows).toBe(70001);
  });
});

describe("parseCsv: errors", () => {
  it("reports a ragged row with its line number", async () => {
    const err = await code(parseCsv("a,b\n1,2\n3,4\n5\n6,7\n"));
    expect(err.code).toBe("RAGGED_ROW");
    expect(err.message).toContain("Line 4");
  });

  it("counts lines inside quoted fields for the ragged row line", async () => {
    const err = await code(parseCsv('a,b\n1,"x\ny"\n3,4,5\n'));
    expect(err.code).toBe("RAGGED_ROW");
    expect(err.message).toContain("Line 4");
  });

  it("names duplicate and empty header columns", async () => {
    const dup = await code(parseCsv("a,b,a\n1,2,3\n"));
    expect(dup.code).toBe("DUPLICATE_HEADER");
    expect(dup.message).toContain("`a`");
    const empty = await code(parseCsv("a,,c\n1,2,3\n"));
    expect(empty.code).toBe("EMPTY_HEADER");
    expect(empty.message).toContain("Column 2");
  });

  it("refuses a header without rows, an empty input, bad quoting and oversize input", async () => {
    expect((await code(parseCsv("a,b\n"))).code).toBe("NO_DATA_ROWS");
    expect((await code(parseCsv(""))).code).toBe("NO_DATA_ROWS");
    expect((await code(parseCsv('a,b\n1,"open\n'))).code).toBe("INVALID_CSV");
    expect((await code(parseCsv("a\n1\n", { maxBytes: 3 }))).code).toBe("FILE_TOO_LARGE");
  });

  it("names the line of a quote that is never closed or is followed by text", async () => {
    const open = await code(parseCsv('a,b\n1,2\n3,"open\n4,5\n'));
    expect(open.code).toBe("INVALID_CSV");
    expect(open.message).toContain("near line 3");
    const trailing = await code(parseCsv('a,b\n1,"x"y\n2,z\n'));
    expect(trailing.code).toBe("INVALID_CSV");
    expect(trailing.message).toContain("near line 2");
  });
});

describe("readCsv", () => {
  it("loads churn.csv with correct types and 11 missing total_charges", async () => {
    const t = await readCsv(datasetPath("churn.csv"));
    expect(t.nRows).toBe(7043);
    expect(t.columns).toHaveLength(20);
    const total = t.column("total_charges") as NumericColumn;
    expect(total.kind).toBe("numeric");
    expect(Array.from(total.values).filter(Number.isNaN)).toHaveLength(11);
    expect(t.column("tenure")!.kind).toBe("numeric");
    const churn = t.column("Churn") as CategoricalColumn;
    expect(churn.categories).toEqual(["No", "Yes"]);
    expect(churn.booleanLike).toBe(true);
    const contract = t.column("contract") as CategoricalColumn;
    expect(contract.categories).toEqual(["Month-to-month", "One year", "Two year"]);
    expect(contract.booleanLike).toBe(false);
  });

  it("reports a missing file and a file over the size limit", async () => {
    expect((await code(readCsv(datasetPath("nope.csv")))).code).toBe("FILE_NOT_FOUND");
    expect((await code(readCsv(datasetPath("iris.csv"), { maxBytes: 100 }))).code).toBe("FILE_TOO_LARGE");
  });

  it("reads a file written with CRLF exactly like the same text in memory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlcsv-"));
    const text = 'x,y\r\n1,"a\r\nb"\r\n2,c\r\n';
    writeFileSync(join(dir, "f.csv"), text);
    const fromFile = await readCsv(join(dir, "f.csv"));
    const fromText = await parseCsv(text);
    expect(fromFile).toEqual(fromText);
    expect((fromFile.column("y") as CategoricalColumn).categories).toContain("a\r\nb");
  });
});

describe("INVALID_CSV: what is not UTF-8 CSV text", () => {
  it("refuses NUL bytes in the header or in a later row, naming the byte offset", async () => {
    const header = await code(parseCsv(Buffer.from("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "latin1")));
    expect(header.code).toBe("INVALID_CSV");
    expect(header.message).toMatch(/NUL byte at byte offset 8.*binary/);
    const row = await code(parseCsv(Buffer.from("a,b\n1,2\n3,\0\n")));
    expect(row).toMatchObject({ code: "INVALID_CSV", details: { offset: 10 } });
    expect((await code(parseCsv("a,b\n1,\0\n"))).code).toBe("INVALID_CSV");
  });

  it("refuses bytes that are not UTF-8 (a Latin-1 file), naming the offset, and a file cut inside a character", async () => {
    const latin1 = await code(parseCsv(Buffer.concat([Buffer.from("name,y\nJos"), Buffer.from([0xe9]), Buffer.from(",1\n")])));
    expect(latin1.code).toBe("INVALID_CSV");
    expect(latin1.message).toContain("not UTF-8");
    expect(latin1.details).toEqual({ offset: 10 });
    const cut = await code(parseCsv(Buffer.concat([Buffer.from("a,b\n1,"), Buffer.from("é").subarray(0, 1)])));
    expect(cut.code).toBe("INVALID_CSV");
  });

  it("still reads multi-byte characters split across the file's chunks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlcsv-"));
    const head = "v,y\n";
    const row = "é,1\n"; // 5 bytes: the 1 MiB chunk boundary falls inside an é
    const n = Math.ceil((1 << 21) / 5);
    writeFileSync(join(dir, "utf8.csv"), head + row.repeat(n));
    const t = await readCsv(join(dir, "utf8.csv"));
    expect(t.nRows).toBe(n);
    expect((t.column("v") as CategoricalColumn).categories).toEqual(["é"]);
  });

  it("refuses a quote that is never closed in the header", async () => {
    expect((await code(parseCsv('a,"b\n1,2\n'))).code).toBe("INVALID_CSV");
  });

  it("refuses a record longer than the reader's limit before holding the rest of the file", () => {
    const reader = new CsvRecordReader(() => undefined, 16);
    reader.write("a,b\n1,2\n");
    expect(() => reader.write('3,"an open quote and then far too much text')).toThrow(expect.objectContaining({ code: "INVALID_CSV", message: expect.stringContaining("near line 3") }));
  });
});

describe("readCsvHeader", () => {
  const dir = mkdtempSync(join(tmpdir(), "mlcsv-header-"));
  const file = (name: string, content: string | Buffer): string => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };

  it("answers the names as readCsv names the columns, untrimmed, after a BOM", async () => {
    expect(await readCsvHeader(file("ok.csv", '\ufeffa, b,"c,d"\r\n1,2,3\r\n'))).toEqual(["a", " b", "c,d"]);
    expect(await readCsvHeader(file("only.csv", "x,y"))).toEqual(["x", "y"]);
  });

  it("refuses a binary header, invalid UTF-8 and an unclosed quote with INVALID_CSV", async () => {
    expect((await code(readCsvHeader(file("png.csv", Buffer.from("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", "latin1"))))).code).toBe("INVALID_CSV");
    expect((await code(readCsvHeader(file("latin1.csv", Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2c, 0x79, 0x0a]))))).code).toBe("INVALID_CSV");
    expect((await code(readCsvHeader(file("quote.csv", 'a,"b\n1,2\n')))).code).toBe("INVALID_CSV");
  });

  it("keeps the codes of empty and duplicate names, and of an empty or missing file", async () => {
    expect((await code(readCsvHeader(file("dupes.csv", "a,b,a\n1,2,3\n")))).code).toBe("DUPLICATE_HEADER");
    expect((await code(readCsvHeader(file("blank.csv", "a, ,c\n1,2,3\n")))).code).toBe("EMPTY_HEADER");
    expect((await code(readCsvHeader(file("empty.csv", "\n\n")))).code).toBe("NO_HEADER");
    expect((await code(readCsvHeader(join(dir, "nope.csv")))).code).toBe("FILE_NOT_FOUND");
  });

  it("reads no further than the first chunk", async () => {
    const late = file("late.csv", "a,y\n" + "1,2\n".repeat(50_000) + "\0\n");
    expect(await readCsvHeader(late)).toEqual(["a", "y"]);
    expect((await code(readCsv(late))).code).toBe("INVALID_CSV");
  });
});
