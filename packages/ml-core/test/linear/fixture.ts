import { readFileSync } from "node:fs";
import * as path from "node:path";

/** One scikit-learn reference score written by scripts/make-linear-fixture.py. */
export interface FixtureCase {
  readonly dataset: string;
  readonly algorithm: string;
  readonly params: Record<string, unknown>;
  readonly metric: "accuracy" | "r2";
  readonly score: number;
}

/** The committed scikit-learn reference scores for `algorithm`. */
export function sklearnCases(algorithm: string): FixtureCase[] {
  const all = JSON.parse(readFileSync(path.join(__dirname, "sklearn-fixture.json"), "utf8")) as { cases: FixtureCase[] };
  return all.cases.filter((c) => c.algorithm === algorithm);
}
