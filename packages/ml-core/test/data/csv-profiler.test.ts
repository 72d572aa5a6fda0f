import { readFileSync } from "node:fs";
import { DataError } from "../../src/core/errors";
import { CsvProfiler, parseCsv, type CsvProfile, type Table } from "../../src/data";
import { datasetPath } from "../datasets";

/** Profiles `bytes` fed in chunks of `size` bytes (splitting multi-byte characters and records anywhere). */
function profile(bytes: Buffer, size: number): CsvProfile {
  const p = new CsvProfiler();
  for (let at = 0; at < bytes.length; at += size) p.write(bytes.subarray(at, at + size));
  return p.end();
}

/** The profile `readCsv` implies: its row count, and per column the kind and NaN / -1 count. */
function fromTable(t: Table): CsvProfile {
  return {
    rows: t.nRows,
    columns: t.columns.map((c) =>
      c.kind === "numeric"
        ? { name: c.name, type: "numeric", missing: c.values.filter(Number.isNaN).length }
        : { name: c.name, type: c.booleanLike ? "boolean" : "categorical", missing: c.codes.filter((v) => v < 0).length },
    ),
  };
}

function thrown(bytes: Buffer | string): DataError {
  try {
    profile(Buffer.from(bytes), 7);
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }
  throw new Error("expected a DataError");
}

describe("CsvProfiler", () => {
  it.each(["iris.csv", "churn.csv", "penguins.csv", "ames.csv"])("profiles %s as readCsv reads it, whatever the chunk size", async (file) => {
    const bytes = readFileSync(datasetPath(file));
    const expected = fromTable(await parseCsv(bytes));
    for (const size of [1, 1000, 1 << 16]) {
      if (size === 1 && bytes.length > 300_000) continue;
      expect(profile(bytes, size)).toEqual(expected);
    }
  });

  it("counts missing markers and tells numeric, categorical and yes/no columns apart", () => {
    const csv = "a,b,c,d\n1,x,yes,\nNA,y,no,2\n3.5,,Yes,NaN\n";
    expect(profile(Buffer.from(csv), 3)).toEqual({
      rows: 3,
      columns: [
        { name: "a", type: "numeric", missing: 1 },
        { name: "b", type: "categorical", missing: 1 },
        { name: "c", type: "categorical", missing: 0 },
        { name: "d", type: "numeric", missing: 2 },
      ],
    });
    expect(profile(Buffer.from("x,y\nyes,1\nno,2\n"), 5).columns[0]).toEqual({ name: "x", type: "boolean", missing: 0 });
  });

  it("refuses what readCsv refuses, with the same codes", () => {
    expect(thrown("a,b\n1,2\n3\n").code).toBe("RAGGED_ROW");
    expect(thrown(Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xe9, 0x2c, 0x31, 0x0a])).code).toBe("INVALID_CSV");
    expect(thrown("a,b\n1,\0\n").code).toBe("INVALID_CSV");
    expect(thrown('a,b\n"1,2\n').code).toBe("INVALID_CSV");
    expect(thrown("a,a\n1,2\n").code).toBe("DUPLICATE_HEADER");
    expect(thrown("a,b\n").code).toBe("NO_DATA_ROWS");
    expect(thrown("").code).toBe("NO_DATA_ROWS");
  });
});
