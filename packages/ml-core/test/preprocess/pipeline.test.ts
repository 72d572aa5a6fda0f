import { decode, encode } from "../../src/persist/codec";
import { DataError } from "../../src/core/errors";
import { parseCsv, readCsv } from "../../src/data";
import { Pipeline } from "../../src/preprocess";
import { datasetPath } from "../datasets";

const CSV = "age,city,member,y\n20,Paris,yes,a\n30,Oslo,no,b\n,Paris,yes,a\n50,Rome,,b\n40,Paris,no,a\n";

function row(m: { data: Float64Array; cols: number }, i: number): number[] {
  return Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
}

describe("Pipeline", () => {
  it("imputes, one-hot encodes and leaves out the target", async () => {
    const t = await parseCsv(CSV);
    const p = Pipeline.fit(t, [0, 1, 2, 3, 4], { target: "y", scale: false });
    expect(p.inputColumns).toEqual(["age", "city", "member"]);
    expect(p.featureNames).toEqual(["age", "city=Oslo", "city=Paris", "city=Rome", "member"]);
    expect(p.featureSources).toEqual(["age", "city", "city", "city", "member"]);
    const X = p.transform(t);
    expect(X.rows).toBe(5);
    expect(row(X, 0)).toEqual([20, 0, 1, 0, 1]);
    expect(row(X, 2)).toEqual([35, 0, 1, 0, 1]); // median of 20, 30, 50, 40
    expect(row(X, 3)).toEqual([50, 0, 0, 1, 1]); // member missing -> most frequent (no: 2, yes: 2 -> yes)
  });

  it("learns only from the training rows", async () => {
    const t = await parseCsv(CSV);
    const p = Pipeline.fit(t, [0, 1, 2], { target: "y", scale: false });
    expect(p.featureNames).toEqual(["age", "city=Oslo", "city=Paris", "member"]); // Rome is unseen
    const X = p.transform(t, [3, 2]);
    expect(row(X, 0)).toEqual([50, 0, 0, 1]); // unseen Rome -> zeros; member -> yes (2 of 3)
    expect(row(X, 1)).toEqual([25, 0, 1, 1]);
  });

  it("standardises numeric features with training mean and std (std 0 -> 1)", async () => {
    const t = await parseCsv("a,const,y\n1,5,0\n2,5,1\n3,5,0\n4,5,1\n");
    const p = Pipeline.fit(t, [0, 1, 2, 3], { target: "y", scale: true });
    const X = p.transform(t);
    const a = [0, 1, 2, 3].map((i) => X.data[i * 2]!);
    expect(a.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 12);
    expect(a.reduce((s, v) => s + v * v, 0) / 4).toBeCloseTo(1, 12);
    expect([0, 1, 2, 3].map((i) => X.data[i * 2 + 1])).toEqual([0, 0, 0, 0]);
  });

  it("merges rare categories into one other feature beyond maxCategories", async () => {
    const t = await parseCsv("c,y\na\na\na\nb\nb\nc\nd\n".replace(/\n(?=.)/g, "\n").split("\n").map((l, i) => (i === 0 ? l : l ? `${l},1` : l)).join("\n"));
    const p = Pipeline.fit(t, [0, 1, 2, 3, 4, 5, 6], { target: "y", scale: false, maxCategories: 3 });
    expect(p.featureNames).toEqual(["c=a", "c=b", "c=<other>"]);
    const X = p.transform(t);
    expect(row(X, 5)).toEqual([0, 0, 1]);
    expect(row(X, 6)).toEqual([0, 0, 1]);
    expect(p.transformRecords([{ c: "zzz" }]).data).toEqual(new Float64Array([0, 0, 0]));
  });

  it("transforms another file with the same columns, whatever its own category codes", async () => {
    const train = await parseCsv(CSV);
    const other = await parseCsv("y,member,city,age\nb,no,Rome,60\na,yes,Lima,\n");
    const p = Pipeline.fit(train, [0, 1, 2, 3, 4], { target: "y", scale: false });
    const X = p.transform(other);
    expect(row(X, 0)).toEqual([60, 0, 0, 1, 0]);
    expect(row(X, 1)).toEqual([35, 0, 0, 0, 1]);
    const missing = await parseCsv("age,y\n1,a\n");
    expect(() => p.transform(missing)).toThrow(expect.objectContaining({ code: "MISSING_COLUMNS" }));
  });

  it("gives a table's features a column at a time (columns) exactly as transform writes them", async () => {
    const train = await parseCsv(CSV);
    const p = Pipeline.fit(train, [0, 1, 2, 3], { target: "y", scale: true });
    // another file: an unseen category, missing values, and each column of the other kind (numbers in city, text in age is refused)
    const other = await parseCsv("y,member,city,age\nb,no,Rome,60\na,yes,Lima,\na,,Paris,7\n");
    const numericCity = await parseCsv("age,city,member,y\n1,5,yes,a\n2,,no,b\n");
    for (const [table, rows] of [[train, [4, 0, 2, 3]], [other, [0, 1, 2]], [numericCity, [1, 0]]] as const) {
      const X = p.transform(table, rows);
      const source = p.columns(table, rows);
      expect([source.rows, source.cols]).toEqual([X.rows, X.cols]);
      for (let f = 0; f < X.cols; f++) {
        const expected = Array.from({ length: X.rows }, (_, i) => X.data[i * X.cols + f]);
        expect(Array.from(source.column(f, new Float64Array(X.rows)))).toEqual(expected);
      }
      expect(source.toMatrix()).toEqual(X);
      // rows taken from the source are the table rows at those positions
      const picked = [rows.length - 1, 0];
      expect(source.take(picked).toMatrix()).toEqual(p.transform(table, picked.map((k) => rows[k]!)));
    }
    const missing = await parseCsv("age,y\n1,a\n");
    expect(() => p.columns(missing)).toThrow(expect.objectContaining({ code: "MISSING_COLUMNS" }));
  });

  it("transforms JSON records like table rows, imputing absent values", async () => {
    const t = await parseCsv(CSV);
    const p = Pipeline.fit(t, [0, 1, 2, 3, 4], { target: "y", scale: true });
    const fromTable = p.transform(t, [0, 3]);
    const fromRecords = p.transformRecords([
      { age: 20, city: "Paris", member: "yes" },
      { age: "50", city: "Rome", member: null, extra: 1 },
    ]);
    expect(fromRecords).toEqual(fromTable);
    expect(row(p.transformRecords([{ age: null }]), 0)).toEqual(row(p.transform(t, [2]), 0).map((v, j) => (j === 0 ? v : [0, 1, 0, 1][j - 1]!)));
    expect(row(p.transformRecords([{ city: "Atlantis", member: true }]), 0).slice(1)).toEqual([0, 0, 0, 1]);
  });

  it("refuses a row with none of the model's columns (misnamed ones), naming them", async () => {
    const t = await parseCsv(CSV);
    const p = Pipeline.fit(t, [0, 1, 2, 3, 4], { target: "y", scale: false });
    for (const record of [{}, { Age: 20, town: "Paris" }]) {
      expect(() => p.transformRecords([{ age: 1 }, record])).toThrow(expect.objectContaining({ code: "NO_KNOWN_COLUMNS", details: { row: 1, columns: ["age", "city", "member"] } }));
    }
  });

  it("refuses a value of the wrong type, naming the row and column", async () => {
    const t = await parseCsv(CSV);
    const p = Pipeline.fit(t, [0, 1, 2, 3, 4], { target: "y", scale: false });
    let err: unknown;
    try {
      p.transformRecords([{ age: 1 }, { age: "forty" }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).code).toBe("INVALID_VALUE");
    expect((err as DataError).message).toMatch(/Row 1, column `age`.*"forty"/);
    expect(() => p.transformRecords([{ city: { nested: 1 } }])).toThrow(expect.objectContaining({ code: "INVALID_VALUE" }));
  });

  it("round-trips through toState and the persist codec to identical transforms", async () => {
    const t = await readCsv(datasetPath("churn.csv"));
    const rows = Array.from({ length: 5000 }, (_, i) => i);
    const p = Pipeline.fit(t, rows, { target: "Churn", scale: true });
    const restored = Pipeline.fromState(decode(encode(p.toState())));
    expect(restored.featureNames).toEqual(p.featureNames);
    expect(restored.featureSources).toEqual(p.featureSources);
    expect(restored.transform(t)).toEqual(p.transform(t));
    const record = { tenure: 3, contract: "Two year", partner: 1, paperless_billing: true, total_charges: null };
    expect(restored.transformRecords([record])).toEqual(p.transformRecords([record]));
    expect(p.featureNames).not.toContain("Churn");
    expect(Array.from(p.transform(t).data).every(Number.isFinite)).toBe(true);
  });
});
