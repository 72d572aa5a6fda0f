import { Rng } from "../../src/core/rng";
import type { SearchSpace } from "../../src/core/search-space";
import { ask } from "../../src/tpe/sampler";
import { HyperbandPruner, RECORD_EVERY_MS, StudyEngine, bestTrial, bracketOf, checkInitialTrials, nextAction, prunerConfigSchema, samplerConfigSchema, type StoredTrial, type StudyDefinition } from "../../src/study";
import { MemoryStudyStore } from "./memory-store";

const space: SearchSpace = { x: { type: "float", low: -3, high: 3 }, k: { type: "categorical", choices: [1, 2, 3] } };
const objective = (p: Record<string, unknown>): number => -(((p.x as number) - 1) ** 2) - (p.k === 2 ? 0 : 0.5);

function define(over: Partial<StudyDefinition> = {}): StudyDefinition {
  return {
    id: "study-1",
    direction: "maximize",
    searchSpace: space,
    nTrials: 20,
    nParallel: 2,
    randomState: 42,
    sampler: samplerConfigSchema.parse("tpe"),
    pruner: prunerConfigSchema.parse("none"),
    initialTrials: [],
    deadline: Infinity,
    ...over,
  };
}

/** Runs a study to the end one trial at a time, each trial reporting `steps` values rising to its objective. */
async function run(engine: StudyEngine, store: MemoryStudyStore, steps = 1): Promise<StoredTrial[]> {
  for (;;) {
    const tick = await engine.tick();
    if (tick.action === "finish") return [...tick.trials];
    if (tick.action !== "started") throw new Error("a sequential study never waits");
    const { number, params } = tick.trial;
    const final = objective(params);
    const intermediate: number[] = [];
    let rungs: readonly number[] = [];
    let pruned = false;
    for (let s = 0; s < steps && !pruned; s++) {
      intermediate.push(final - (steps - 1 - s) * 0.1);
      const d = await engine.report(number, intermediate, rungs, s === steps - 1);
      rungs = d.rungs;
      pruned = d.prune;
    }
    await store.finishTrial("study-1", number, pruned ? { state: "pruned", intermediate } : { state: "complete", value: final, intermediate });
  }
}

describe("StudyEngine", () => {
  it("proposes with TPE exactly what the coordinator proposed before the engine (same seed per trial number)", async () => {
    const store = new MemoryStudyStore();
    const engine = new StudyEngine(define(), store);
    const trials = await run(engine, store);
    expect(trials).toHaveLength(20);
    for (const t of trials) {
      const history = trials.slice(0, t.number).map((h) => ({ ...h }));
      const rng = new Rng((42 ^ Math.imul(t.number + 1, 0x9e3779b1)) >>> 0);
      expect(t.params).toEqual(ask(space, history, rng, { direction: "maximize" }));
    }
  });

  it("evaluates the initial trials first, as trials 0..k-1, and TPE learns from them", async () => {
    const store = new MemoryStudyStore();
    const initialTrials = [{ x: 1, k: 2 }, { x: -2, k: 1 }];
    const trials = await run(new StudyEngine(define({ initialTrials, nTrials: 12 }), store), store);
    expect(trials.slice(0, 2).map((t) => t.params)).toEqual(initialTrials);
    expect(bestTrial(trials, "maximize")!.number).toBe(0);
    // Trial 10 is TPE's first (10 startup trials): its history holds the two initial trials.
    const rng = new Rng((42 ^ Math.imul(11, 0x9e3779b1)) >>> 0);
    expect(trials[10]!.params).toEqual(ask(space, trials.slice(0, 10), rng, { direction: "maximize" }));
    expect(trials[10]!.params).not.toEqual(ask(space, trials.slice(2, 10), new Rng((42 ^ Math.imul(11, 0x9e3779b1)) >>> 0), { direction: "maximize" }));
  });

  it("stops a grid study when its grid is covered, each point once", async () => {
    const store = new MemoryStudyStore();
    const grid: SearchSpace = { a: { type: "int", low: 0, high: 2 }, b: { type: "categorical", choices: ["u", "v"] } };
    const engine = new StudyEngine(define({ searchSpace: grid, sampler: samplerConfigSchema.parse("grid"), nTrials: 50 }), store);
    expect(engine.budget).toBe(6);
    const trials = await run(engine, store);
    expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(6);
    expect(trials).toHaveLength(6);
  });

  it("prunes with the configured pruner, reading the summary, never at the last step", async () => {
    const store = new MemoryStudyStore();
    const engine = new StudyEngine(define({ nTrials: 30, pruner: prunerConfigSchema.parse("median") }), store);
    const trials = await run(engine, store, 4);
    const pruned = trials.filter((t) => t.state === "pruned");
    expect(pruned.length).toBeGreaterThan(3);
    for (const t of pruned) expect(t.intermediate!.length).toBeLessThan(4);
    // Each pruned trial was below the median of the complete ones at the step it stopped.
    for (const t of pruned) {
      const step = t.intermediate!.length - 1;
      const earlier = trials.filter((c) => c.number < t.number && c.state === "complete").map((c) => c.intermediate![step]!);
      expect(Math.max(...t.intermediate!)).toBeLessThan(Math.max(...earlier));
    }
  });

  it("records Hyperband's rungs through the store", async () => {
    const store = new MemoryStudyStore();
    const engine = new StudyEngine(define({ nTrials: 30, pruner: prunerConfigSchema.parse({ name: "hyperband", max_resource: 9 }) }), store);
    const trials = await run(engine, store, 9);
    expect(trials.some((t) => t.rungs.length > 0)).toBe(true);
    expect(trials.some((t) => t.state === "pruned")).toBe(true);
  });
});

describe("StudyEngine across runs (cancel, continue)", () => {
  it("continues a finished study with the trials a longer study would have proposed (the sampler's state is its history)", async () => {
    const longer = new MemoryStudyStore();
    const expected = await run(new StudyEngine(define({ nTrials: 15 }), longer), longer);
    const store = new MemoryStudyStore();
    expect(await run(new StudyEngine(define({ nTrials: 10 }), store), store)).toHaveLength(10);
    const continued = await run(new StudyEngine(define({ nTrials: 15 }), store), store);
    expect(continued.map((t) => t.number)).toEqual([...Array(15).keys()]);
    expect(continued.map((t) => t.params)).toEqual(expected.map((t) => t.params));
  });

  it("tells a run to stop once its study is cancelled or continued under another run, not when it finished", async () => {
    const store = new MemoryStudyStore();
    const engine = new StudyEngine(define(), store);
    expect(await engine.stopped("run-1")).toBe(false);
    store.study = { state: "complete", runId: "run-1" };
    expect(await engine.stopped("run-1")).toBe(false);
    store.study = { state: "cancelled", runId: "run-1" };
    expect(await engine.stopped("run-1")).toBe(true);
    store.study = { state: "running", runId: "run-2" };
    expect(await engine.stopped("run-1")).toBe(true);
    expect(await engine.stopped("run-2")).toBe(false);
  });
});

describe("nextAction", () => {
  const t = (state: StoredTrial["state"]): StoredTrial => ({ number: 0, params: {}, state, rungs: [] });
  it.each([
    [[], 3, 1, false, "start"],
    [[t("running")], 3, 1, false, "wait"],
    [[t("running")], 3, 2, false, "start"],
    [[t("complete"), t("failed"), t("running")], 3, 2, false, "wait"],
    [[t("complete"), t("failed"), t("pruned")], 3, 2, false, "finish"],
    [[t("complete"), t("running")], 3, 2, true, "wait"],
    [[t("complete")], 3, 2, true, "finish"],
  ] as const)("%j of %i trials, %i in parallel, timed out %s: %s", (trials, budget, nParallel, timedOut, action) => {
    expect(nextAction(trials, budget, nParallel, timedOut)).toBe(action);
  });
});

describe("checkInitialTrials", () => {
  const s: SearchSpace = { ...space, g: { type: "int", low: 0, high: 10, step: 2, condition: { param: "k", in: [3] } } };
  it.each([
    [{ x: 0, k: 1, z: 1 }, /^initial_trials\[1\] `z` is not in the search space/],
    [{ x: 0 }, /`k` is missing/],
    [{ x: 4, k: 1 }, /`x` must be within \[-3, 3\], but got 4/],
    [{ x: 0, k: 4 }, /`k` is 4, which is not one of \[1,2,3\]/],
    [{ x: 0, k: 1, g: 2 }, /`g` is given, but it exists only when `k` is one of \[3\]/],
    [{ x: 0, k: 3, g: 3 }, /`g` must be 0 plus a multiple of 2, but got 3/],
    [{ x: "0", k: 1 }, /`x` must be a number, but got "0"/],
  ])("refuses %j", (params, message) => {
    expect(() => checkInitialTrials(s, [{ x: 1, k: 3, g: 4 }, params] as never)).toThrow(message);
  });
  it("accepts complete, valid points", () => expect(() => checkInitialTrials(s, [{ x: 1, k: 3, g: 4 }, { x: -3, k: 1 }])).not.toThrow());
});

describe("StudyEngine.report", () => {
  it("records a running trial's values at its rungs, and otherwise once RECORD_EVERY_MS has passed since the last record (or its first step)", async () => {
    const store = new MemoryStudyStore();
    const engine = new StudyEngine(define({ nTrials: 2, pruner: prunerConfigSchema.parse({ name: "successive_halving", min_resource: 1, reduction_factor: 3 }) }), store);
    await engine.tick();
    const record = jest.spyOn(store, "recordSteps");
    const values: number[] = [];
    let rungs: readonly number[] = [];
    const at: number[] = [];
    for (let step = 0; step < 12; step++) {
      values.push(0.5 + step / 100);
      const now = 5000 + step * 300; // a step every 0.3 s
      const calls = record.mock.calls.length;
      ({ rungs } = await engine.report(0, values, rungs, step === 11, now));
      if (record.mock.calls.length > calls) at.push(step);
    }
    // rungs at steps 1, 3, 9 (min_resource 1, reduction 3); step 7, 1.2 s after the record at step 3;
    // not the last step (its values go with the trial's outcome)
    expect(at).toEqual([1, 3, 7, 9]);
    expect(store.trials[0]!.intermediate).toHaveLength(10);
    expect(store.trials[0]!.rungs).toHaveLength(3);
    expect(RECORD_EVERY_MS).toBe(1000);
  });
  it("writes a record while the trial goes on: the next report waits for it and throws why it failed; a pruning report waits for its own", async () => {
    const store = new MemoryStudyStore();
    const engine = new StudyEngine(define({ nTrials: 2, pruner: prunerConfigSchema.parse({ name: "successive_halving", min_resource: 1, reduction_factor: 3 }) }), store);
    await engine.tick();
    let release!: () => void;
    const written: number[][] = [];
    jest.spyOn(store, "recordSteps").mockImplementationOnce(async (_id, _n, values) => {
      await new Promise<void>((r) => (release = r));
      written.push([...values]);
    });
    const values = [0.5, 0.6];
    // step 1 is a rung: recorded, and the report answers before the write ends
    const { rungs } = await engine.report(0, values, [], false, 1000);
    expect(rungs).toHaveLength(1);
    expect(written).toEqual([]);
    values.push(0.7); // the trial goes on: the record keeps the values it was given
    let next = false;
    const reported = engine.report(0, values, rungs, false, 1100).then(() => (next = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(next).toBe(false);
    release();
    await reported;
    expect(written).toEqual([[0.5, 0.6]]);

    jest.spyOn(store, "recordSteps").mockRejectedValueOnce(new Error("the database went away"));
    values.push(0.8);
    await engine.report(0, values, rungs, false, 9000); // a second past the last record
    values.push(0.9);
    await expect(engine.report(0, values, rungs, false, 9100)).rejects.toThrow("the database went away");

    // a report that prunes answers once its rung is recorded: its caller finishes the trial next
    const other = new StudyEngine(define({ nTrials: 2, pruner: prunerConfigSchema.parse({ name: "successive_halving", min_resource: 1, reduction_factor: 3 }) }), store);
    store.trials.push({ number: 1, params: {}, state: "complete", value: 0.9, intermediate: [0.9, 0.9], rungs: [0.9] });
    let held!: () => void;
    jest.spyOn(store, "recordSteps").mockImplementationOnce(() => new Promise<void>((r) => (held = r)));
    let answered = false;
    const pruning = other.report(2, [0.1, 0.1], [], false, 1000).then((d) => ((answered = true), d));
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false);
    held();
    expect((await pruning).prune).toBe(true);
  });
});

describe("StudyEngine with Hyperband", () => {
  it("lets TPE learn only from the new trial's bracket, as Optuna's _filter_study does", async () => {
    const store = new MemoryStudyStore();
    const pruner = prunerConfigSchema.parse({ name: "hyperband", max_resource: 9 });
    const engine = new StudyEngine(define({ nTrials: 40, pruner }), store);
    const trials = await run(engine, store, 9);
    const hb = new HyperbandPruner({ min_resource: 1, max_resource: 9, reduction_factor: 3, bootstrap_count: 0 });
    const brackets = (await hb.brackets({ facts: async () => ({ nComplete: 1, firstLastStep: 8 }) }))!;
    expect(brackets.budgets.length).toBe(3);
    const last = trials[39]!;
    const mine = bracketOf("study-1", 39, brackets);
    const history = trials.slice(0, 39).filter((t) => bracketOf("study-1", t.number, brackets) === mine);
    expect(history.length).toBeGreaterThanOrEqual(10); // enough for TPE to be past its startup
    expect(history.length).toBeLessThan(39);
    const rng = new Rng((42 ^ Math.imul(40, 0x9e3779b1)) >>> 0);
    expect(last.params).toEqual(ask(space, history, rng, { direction: "maximize" }));
  });
});
