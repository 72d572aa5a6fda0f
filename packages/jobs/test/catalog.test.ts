import { z } from "zod";
import { defineJob, evaluateJob, isModelId, JOB_KINDS, kindOfJobId, newId, optimizeJob, queueOfJobId, trainJob, trainPayload, trialJob, uuidKey } from "../src";

describe("job catalog", () => {
  it("gives job ids that name their kind, and knows the kind of every id it gives", () => {
    const study = newId("study");
    const model = newId("model");
    expect(isModelId(model)).toBe(true);
    const cases = [
      [trainJob.jobId(), "train"],
      [optimizeJob.jobId(), "optimize"],
      [trialJob.jobId(study, 12), "trial"],
      [evaluateJob.jobId(model), "evaluate"],
    ] as const;
    for (const [id, kind] of cases) {
      expect(id.startsWith(`${kind}-`)).toBe(true);
      expect(queueOfJobId(id)).toBe(kind);
    }
    expect(trialJob.jobId(study, 12)).toBe(`trial-${study}-12`);
    expect(evaluateJob.jobId(model)).toBe(`evaluate-${model}`);
  });

  it("knows no kind for an id it never gives", () => {
    const uuid = "0b0e0a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b";
    for (const bad of ["", "train-", "train-../../x", `train-${uuid.toUpperCase()}`, `trial-${uuid}`, "model-1", "trial-study-x-1", `trial-${newId("study")}-01`, `trial-${newId("study")}--1`, `evaluate-${newId("study")}`, `nope-${uuid}`, `train-${uuid}\0`]) {
      expect(queueOfJobId(bad)).toBeUndefined();
    }
    expect(queueOfJobId(`train-${uuid}`)).toBe("train");
  });

  it("declares each kind once, with distinct names and sane worker settings", () => {
    const names = JOB_KINDS.map((k) => k.name);
    expect(new Set(names).size).toBe(names.length);
    for (const kind of JOB_KINDS) {
      expect(kind.options.attempts).toBeGreaterThanOrEqual(1);
      expect(typeof kind.worker.sandboxed).toBe("boolean");
      expect(Object.isFrozen(kind)).toBe(true);
    }
  });

  it("fills in the training defaults of the original design", () => {
    expect(trainPayload.parse({ dataset_path: "a.csv", target_column: "y", algorithm: "SVC" })).toEqual({
      dataset_path: "a.csv", target_column: "y", algorithm: "SVC", test_size: 0.2, random_state: 42, hyperparams: {},
    });
  });
});

describe("defineJob", () => {
  const shout = defineJob({
    name: "shout",
    description: "Upper-cases a text.",
    payload: z.object({ text: z.string().default("hi") }),
    result: z.object({ text: z.string() }),
    options: { attempts: 1 },
    key: uuidKey,
    worker: { sandboxed: false, concurrency: 1 },
  });

  it("owns only the ids it makes, beside the catalog's kinds", () => {
    const id = shout.jobId();
    expect(shout.owns(id)).toBe(true);
    expect(trainJob.owns(id)).toBe(false);
    expect(kindOfJobId([...JOB_KINDS, shout], id)).toBe(shout);
    expect(kindOfJobId(JOB_KINDS, id)).toBeUndefined();
    expect(shout.jobId("0b0e0a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b")).toBe("shout-0b0e0a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b");
  });

  it("refuses a name that cannot prefix an id", () => {
    expect(() => defineJob({ ...shout, name: "Two words" })).toThrow(/lower-case/);
  });
});
