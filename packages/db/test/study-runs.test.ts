import { randomBytes } from "node:crypto";
import { StudyEngine, prunerConfigSchema, samplerConfigSchema, type StudyDefinition } from "@mlw/ml-core/study";
import type { SearchSpace } from "@mlw/ml-core";
import { cancelStudy, continueStudy, getStudy, insertStudy, listTrials, postgresStudyStore, studyDefinition } from "../src";
import { useIsolatedDatabase } from "./isolated-database";

const iso = useIsolatedDatabase("t_runs");

const space: SearchSpace = { a: { type: "int", low: 0, high: 100 } };

async function newStudy(nTrials: number): Promise<StudyDefinition> {
  const id = `study-${randomBytes(6).toString("hex")}`;
  await insertStudy(iso.database.db, {
    id, algorithm: "X", task: "classification", datasetPath: "d.csv", target: "y", metric: "accuracy", direction: "maximize",
    searchSpace: space as Record<string, unknown>, nTrials, cvFolds: 3, randomState: 1, nParallel: 8, jobId: "optimize-run-1",
  });
  return { id, direction: "maximize", searchSpace: space, nTrials, nParallel: 8, randomState: 1, sampler: samplerConfigSchema.parse("random"), pruner: prunerConfigSchema.parse("none"), initialTrials: [], deadline: Infinity };
}

describe("cancelStudy", () => {
  it("fails the running trials, keeps the best complete one, and no trial starts after", async () => {
    const study = await newStudy(10);
    const store = postgresStudyStore(iso.database.db);
    for (let i = 0; i < 4; i++) await store.createTrial(study.id, () => ({ a: i }));
    await store.finishTrial(study.id, 0, { state: "complete", value: 0.5 });
    await store.finishTrial(study.id, 1, { state: "complete", value: 0.8 });

    const res = await cancelStudy(iso.database.db, study.id, "CANCELLED: The study was cancelled.");
    expect(res).toMatchObject({ outcome: "cancelled", trials: [2, 3], study: { state: "cancelled", bestTrialNumber: 1, bestValue: 0.8, bestParams: { a: 1 } } });
    expect(res!.study.finishedAt).toBeInstanceOf(Date);
    const trials = await listTrials(iso.database.db, study.id);
    expect(trials.map((t) => [t.state, t.error])).toEqual([
      ["complete", null],
      ["complete", null],
      ["failed", "CANCELLED: The study was cancelled."],
      ["failed", "CANCELLED: The study was cancelled."],
    ]);
    // A trial that ends after the cancel changes nothing; the engine starts none and tells its run to stop.
    expect(await store.finishTrial(study.id, 2, { state: "complete", value: 0.99 })).toBe(false);
    const engine = new StudyEngine(study, store);
    expect(await store.createTrial(study.id, () => ({ a: 9 }))).toBeUndefined();
    expect(await engine.stopped("optimize-run-1")).toBe(true);
    expect(await cancelStudy(iso.database.db, study.id, "again")).toMatchObject({ outcome: "not_running", study: { state: "cancelled" } });
    expect(await cancelStudy(iso.database.db, "study-unknown", "x")).toBeUndefined();
  });
});

describe("continueStudy", () => {
  it("grows the budget by n after the existing trials, under the new run, and the engine starts exactly n more", async () => {
    const study = await newStudy(3);
    const store = postgresStudyStore(iso.database.db);
    for (let i = 0; i < 3; i++) await store.createTrial(study.id, () => ({ a: i }));
    for (let i = 0; i < 3; i++) await store.finishTrial(study.id, i, { state: "complete", value: i });
    expect(await continueStudy(iso.database.db, study.id, { addTrials: 2, jobId: "optimize-run-2" })).toMatchObject({ outcome: "running" });

    await cancelStudy(iso.database.db, study.id, "CANCELLED: test");
    const res = await continueStudy(iso.database.db, study.id, { addTrials: 2, jobId: "optimize-run-2", timeoutSeconds: 60 });
    expect(res).toMatchObject({ outcome: "continued", from: 3, previous: { state: "cancelled", nTrials: 3 }, study: { state: "running", nTrials: 5, jobId: "optimize-run-2", finishedAt: null } });
    const row = (await getStudy(iso.database.db, study.id))!;
    expect(studyDefinition(row).deadline - Date.now()).toBeGreaterThan(55_000);
    expect(studyDefinition(row).deadline - Date.now()).toBeLessThan(62_000);

    const engine = new StudyEngine(studyDefinition(row), store);
    expect(await engine.stopped("optimize-run-1")).toBe(true);
    expect(await engine.stopped("optimize-run-2")).toBe(false);
    const started: number[] = [];
    for (;;) {
      const tick = await engine.tick();
      if (tick.action === "finish") break;
      if (tick.action === "started") {
        started.push(tick.trial.number);
        await store.finishTrial(study.id, tick.trial.number, { state: "complete", value: 1 });
      }
    }
    expect(started).toEqual([3, 4]);
    expect(await continueStudy(iso.database.db, "study-unknown", { addTrials: 1, jobId: "x" })).toBeUndefined();
  });
});
