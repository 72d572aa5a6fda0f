import { ExpBuffer, logisticGradients, LogisticPairs } from "../../src/ensemble/exp-buffer";
import { binData } from "../../src/tree/binner";
import { growTree, type GrowOptions } from "../../src/tree/grow";
import { HistTeam } from "../../src/tree/hist-team";
import { Rng } from "../../src/core/rng";
import { softmaxRows } from "../../src/ensemble/losses";
import { SoftprobGradients } from "../../src/ensemble/softprob-gradients";

/** Values around every branch of fdlibm's exp: tiny, the reduction's bounds, 1, the fallback's range, the limits. */
const EDGES = [0, -0, 1, -1, 2 ** -28, -(2 ** -28), 2 ** -29, 5e-324, -5e-324, 0.34657359027997264, -0.34657359027997264, 0.3465735902799727, 1.0397207708399179, -1.0397207708399179, 1.03972077083991, 703.9, -703.9, 704, -704, 709.78, 709.79, -708.5, -720, -745.1, -745.2, 800, -800, NaN, Infinity, -Infinity];

describe("ExpBuffer", () => {
  it("gives Math.exp of every value to the bit, pairs and odd tails alike", () => {
    const rng = new Rng(3);
    const scales = [1e-9, 1, 3, 40, 1500];
    const x: number[] = [...EDGES];
    for (const s of scales) for (let i = 0; i < 20_000; i++) x.push((rng.next() - 0.5) * s);
    for (const n of [x.length, x.length - 1, 1, 0]) {
      const e = new ExpBuffer(x.length);
      e.values.set(x);
      e.expInPlace(n);
      const wrong: number[] = [];
      for (let i = 0; i < x.length; i++) if (!Object.is(e.values[i], i < n ? Math.exp(x[i]!) : x[i])) wrong.push(x[i]!);
      expect(wrong).toEqual([]);
    }
  });

  it("softmax gives softmaxRows's numbers to the bit, a row's largest value far above the others included", () => {
    const rng = new Rng(5);
    const k = 7, rows = 1001;
    const raw = Float64Array.from({ length: rows * k }, (_, i) => (i % 97 === 0 ? 900 : (rng.next() - 0.5) * 20));
    const e = new ExpBuffer(raw.length);
    e.softmax(raw, k);
    const expected = raw.slice();
    softmaxRows(expected, k);
    const wrong: number[] = [];
    for (let i = 0; i < raw.length; i++) if (!Object.is(e.values[i], expected[i])) wrong.push(i);
    expect(wrong).toEqual([]);
  });

  it("logisticGradients gives binary:logistic's g and h to the bit (odd row count, scale_pos_weight)", () => {
    const rng = new Rng(8);
    const rows = 1001;
    const margin = Float64Array.from({ length: rows }, (_, i) => (i % 97 === 0 ? 40 : (rng.next() - 0.5) * 14));
    const y = Float64Array.from({ length: rows }, () => (rng.next() < 0.4 ? 1 : 0));
    for (const spw of [1, 2.5]) {
      const e = new ExpBuffer(rows, rows);
      for (let i = 0; i < rows; i++) e.values[i] = Math.exp(-margin[i]!);
      const g = new Float64Array(rows), h = new Float64Array(rows);
      expect(e.logisticGradients(y, spw, g, h)).toBe(true);
      const wrong: number[] = [];
      for (let i = 0; i < rows; i++) {
        const p = 1 / (1 + Math.exp(-margin[i]!));
        const w = y[i] === 1 ? spw : 1;
        if (!Object.is(g[i], ((y[i] === 1 ? 1 : 0) - p) * w) || !Object.is(h[i], Math.max(p * (1 - p) * w, 1e-16))) wrong.push(i);
      }
      expect(wrong).toEqual([]);
    }
  });
});

describe("LogisticPairs", () => {
  const rows = 3001, F = 4;
  const rng = new Rng(12);
  const X = Float64Array.from({ length: rows * F }, () => Math.floor(rng.next() * 20));
  const data = binData({ data: X, rows, cols: F });
  const y = Float64Array.from({ length: rows }, (_, i) => (X[i * F]! + rng.next() * 8 > 14 ? 1 : 0));
  // margins in the kernel's range and out of it (|x| >= 704: Math.exp's), and NaN
  const margin = Float64Array.from({ length: rows }, (_, i) => (i % 101 === 0 ? [800, -750, NaN][i % 3]! : (rng.next() - 0.5) * 14));
  const opts: GrowOptions = { maxDepth: 4, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: F, maxLeafNodes: 0, minHessianLeaf: 1, minSplitLoss: 0 };
  const regularization = { l2: 1, alpha: 0, maxDeltaStep: 0, minChildWeight: 1 };
  const every = () => Int32Array.from({ length: rows }, (_, i) => i);

  const finite = margin.map((v) => (Number.isNaN(v) ? 0 : v));

  it.each([1, 2.5])("writes logisticGradients's g and h as a HistTeam's pairs, with their sums in row order (scale_pos_weight %s)", (spw) => {
    const team = new HistTeam(data, { values: LogisticPairs.valuesFor(rows) });
    const pairs = LogisticPairs.on(team, y, spw)!;
    for (const m of [margin, finite]) {
      pairs.raw.set(m);
      pairs.compute();
      const g = new Float64Array(rows), h = new Float64Array(rows);
      logisticGradients(undefined, y, m, spw, g, h);
      let sg = 0, sh = 0;
      const wrong: number[] = [];
      for (let i = 0; i < rows; i++) {
        if (!Object.is(team.ab[2 * i], g[i]) || !Object.is(team.ab[2 * i + 1], h[i])) wrong.push(i);
        sg += g[i]!;
        sh += h[i]!;
      }
      expect(wrong).toEqual([]);
      expect(team.takePairs()).toEqual([sg, sh]);
      expect(team.takePairs()).toBeUndefined();
    }
    expect(Number.isFinite(team.ab[0])).toBe(true);
    team.stop();
  });

  it("grows the tree that g and h grow, and refuses a tree of some rows only", () => {
    const team = new HistTeam(data, { values: LogisticPairs.valuesFor(rows) });
    const pairs = LogisticPairs.on(team, y, 1)!;
    pairs.raw.set(finite);
    pairs.compute();
    const stale = new Float64Array(rows);
    const onPairs = growTree(data, { kind: "grad", g: stale, h: stale, l2: 1, regularization }, every(), opts, undefined, team);
    const g = new Float64Array(rows), h = new Float64Array(rows);
    logisticGradients(undefined, y, finite, 1, g, h);
    const alone = new HistTeam(data);
    const onGH = growTree(data, { kind: "grad", g, h, l2: 1, regularization }, every(), opts, undefined, alone);
    expect(onPairs.feature.length).toBeGreaterThan(7);
    expect([onPairs.feature, onPairs.threshold, onPairs.value]).toEqual([onGH.feature, onGH.threshold, onGH.value]);
    pairs.compute();
    expect(() => growTree(data, { kind: "grad", g, h, l2: 1, regularization }, every().subarray(1), opts, undefined, team)).toThrow(/every row in order/);
    team.stop();
    alone.stop();
  });
});

describe("SoftprobGradients", () => {
  /** multi:softprob's g and h from softmaxRows of the row-major scores, class-major. */
  function expected(raw: Float64Array, y: Float64Array, n: number, k: number): { g: Float64Array; h: Float64Array } {
    const rows = new Float64Array(n * k);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) rows[i * k + c] = raw[c * n + i]!;
    softmaxRows(rows, k);
    const g = new Float64Array(n * k), h = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const p = rows[i * k + c]!;
        g[c * n + i] = (y[i] === c ? 1 : 0) - p;
        h[c * n + i] = Math.max(2 * p * (1 - p), 1e-16);
      }
    }
    return { g, h };
  }

  it("gives multi:softprob's g and h of every class to the bit, in odd chunks, in JS, and on another view of its memory", () => {
    const rng = new Rng(7);
    const k = 5, n = 999;
    // a row's largest score far above the others (exponentials below 1e-300, left to Math.exp), NaN and ties
    const raw = Float64Array.from({ length: n * k }, (_, i) => (i % 89 === 0 ? 800 : i % 151 === 0 ? NaN : i % 13 === 0 ? 1 : (rng.next() - 0.5) * 12));
    const y = Float64Array.from({ length: n }, () => Math.floor(rng.next() * k));
    const want = expected(raw, y, n, k);
    const same = (a: SoftprobGradients): number[] => {
      const wrong: number[] = [];
      for (let i = 0; i < n * k; i++) if (!Object.is(a.g[i], want.g[i]) || !Object.is(a.h[i], want.h[i])) wrong.push(i);
      return wrong;
    };
    const numbers = new SoftprobGradients(n, k);
    numbers.y.set(y);
    numbers.raw.set(raw);
    for (const [from, to] of [[0, 333], [333, 334], [334, 700], [700, n]]) numbers.compute(from, to);
    expect(same(numbers)).toEqual([]);
    const js = new SoftprobGradients(n, k);
    js.y.set(y);
    js.raw.set(raw);
    js.computeJs();
    expect(same(js)).toEqual([]);
    const other = SoftprobGradients.attach(numbers.shared);
    other.g.fill(0);
    other.compute();
    expect(same(numbers)).toEqual([]);
  });
});
