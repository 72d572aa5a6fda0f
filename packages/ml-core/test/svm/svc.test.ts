import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { SVC, svcParams } from "../../src/svm/svc";
import { encode, loadModel, saveModel } from "../../src/persist";
import { prepareDataset } from "../prepare-dataset";
import { accuracy, loadSplit } from "../linear/datasets";
import { sklearnCases } from "../linear/fixture";

describe("SVC", () => {
  it.each(sklearnCases("SVC").map((c) => [c.dataset, JSON.stringify(c.params), c] as const))(
    "is within 1 accuracy point of scikit-learn on %s with %s",
    async (_d, _p, c) => {
      const s = loadSplit(c.dataset, "classification");
      const m = await new SVC(svcParams.parse(c.params)).fit(s.Xtrain, s.ytrain, { nClasses: s.nClasses });
      expect(Math.abs(accuracy(s.ytest, m.predict(s.Xtest)) - c.score)).toBeLessThanOrEqual(0.01 + 1e-9);
    },
  );

  it("offers predictProba only when probability is true, with rows summing to 1", async () => {
    const s = loadSplit("iris.csv", "classification");
    expect(new SVC().predictProba).toBeUndefined();
    const m = await new SVC(svcParams.parse({ probability: true })).fit(s.Xtrain, s.ytrain);
    const P = m.predictProba!(s.Xtest);
    expect(P.cols).toBe(3);
    let agree = 0;
    const pred = m.predict(s.Xtest);
    for (let i = 0; i < P.rows; i++) {
      const row = Array.from(P.data.subarray(i * 3, i * 3 + 3));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      if (row.indexOf(Math.max(...row)) === pred[i]) agree++;
    }
    expect(agree / P.rows).toBeGreaterThan(0.9);
  });

  it("gives identical probabilities for the same random_state, with predict unchanged", async () => {
    const s = loadSplit("wine.csv", "classification");
    const fit = (random_state: number) => new SVC(svcParams.parse({ probability: true, random_state })).fit(s.Xtrain, s.ytrain);
    const [a, b, c] = await Promise.all([fit(3), fit(3), fit(4)]);
    const P = a.predictProba!(s.Xtest).data;
    expect(b.predictProba!(s.Xtest).data).toEqual(P);
    expect(c.model_!.probA).not.toEqual(a.model_!.probA);
    // Platt scaling leaves the decision function alone: predict is that of probability false
    expect(a.predict(s.Xtest)).toEqual((await new SVC().fit(s.Xtrain, s.ytrain)).predict(s.Xtest));
    // argmax of the probabilities agrees with predict on nearly every row, as in scikit-learn
    const pred = a.predict(s.Xtest);
    let agree = 0;
    for (let i = 0; i < s.Xtest.rows; i++) {
      const row = Array.from(P.subarray(i * 3, i * 3 + 3));
      if (row.indexOf(Math.max(...row)) === pred[i]) agree++;
    }
    expect(agree / s.Xtest.rows).toBeGreaterThan(0.9);
  });

  it("keeps its Platt calibration through saveModel / loadModel: identical probabilities", async () => {
    const d = await prepareDataset("wine.csv", "cultivar", "classification", { scale: true });
    const m = await new SVC(svcParams.parse({ probability: true, random_state: 0 })).fit(d.Xtrain, d.ytrain, { nClasses: d.nClasses });
    const bytes = saveModel({ algorithm: "SVC", task: "classification", pipeline: d.pipeline, estimator: m, labels: d.labels, target: d.target, split: { testSize: 0.25, randomState: 42, datasetSha256: "svc" } });
    const loaded = loadModel(bytes).estimator as SVC;
    expect(loaded.model_!.probA).toEqual(m.model_!.probA);
    expect(loaded.model_!.probB).toEqual(m.model_!.probB);
    expect(m.model_!.probA.length).toBe(3); // one sigmoid per class pair
    const P = m.predictProba!(d.Xtest);
    expect(loaded.predictProba!(d.Xtest)).toEqual(P);
    expect(loaded.predict(d.Xtest)).toEqual(m.predict(d.Xtest));
  });

  it("rejects unknown kernels and non-positive gamma", () => {
    expect(() => svcParams.parse({ kernel: "cubic" })).toThrow(/kernel/);
    expect(() => svcParams.parse({ gamma: 0 })).toThrow(/gamma/);
  });

  it("restores in another process to identical predictions", async () => {
    const s = loadSplit("wine.csv", "classification");
    const m = await new SVC().fit(s.Xtrain, s.ytrain);
    const dir = mkdtempSync(path.join(tmpdir(), "svc-"));
    try {
      const file = path.join(dir, "model.bin");
      writeFileSync(file, encode(m.toState() as never));
      const script = path.join(dir, "restore.ts");
      const root = path.resolve(__dirname, "../..");
      writeFileSync(script, `
        import { readFileSync } from "node:fs";
        import { decode } from "${root}/src/persist";
        import { SVM_ALGORITHMS } from "${root}/src/svm/specs";
        import { loadSplit } from "${root}/test/linear/datasets";
        const state = decode(readFileSync(${JSON.stringify(file)})) as any;
        const s = loadSplit("wine.csv", "classification");
        process.stdout.write(JSON.stringify(Array.from(SVM_ALGORITHMS[0]!.restore(state).predict(s.Xtest))));
      `);
      const out = execFileSync(process.execPath, ["--import", "tsx", script], { cwd: root, encoding: "utf8" });
      expect(JSON.parse(out)).toEqual(Array.from(m.predict(s.Xtest)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
