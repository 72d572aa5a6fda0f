import { randomBytes } from "node:crypto";
import { StudyEngine, gridPoints, prunerConfigSchema, samplerConfigSchema, type StudyDefinition } from "@mlw/ml-core/study";
import type { SearchSpace } from "@mlw/ml-core";
import { connect, insertStudy, listTrials, postgresStudyStore, queriesSent } from "../src";
import { URL, useIsolatedDatabase } from "./isolated-database";

const iso = useIsolatedDatabase("t_store");

const space: SearchSpace = { a: { type: "int", low: 0, high: 4 }, b: { type: "categorical", choices: ["u", "v", "w"] }, c: { type: "float", low: 0, high: 1, condition: { param: "b", in: ["w"] } } };

async function newStudy(over: Partial<StudyDefinition> = {}): Promise<StudyDefinition> {
  const id = `study-${randomBytes(6).toString("hex")}`;
  await insertStudy(iso.database.db, {
    id, algorithm: "X", task: "classification", datasetPath: "d.csv", target: "y", metric: "accuracy", direction: "maximize",
    searchSpace: space as Record<string, unknown>, nTrials: 100, cvFolds: 3, randomState: 1, nParallel: 8,
  });
  return { id, direction: "maximize", searchSpace: space, nTrials: 100, nParallel: 8, randomState: 1, sampler: samplerConfigSchema.parse({ name: "grid", n_points: 3 }), pruner: prunerConfigSchema.parse("none"), initialTrials: [], deadline: Infinity, ...over };
}

describe("postgresStudyStore", () => {
  it("covers a grid exactly once with four workers claiming trials at once, each on its own pool", async () => {
    const study = await newStudy();
    const expected = gridPoints(space, 3).length; // a: 5 x (u, v, w with 3 values of c) = 25
    expect(expected).toBe(25);
    const workers = Array.from({ length: 4 }, () => connect(URL, { schema: iso.schema }));
    try {
      // Each worker's coordinator starts trials while slots are free; trials finish as soon as they start.
      await Promise.all(
        workers.map(async (w) => {
          const store = postgresStudyStore(w.db);
          const engine = new StudyEngine(study, store);
          for (;;) {
            const tick = await engine.tick();
            if (tick.action === "finish") return;
            if (tick.action === "started") await store.finishTrial(study.id, tick.trial.number, { state: "complete", value: tick.trial.number });
          }
        }),
      );
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
    const trials = await listTrials(iso.database.db, study.id);
    expect(trials.map((t) => t.number)).toEqual(Array.from({ length: expected }, (_, i) => i));
    const points = trials.map((t) => JSON.stringify(t.params));
    expect(new Set(points)).toEqual(new Set(gridPoints(space, 3).map((p) => JSON.stringify(p))));
  });

  it("summarises other trials for a pruner: complete values at a step by value, rungs of others only", async () => {
    const study = await newStudy({ sampler: samplerConfigSchema.parse("random") });
    const store = postgresStudyStore(iso.database.db);
    for (let i = 0; i < 4; i++) await store.createTrial(study.id, () => ({ a: i }));
    await store.recordSteps(study.id, 1, [0.4, 0.2], [0.2]);
    await store.finishTrial(study.id, 1, { state: "complete", value: 0.2 });
    await new Promise((r) => setTimeout(r, 5)); // finish order counts to the millisecond
    await store.recordSteps(study.id, 0, [0.5, 0.7, 0.9], [0.7]);
    await store.finishTrial(study.id, 0, { state: "complete", value: 0.9 });
    await store.recordSteps(study.id, 2, [0.3, 0.1], [0.1]);
    await store.finishTrial(study.id, 2, { state: "pruned" });
    await store.recordSteps(study.id, 3, [0.6, 0.65], [0.65]);
    const summary = store.pruneSummary(study, 3, 1);
    // A median decision at the reporting step: the facts and the values there are one query.
    const sent = queriesSent();
    // The first trial to complete (1, two steps) fixes "auto" resources, not the longest one (0, three steps).
    expect(await summary.facts()).toEqual({ nComplete: 2, firstLastStep: 1 });
    expect(await summary.completeAt(1)).toEqual([{ number: 1, value: 0.2 }, { number: 0, value: 0.7 }]);
    expect(queriesSent() - sent).toBe(1);
    expect(await summary.completeAt(2)).toEqual([{ number: 0, value: 0.9 }]);
    expect(await store.pruneSummary(study, 3, 2).completeAt(2)).toEqual([{ number: 0, value: 0.9 }]);
    expect(await store.pruneSummary(study, 3, 5).completeAt(5)).toEqual([]);
    expect(await summary.rungAt(0)).toEqual([{ number: 2, value: 0.1 }, { number: 1, value: 0.2 }, { number: 0, value: 0.7 }]);
    expect(await summary.rungAt(1)).toEqual([]);
  });

  it("runs a study with Hyperband through Postgres: rungs recorded, trials pruned", async () => {
    const study = await newStudy({ sampler: samplerConfigSchema.parse("random"), nTrials: 25, nParallel: 1, pruner: prunerConfigSchema.parse({ name: "hyperband", max_resource: 9 }) });
    const engine = new StudyEngine(study, postgresStudyStore(iso.database.db));
    const store = postgresStudyStore(iso.database.db);
    for (;;) {
      const tick = await engine.tick();
      if (tick.action === "finish") break;
      if (tick.action !== "started") throw new Error("sequential");
      const { number, params } = tick.trial;
      const intermediate: number[] = [];
      let rungs: readonly number[] = [];
      let prune = false;
      for (let s = 0; s < 9 && !prune; s++) {
        intermediate.push(((params.a as number) + 1) * (s + 1) / 10 + (params.b === "v" ? 0.3 : 0));
        ({ prune, rungs } = await engine.report(number, intermediate, rungs, s === 8));
      }
      await store.finishTrial(study.id, number, prune ? { state: "pruned", intermediate } : { state: "complete", value: intermediate[8]!, intermediate });
    }
    const trials = await listTrials(iso.database.db, study.id);
    expect(trials).toHaveLength(25);
    const pruned = trials.filter((t) => t.state === "pruned");
    expect(pruned.length).toBeGreaterThan(0);
    for (const t of pruned) expect(t.rungs.length).toBeGreaterThan(0);
  });
});
