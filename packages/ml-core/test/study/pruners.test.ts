import { HyperbandPruner, MedianPruner, NopPruner, PercentilePruner, SuccessiveHalvingPruner, bracketOf, crc32, firstLastStep, makePruner, nanPercentile, prunerConfigSchema, type PruneSummary, type TrialValue } from "../../src/study";

/** A summary over hand-written complete trials (values by step, in the order they completed) and rung records of other trials. */
function summary(complete: number[][], rungs: number[][] = [], direction: "maximize" | "minimize" = "maximize"): PruneSummary {
  const at = (rows: number[][], i: number): TrialValue[] => rows.flatMap((r, n) => (r[i] === undefined ? [] : [{ number: n + 100, value: r[i]! }]));
  return {
    studyName: "s",
    direction,
    facts: async () => ({ nComplete: complete.length, firstLastStep: complete.length ? complete[0]!.length - 1 : null }),
    completeAt: async (step) => at(complete, step),
    rungAt: async (rung) => at(rungs, rung),
  };
}
const trial = (intermediate: number[], rungs: number[] = []) => ({ number: 1, intermediate, rungs });
const defaults = { n_startup_trials: 5, n_warmup_steps: 0, interval_steps: 1, n_min_trials: 1 };

describe("MedianPruner", () => {
  const five = [[0.1], [0.2], [0.3], [0.4], [0.5]];
  it("prunes below the median of the complete trials at that step (0.3 of 0.1..0.5), not above", async () => {
    expect((await new MedianPruner(defaults).decide(trial([0.29]), summary(five))).prune).toBe(true);
    expect((await new MedianPruner(defaults).decide(trial([0.31]), summary(five))).prune).toBe(false);
  });
  it("waits for n_startup_trials complete trials and n_warmup_steps", async () => {
    expect((await new MedianPruner(defaults).decide(trial([0]), summary(five.slice(0, 4)))).prune).toBe(false);
    expect((await new MedianPruner({ ...defaults, n_warmup_steps: 1 }).decide(trial([0]), summary(five))).prune).toBe(false);
  });
  it("compares the trial's best value so far, and minimises when asked", async () => {
    const rows = [[5, 0.1], [5, 0.2], [5, 0.3], [5, 0.4], [5, 0.5]];
    expect((await new MedianPruner(defaults).decide(trial([0.9, 0.0]), summary(rows))).prune).toBe(false);
    expect((await new MedianPruner(defaults).decide(trial([0.9, 0.35]), summary(rows, [], "minimize"))).prune).toBe(true);
  });
});

describe("PercentilePruner", () => {
  it("at 25 while maximising, prunes below the 75th percentile", async () => {
    const rows = [[1], [2], [3], [4], [5]];
    const p = new PercentilePruner({ ...defaults, percentile: 25 });
    expect((await p.decide(trial([3.9]), summary(rows))).prune).toBe(true);
    expect((await p.decide(trial([4]), summary(rows))).prune).toBe(false);
  });
  it("decides only on the first step of each interval after the warm-up", async () => {
    const rows = Array.from({ length: 5 }, () => [9, 9, 9, 9, 9]);
    const p = new PercentilePruner({ ...defaults, percentile: 50, n_warmup_steps: 1, interval_steps: 2 });
    const at = async (step: number) => (await p.decide(trial(Array(step + 1).fill(0)), summary(rows))).prune;
    expect([await at(0), await at(1), await at(2), await at(3), await at(4)]).toEqual([false, true, false, true, false]);
  });
  it("interpolates like numpy.nanpercentile", () => {
    expect(nanPercentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(nanPercentile([4, NaN, 1, 2, 3], 75)).toBe(3.25);
    expect(nanPercentile([NaN], 50)).toBeNaN();
  });
});

describe("SuccessiveHalvingPruner", () => {
  const sh = new SuccessiveHalvingPruner({ min_resource: 1, reduction_factor: 2, min_early_stopping_rate: 0, bootstrap_count: 0 });
  it("records its value at rung 0 (step 1) and goes on when in the top half, else stops", async () => {
    const others = [[0.1], [0.5], [0.7]];
    expect(await sh.decide(trial([0, 0.6]), summary([], others))).toEqual({ prune: false, rungs: [0.6] });
    expect(await sh.decide(trial([0, 0.4]), summary([], others))).toEqual({ prune: true, rungs: [0.4] });
  });
  it("decides rung 1 at step 2, and nothing at step 3 (rung 2 is at step 4)", async () => {
    expect(await sh.decide(trial([0, 0.6, 0.6], [0.6]), summary([], [[0.1, 0.9]]))).toEqual({ prune: true, rungs: [0.6, 0.6] });
    expect(await sh.decide(trial([0, 0.6, 0.6, 0.6], [0.6, 0.6]), summary([], [[0.1, 0.9]]))).toEqual({ prune: false, rungs: [0.6, 0.6] });
  });
  it("with min_resource auto, waits for a complete trial", async () => {
    const auto = new SuccessiveHalvingPruner({ min_resource: "auto", reduction_factor: 2, min_early_stopping_rate: 0, bootstrap_count: 0 });
    expect(await auto.decide(trial([0, 0]), summary([]))).toEqual({ prune: false, rungs: [] });
  });
});

describe("HyperbandPruner", () => {
  it("crc32 is zlib's (Python: binascii.crc32(b'study_1') == 0x62f4478a)", () => expect(crc32("study_1")).toBe(0x62f4478a));
  it("has Optuna's brackets: R=27, eta=3 gives 4 brackets with budgets ceil(4*3^s/(s+1))", async () => {
    const hb = new HyperbandPruner({ min_resource: 1, max_resource: 27, reduction_factor: 3, bootstrap_count: 0 });
    const b = (await hb.brackets(summary([])))!;
    expect(b.budgets).toEqual([27, 12, 6, 4]);
    expect(b.total).toBe(49);
    // Python: the bracket of binascii.crc32(b"s_%d" % n) % 49 over the budgets, for n = 0..11.
    expect(Array.from({ length: 12 }, (_, n) => bracketOf("s", n, b))).toEqual([2, 1, 3, 3, 3, 2, 1, 1, 0, 0, 0, 0]);
  });
  it("with max_resource auto, follows the steps a budget reports: 500 rounds in steps of 10 (50 steps) give 4 brackets, rungs at 3^bracket, 3^(bracket+1), ...", async () => {
    const hb = new HyperbandPruner({ min_resource: 1, max_resource: "auto", reduction_factor: 3, bootstrap_count: 0 });
    const done = summary([Array.from({ length: 50 }, () => 0.5)]);
    const b = (await hb.brackets(done))!;
    expect(b.budgets).toEqual([27, 12, 6, 4]); // floor(log3(50 / 1)) + 1 = 4 brackets, as for R = 27..80
    for (let bracket = 0; bracket < 4; bracket++) {
      const number = Array.from({ length: 200 }, (_, n) => n).find((n) => bracketOf("s", n, b) === bracket)!;
      const rungSteps: number[] = [];
      let rungs: readonly number[] = [];
      const values: number[] = [];
      for (let step = 0; step < 50; step++) {
        values.push(0.9); // alone at every rung: promoted
        const d = await hb.decide({ number, intermediate: values, rungs }, done);
        expect(d.prune).toBe(false);
        if (d.rungs.length > rungs.length) rungSteps.push(step);
        rungs = d.rungs;
      }
      expect([bracket, rungSteps]).toEqual([bracket, [1, 3, 9, 27].filter((s) => s >= 3 ** bracket)]);
    }
  });
  it("with max_resource auto, fixes the brackets at the first complete trial and asks for them once, as Optuna's _try_initialization does", async () => {
    const hb = new HyperbandPruner({ min_resource: 1, max_resource: "auto", reduction_factor: 3, bootstrap_count: 0 });
    const firstShort = summary([Array(6).fill(0.5), Array(50).fill(0.5)]);
    let asked = 0;
    const counting: PruneSummary = { ...firstShort, facts: async () => (asked++, firstShort.facts()) };
    for (let step = 1; step <= 5; step++) await hb.decide(trial(Array(step).fill(0.5)), counting);
    expect(asked).toBe(1);
    expect((await hb.brackets(counting))!.budgets).toEqual([3, 2]); // R = 6: floor(log3 6) + 1 = 2 brackets, not the 4 of R = 50
  });
  it("with max_resource auto, gives TPE the bracket's history by the trial that completed first, not the longest", () => {
    const hb = new HyperbandPruner({ min_resource: 1, max_resource: "auto", reduction_factor: 3, bootstrap_count: 0 });
    const t = (number: number, steps: number, finishedAt: number | null) => ({ number, state: finishedAt === null ? "running" : "complete", intermediate: Array(steps).fill(0.5), finishedAt });
    const history = [t(0, 50, 20), t(1, 6, 10), t(2, 3, null)];
    expect(firstLastStep(history)).toBe(5);
    const brackets = { budgets: [3, 2], total: 5 }; // R = 6
    const mine = bracketOf("s", 3, brackets);
    expect(hb.historyFor(3, history, "s").map((x) => x.number)).toEqual(history.filter((x) => bracketOf("s", x.number, brackets) === mine).map((x) => x.number));
  });
  it("with max_resource auto, does nothing before a trial is complete", async () => {
    const hb = new HyperbandPruner({ min_resource: 1, max_resource: "auto", reduction_factor: 3, bootstrap_count: 0 });
    expect(await hb.decide(trial([0, 0, 0, 0]), summary([]))).toEqual({ prune: false, rungs: [] });
  });
});

describe("prunerConfigSchema", () => {
  it("takes a name or {name, ...settings} with Optuna's defaults, and refuses bad settings", () => {
    expect(prunerConfigSchema.parse("median")).toEqual({ name: "median", ...defaults });
    expect(prunerConfigSchema.parse("hyperband")).toEqual({ name: "hyperband", min_resource: 1, max_resource: "auto", reduction_factor: 3, bootstrap_count: 0 });
    expect(prunerConfigSchema.parse({ name: "successive_halving", min_resource: 3 })).toMatchObject({ min_resource: 3, reduction_factor: 4 });
    expect(prunerConfigSchema.safeParse({ name: "hyperband", bootstrap_count: 1 }).success).toBe(false);
    expect(prunerConfigSchema.safeParse({ name: "median", n_startup_trials: -1 }).success).toBe(false);
    expect(prunerConfigSchema.safeParse({ name: "median", percentile: 10 }).success).toBe(false);
    expect(prunerConfigSchema.safeParse("asha").success).toBe(false);
    expect(makePruner(prunerConfigSchema.parse("none"))).toBeInstanceOf(NopPruner);
  });
});
