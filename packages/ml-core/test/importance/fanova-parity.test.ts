import { readFileSync } from "node:fs";
import path from "node:path";
import type { SearchSpace } from "../../src/core/search-space";
import { studyImportance } from "../../src/importance/fanova";

/** Studies and Optuna's FanovaImportanceEvaluator importances over several seeds (scripts/make-fanova-fixture.py). */
interface FixtureStudy {
  name: string;
  search_space: SearchSpace;
  trials: { number: number; params: Record<string, unknown>; value: number }[];
  optuna_mean: Record<string, number>;
}
const fixture: { studies: FixtureStudy[] } = JSON.parse(readFileSync(path.join(__dirname, "../fixtures/fanova-optuna.json"), "utf8"));

/** Ranks from 1, ties sharing their mean rank. */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's rank correlation: Pearson's correlation of the ranks. */
function spearman(a: readonly number[], b: readonly number[]): number {
  const [ra, rb] = [ranks(a), ranks(b)];
  const mean = (r: number[]) => r.reduce((s, x) => s + x, 0) / r.length;
  const [ma, mb] = [mean(ra), mean(rb)];
  let [sab, saa, sbb] = [0, 0, 0];
  ra.forEach((x, i) => {
    sab += (x - ma) * (rb[i]! - mb);
    saa += (x - ma) ** 2;
    sbb += (rb[i]! - mb) ** 2;
  });
  return sab / Math.sqrt(saa * sbb);
}

describe("fANOVA importance against Optuna's FanovaImportanceEvaluator", () => {
  it("has studies of at least five parameters to compare with", () => {
    expect(fixture.studies.length).toBeGreaterThanOrEqual(2);
    for (const s of fixture.studies) expect(Object.keys(s.search_space).length).toBeGreaterThanOrEqual(5);
  });

  describe.each(fixture.studies.map((s) => [s.name, s] as const))("%s", (_name, study) => {
    const params = Object.keys(study.optuna_mean);
    const optunaTop = params.reduce((a, b) => (study.optuna_mean[b]! > study.optuna_mean[a]! ? b : a));

    it.each([0, 1, 2, 3, 4])("under seed %i: names Optuna's top parameter first, ranks as Optuna does on average (Spearman >= 0.8), each share within 0.1", async (seed) => {
      const { importances, nTrials } = await studyImportance(study.search_space, study.trials, { seed });
      expect(nTrials).toBe(study.trials.length);
      const ours = Object.fromEntries(importances.map((p) => [p.param, p.importance]));
      expect(Object.keys(ours).sort()).toEqual([...params].sort());
      expect(importances[0]!.param).toBe(optunaTop);
      expect(spearman(params.map((p) => ours[p]!), params.map((p) => study.optuna_mean[p]!))).toBeGreaterThanOrEqual(0.8);
      for (const p of params) expect(Math.abs(ours[p]! - study.optuna_mean[p]!)).toBeLessThan(0.1);
    });
  });
});
