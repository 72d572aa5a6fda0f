import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Rng } from "../../src/core/rng";
import { binData } from "../../src/tree/binner";
import { growTree } from "../../src/tree/grow";
import { HistTeam } from "../../src/tree/hist-team";
import { HIST_KERNELS_WASM } from "../../src/tree/hist-kernels.wasm";
import { growForest, shutdownTreeWorkers, startHistTeam } from "../../src/ensemble/parallel";
import type { ForestJob } from "../../src/ensemble/forest-tree";

const opts = { maxDepth: 6, minSamplesSplit: 2, minSamplesLeaf: 20, maxFeatures: 30, maxLeafNodes: 31, minHessianLeaf: 1e-3 };

function data(n: number, F: number) {
  const rng = new Rng(5);
  const X = new Float64Array(n * F);
  for (let i = 0; i < X.length; i++) X[i] = rng.next() < 0.02 ? NaN : rng.normal();
  const g = new Float64Array(n), h = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    g[i] = X[i * F]! + X[i * F + 3]! * X[i * F + 7]! + 0.3 * rng.normal() || 0;
    h[i] = 0.1 + rng.next();
  }
  return { binned: binData({ data: X, rows: n, cols: F }), g, h };
}

describe("HistTeam", () => {
  afterAll(() => shutdownTreeWorkers());

  it("gives a helper that joins before the first build nothing to claim", async () => {
    const { binned } = data(20_000, 30);
    const job: ForestJob = { data: binned, y: new Float64Array(binned.rows), nClasses: 0, criterion: "squared_error", classWeight: null, balancedSubsample: false, bootstrap: true, grow: { ...opts, maxLeafNodes: 0, maxDepth: 1 } };
    await growForest(job, [1, 2], 2, undefined, 0, false);
    const team = startHistTeam(binned, 1)!;
    try {
      // let the helper start and look for work
      await new Promise((r) => setTimeout(r, 300));
      const ctrl = team.shared.ctrl;
      expect(Atomics.load(ctrl, 1)).toBe(0); // no unit counted done
      expect(Atomics.load(ctrl, 0) & 0xfff).toBe(30); // the ticket still says "none left"
    } finally {
      team.stop();
    }
  });

  it("grows the same boosting trees with helper threads, without, and with the team alone", async () => {
    const { binned, g, h } = data(40_000, 30);
    // start a pool thread first (from TypeScript it takes a while), so that it joins the team
    const job: ForestJob = { data: binned, y: new Float64Array(binned.rows), nClasses: 0, criterion: "squared_error", classWeight: null, balancedSubsample: false, bootstrap: true, grow: { ...opts, maxLeafNodes: 0, maxDepth: 1 } };
    await growForest(job, [1, 2], 2, undefined, 0, false);
    const team = startHistTeam(binned, 1)!;
    expect(team).toBeDefined();
    const alone = new HistTeam(binned);
    const grow = (t: HistTeam | undefined, withHess: boolean) => growTree(binned, { kind: "grad", g, ...(withHess ? { h } : {}), l2: 0.5 }, Int32Array.from({ length: binned.rows }, (_, i) => i), opts, undefined, t);
    try {
      for (const withHess of [true, false]) {
        const solo = grow(undefined, withHess);
        for (const t of [team, alone]) {
          for (let rep = 0; rep < 3; rep++) {
            const tree = grow(t, withHess);
            expect(Array.from(tree.feature)).toEqual(Array.from(solo.feature));
            expect(Array.from(tree.threshold)).toEqual(Array.from(solo.threshold));
            expect(Array.from(tree.value)).toEqual(Array.from(solo.value));
          }
        }
        expect(solo.feature.filter((f) => f >= 0).length).toBe(30);
      }
    } finally {
      team.stop();
      alone.stop();
    }
  });
});

describe("hist-kernels.wasm.ts", () => {
  it("holds the bytes that hist-kernels.wat compiles to (regenerate with `pnpm --filter @mlw/ml-core wasm`)", () => {
    const printed = spawnSync(process.execPath, [join(__dirname, "../../scripts/wasm.mjs"), "--print"], { encoding: "utf8" });
    expect(printed.status).toBe(0);
    expect(printed.stdout.trim()).toBe(HIST_KERNELS_WASM);
  });
});
