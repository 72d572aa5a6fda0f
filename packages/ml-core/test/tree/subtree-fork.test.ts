import type { Matrix } from "../../src/core/matrix";
import { Rng } from "../../src/core/rng";
import { shutdownTreeWorkers, startHistTeam } from "../../src/ensemble/parallel";
import { XGBClassifier, XGBRegressor } from "../../src/ensemble/xgboost";
import { xgbBinData } from "../../src/ensemble/xgb-cuts";
import { growTree, type GradTarget, type GrowOptions } from "../../src/tree/grow";
import { HistTeam } from "../../src/tree/hist-team";
import { SubtreeFork } from "../../src/tree/subtree-fork";
import { expectSameTree } from "./same-tree";

/** n rows of F features (3% missing, a few-valued one) and a noisy rule on some of them. */
function synthetic(n: number, F: number, seed: number): { X: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const data = new Float64Array(n * F);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) data[i * F + f] = rng.next() < 0.03 ? NaN : f === 2 ? rng.int(4) : rng.normal();
    const a = data[i * F]! || 0, b = data[i * F + 1]! || 0, c = data[i * F + 2]! || 0;
    y[i] = a + 0.5 * b * c + (a > 0.3 ? 1 : 0) + 0.4 * rng.normal() > 0.6 ? 1 : 0;
  }
  return { X: { data, rows: n, cols: F }, y };
}

const opts: GrowOptions = { maxDepth: 8, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 7, maxLeafNodes: 0, minHessianLeaf: 1, minSplitLoss: 0, unseenMissingRight: true, positiveHessians: true, sparseHistograms: true };
const target = { kind: "grad" as const, l2: 1, regularization: { l2: 1, alpha: 0.1, maxDeltaStep: 0, minChildWeight: 1 } };

/** Waits (up to 30 s) until the team's fork has a helper. */
async function forkReady(team: HistTeam): Promise<void> {
  for (let i = 0; i < 600 && Atomics.load(team.fork!.context.ctrl, 1) === 0; i++) await new Promise((r) => setTimeout(r, 50));
  expect(Atomics.load(team.fork!.context.ctrl, 1)).toBe(1);
}

describe("SubtreeFork", () => {
  afterAll(() => shutdownTreeWorkers());

  it("grows the same trees to the bit with subtrees handed to a helper (nested too) as one thread, with and without hessians", async () => {
    const { X, y } = synthetic(40_001, 7, 1);
    const data = xgbBinData(X, 64);
    const team = startHistTeam(data, 1, { target, opts })!;
    try {
      await forkReady(team);
      const { g, h } = team.fork!.context;
      const rng = new Rng(4);
      for (const withHess of [true, false]) {
        for (let rep = 0; rep < 4; rep++) {
          // a round's gradients in the fork's arrays; every other round, a first split with fewer
          // rows to the left (whose subtree is handed over while the grower grows the right one apart)
          const x0 = (i: number) => X.data[i * X.cols]! || 0;
          for (let i = 0; i < X.rows; i++) {
            g[i] = (rep % 2 === 0 ? y[i]! - 0.5 : (x0(i) < -0.5 ? 1 : 0) - 0.3 + 0.4 * (y[i]! - 0.5)) + 0.3 * rng.normal();
            h[i] = Math.max(0.05 + 0.2 * rng.next(), 1e-16);
          }
          const t: GradTarget = { ...target, g, ...(withHess ? { h } : {}) };
          const rows = () => Int32Array.from({ length: X.rows }, (_, i) => i);
          const solo = growTree(data, t, rows(), opts, undefined);
          expectSameTree(growTree(data, t, rows(), opts, undefined, team), solo);
          expect(solo.feature.filter((f) => f >= 0).length).toBeGreaterThan(60);
        }
      }
      // subtrees were handed over (a helper slow to wake leaves the odd one to the grower)
      expect(team.fork!.grown).toBeGreaterThan(0);
    } finally {
      team.stop();
    }
  });

  it("grows the subtrees asked for itself when no helper takes them, to the same tree", () => {
    const { X, y } = synthetic(20_000, 5, 2);
    const data = xgbBinData(X, 32);
    const o = { ...opts, maxFeatures: 5 };
    const team = new HistTeam(data, { sparse: true, lanes: 2 });
    const fork = (team.fork = new SubtreeFork(team, target, o));
    // as if a helper had joined (ctrl word 1 counts them): subtrees are asked for, and nobody answers
    Atomics.store(fork.context.ctrl, 1, 1);
    try {
      const { g, h } = fork.context;
      for (let i = 0; i < X.rows; i++) {
        g[i] = y[i]! - 0.4 + 0.01 * (i % 7);
        h[i] = 0.24;
      }
      const t: GradTarget = { ...target, g, h };
      const rows = () => Int32Array.from({ length: X.rows }, (_, i) => i);
      const solo = growTree(data, t, rows(), o, undefined);
      expectSameTree(growTree(data, t, rows(), o, undefined, team), solo);
      // it was asked, and took its subtree back
      expect(Atomics.load(fork.context.ctrl, 0)).toBe(0);
      expect(fork.grown).toBe(0);
      expect(solo.feature.filter((f) => f >= 0).length).toBeGreaterThan(30);
    } finally {
      team.stop();
    }
  });

  it("leaves XGBClassifier and XGBRegressor the same models with n_jobs 1 and 2 (subtrees handed over)", async () => {
    const { X, y } = synthetic(30_000, 6, 3);
    for (const make of [(p: object) => new XGBClassifier(p), (p: object) => new XGBRegressor(p)]) {
      const params = { n_estimators: 12, max_depth: 7, random_state: 3, reg_alpha: 0.05 };
      const inline = await make({ ...params, n_jobs: 1 }).fit(X, y);
      // the second threaded fit finds the pool thread started
      for (let i = 0; i < 2; i++) {
        const threaded = await make({ ...params, n_jobs: 2 }).fit(X, y);
        expect(threaded.toState().state).toEqual(inline.toState().state);
      }
    }
  });
});
