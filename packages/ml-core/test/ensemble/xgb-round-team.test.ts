import type { Matrix } from "../../src/core/matrix";
import { Rng } from "../../src/core/rng";
import { shutdownTreeWorkers, startRoundTeam } from "../../src/ensemble/parallel";
import { xgbBinData } from "../../src/ensemble/xgb-cuts";
import { multiSoftprob } from "../../src/ensemble/xgb-objectives";
import { growColumnTree, type TreeSetup } from "../../src/ensemble/xgb-round-team";
import { addLeaves } from "../../src/tree/grow";
import { XGBClassifier } from "../../src/ensemble/xgboost";
import type { TreeArrays } from "../../src/tree/flat-tree";
import { HistTeam } from "../../src/tree/hist-team";
import { runStages } from "../staged";

const K = 4;

/** n rows of 6 features (some missing) and K classes from a noisy rule. */
function synthetic(n: number, seed: number): { X: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const F = 6;
  const data = new Float64Array(n * F);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) data[i * F + f] = rng.next() < 0.03 ? NaN : Math.round(rng.next() * 50) / 10;
    const a = data[i * F]!, b = data[i * F + 1]!;
    y[i] = ((Number.isNaN(a) ? 0 : a > 2.5 ? 1 : 0) + (Number.isNaN(b) ? 1 : b > 1.5 ? 2 : 0) + (rng.next() < 0.1 ? 1 : 0)) % K;
  }
  return { X: { data, rows: n, cols: F }, y };
}

function same(a: TreeArrays, b: TreeArrays): void {
  for (const key of ["feature", "threshold", "left", "right", "missingLeft", "value", "importance"] as const) expect(Array.from(a[key])).toEqual(Array.from(b[key]));
}

describe("RoundTeam", () => {
  afterAll(() => shutdownTreeWorkers());

  it.each([
    ["JS histograms, every row", false, false],
    ["HistTeams, rows subsampled", true, true],
  ] as const)("grows a round's trees on the caller and a pool thread, the trees grown one after the other, and adds their leaf weights unless subsampled (%s)", (_, withTeam, subsampled) => {
    const { X, y } = synthetic(6000, 1);
    const n = X.rows;
    const data = xgbBinData(X, 256);
    const setup: TreeSetup = {
      data,
      grow: { maxDepth: 6, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: X.cols, maxLeafNodes: 0, minHessianLeaf: 1, minSplitLoss: 0, unseenMissingRight: true },
      target: { kind: "grad", l2: 1, regularization: { l2: 1, alpha: 0, maxDeltaStep: 0, minChildWeight: 1 } },
      learningRate: Math.fround(0.3),
    };
    const obj = multiSoftprob(K, n, 0.5);
    const rng = new Rng(2);
    const raw = Float64Array.from({ length: n * K }, () => rng.next() - 0.5);
    obj.prepare(y, raw);
    const samples = Array.from({ length: K }, () => Int32Array.from({ length: n }, (_, i) => i).filter(() => !subsampled || rng.next() < 0.7));
    const expected = Array.from({ length: K }, (_, c) => {
      const g = new Float64Array(n), h = new Float64Array(n);
      obj.gradients(y, raw, c, g, h);
      return growColumnTree(setup, g, h, samples[c]!.slice(), undefined);
    });

    const team = withTeam ? new HistTeam(data) : undefined;
    const round = startRoundTeam(setup, K, subsampled, team, 1, y)!;
    expect(round).toBeDefined();
    // the raw scores (class-major) after the round: leaf weights added to each row's column, unless subsampled
    const after = raw.slice();
    if (!subsampled) expected.forEach((tree, c) => addLeaves(tree, after.subarray(c * n, (c + 1) * n), 1, 0));
    try {
      // rounds until the pool thread (started on first use) has grown some trees
      const until = Date.now() + 30_000;
      for (let r = 0; round.threadTrees === 0 || r < 3; r++) {
        expect(Date.now()).toBeLessThan(until);
        for (let c = 0; c < K; c++) if (subsampled) round.setSample(c, samples[c]!);
        round.raw.set(raw);
        round.growRound().forEach((tree, c) => same(tree, expected[c]!));
        expect(Array.from(round.raw)).toEqual(Array.from(after));
      }
    } finally {
      round.stop();
      team?.stop();
    }
  });

  it("leaves an XGBClassifier the same model with n_jobs 1 and 2, every row or subsampled", async () => {
    const { X, y } = synthetic(6000, 3);
    for (const extra of [{}, { subsample: 0.8 }]) {
      const params = { n_estimators: 15, max_depth: 4, random_state: 7, ...extra };
      const inline = await new XGBClassifier({ ...params, n_jobs: 1 }).fit(X, y);
      // the second threaded fit finds the pool thread started
      for (let i = 0; i < 2; i++) {
        const threaded = await new XGBClassifier({ ...params, n_jobs: 2 }).fit(X, y);
        expect(threaded.toState().state).toEqual(inline.toState().state);
      }
    }
  });

  it("fits in stages on threads, two fits in lockstep or one alone (paused between stages), to fit's model on one thread", async () => {
    const { X, y } = synthetic(6000, 5);
    const params = { n_estimators: 12, max_depth: 3, random_state: 2 };
    const inline = await new XGBClassifier({ ...params, n_jobs: 1 }).fit(X, y);
    // two staged fits in lockstep: the second one's round task waits behind the first one's
    const a = new XGBClassifier({ ...params, n_jobs: 2 }).fitStages(X, y, 5);
    const b = new XGBClassifier({ ...params, n_jobs: 2 }).fitStages(X, y, 5);
    const ends: XGBClassifier[] = [];
    for (let doneA = false, doneB = false; !doneA || !doneB; ) {
      if (!doneA) {
        const r = await a.next();
        if ((doneA = r.done === true)) ends.push(r.value as XGBClassifier);
      }
      if (!doneB) {
        const r = await b.next();
        if ((doneB = r.done === true)) ends.push(r.value as XGBClassifier);
      }
    }
    for (const m of ends) expect(m.toState().state).toEqual(inline.toState().state);
    const staged = await runStages(new XGBClassifier({ ...params, n_jobs: 2 }), X, y, 4, (m) => m.predictProba(X).data);
    expect(staged.units).toEqual([4, 8]);
    expect(staged.model.toState().state).toEqual(inline.toState().state);
  });
});
