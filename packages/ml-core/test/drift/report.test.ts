import { Rng } from "../../src/core/rng";
import { Table } from "../../src/data/table";
import { driftReport, profileTable, type ReferenceProfile } from "../../src/drift";

const COLORS = ["red", "green", "blue"];

/** A table of `n` rows: x ~ N(10, 2), color with shares 0.5 / 0.3 / 0.2. */
function table(n: number, seed: number): Table {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: n }, () => 10 + 2 * rng.normal());
  const codes = Int32Array.from({ length: n }, () => pick(rng, [0.5, 0.3, 0.2]));
  return new Table(n, [
    { kind: "numeric", name: "x", values: x },
    { kind: "categorical", name: "color", codes, categories: COLORS, booleanLike: false },
  ]);
}

function pick(rng: Rng, weights: number[]): number {
  let u = rng.next();
  for (let i = 0; i < weights.length; i++) if ((u -= weights[i]!) < 0) return i;
  return weights.length - 1;
}

function reference(n: number): ReferenceProfile {
  const t = table(n, 1);
  return { version: 1, rows: n, columns: profileTable(t, Int32Array.from({ length: n }, (_, i) => i), ["x", "color"], 42) };
}

/** `n` raw records like a client sends: x as text half the time, shifted by `shift`, color drawn with `weights`. */
function records(n: number, seed: number, shift: number, weights = [0.5, 0.3, 0.2]): Record<string, unknown>[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const x = 10 + 2 * rng.normal() + shift;
    return { x: i % 2 ? String(x) : x, color: COLORS[pick(rng, weights)] };
  });
}

describe("driftReport", () => {
  it.each([
    [500, "ks", "chi_square"],
    [3000, "wasserstein_norm", "jensen_shannon"],
  ])("with %i reference rows tests with %s and %s and flags nothing on the same law", (n, numericTest, categoricalTest) => {
    const report = driftReport(reference(n), records(800, 7, 0));
    expect(report.columns.map((c) => [c.column, c.test, c.drifted])).toEqual([
      ["x", numericTest, false],
      ["color", categoricalTest, false],
    ]);
    expect(report.columns.every((c) => c.psi_band === "none")).toBe(true);
    expect(report).toMatchObject({ dataset_drifted: false, drifted_columns: 0, rows: 800, reference_rows: n, share: 0.5 });
  });

  it.each([500, 3000])("with %i reference rows flags a 2-std shift and re-weighted categories", (n) => {
    const report = driftReport(reference(n), records(800, 8, 4, [0.1, 0.3, 0.6]));
    expect(report.columns.map((c) => c.drifted)).toEqual([true, true]);
    expect(report.columns.map((c) => c.psi_band)).toEqual(["major", "major"]);
    expect(report.dataset_drifted).toBe(true);
  });

  it("reads rows as predict does: numeric text is a number, \"\" and null are missing", () => {
    const rows = records(200, 9, 0).map((r, i) => (i < 50 ? { ...r, x: "", color: null } : r));
    const report = driftReport(reference(500), rows);
    expect(report.columns.map((c) => c.values)).toEqual([150, 150]);
  });

  it("the dataset drifts at `share` of its columns", () => {
    const rows = records(400, 10, 4);
    expect(driftReport(reference(500), rows, 0.5).dataset_drifted).toBe(true);
    expect(driftReport(reference(500), rows, 0.75).dataset_drifted).toBe(false);
  });

  it("refuses a window of fewer than 100 rows with TOO_FEW_ROWS", () => {
    expect(() => driftReport(reference(500), records(99, 11, 0))).toThrow(expect.objectContaining({ code: "TOO_FEW_ROWS", status: 422 }));
  });

  it("samples numeric columns deterministically beyond 5,000 values", () => {
    const a = reference(6000).columns[0]!;
    const b = reference(6000).columns[0]!;
    expect(a.kind === "numeric" && a.sample.length).toBe(5000);
    expect(a).toEqual(b);
  });
});
