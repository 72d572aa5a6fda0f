import { erf, erfc, expNeg, logGaussMass, logNdtr, logPdf, ppf } from "../../src/tpe/truncnorm";

// Expected values computed once with SciPy 1.x (Debian python3-scipy) under /usr/bin/python3:
//   from scipy.stats import truncnorm; from scipy.special import erf, erfc, log_ndtr
//   truncnorm.logpdf(x, a, b); truncnorm.ppf(q, a, b); erf(x); erfc(x); log_ndtr(x)
const LOGPDF: readonly [number, number, number, number][] = [
  [-1, 2, -1, -1.21877223888021], [-1, 2, -0.1, -0.72377223888021], [-1, 2, 1.7, -2.1637722388802105],
  [0.5, 3, 0.5, 0.13635797742800482], [0.5, 3, 2.75, -3.5198920225719945],
  [-3, -1, -3, -3.5693721126570637], [-3, -1, -1.2, 0.21062788734293614],
  [5, 9, 5, 1.6460598607844492], [5, 9, 8.6, -22.83394013921555],
  [-40, -30, -40, -346.59769457686144], [-40, -30, -31, -27.097694576861386],
  [30, 31, 30, 3.402305423138671], [30, 31, 30.9, -24.002694576861302],
  [-0.2, 0.1, -0.11, 1.202907836460549],
  [-2, 50, -2, -2.8959256238757094], [-2, 50, 44.8, -1004.415925623876],
];
const PPF: readonly [number, number, number, number][] = [
  [-1, 2, 0.01, -0.9667232518503339], [-1, 2, 0.5, 0.17116391801782455], [-1, 2, 0.99, 1.8672107987812487],
  [0.5, 3, 0.01, 0.5087445021306901], [0.5, 3, 0.5, 1.0154582534059824], [0.5, 3, 0.99, 2.6180436618103085],
  [-3, -1, 0.01, -2.7563017892638126], [-3, -1, 0.5, -1.4050542332391105], [-3, -1, 0.99, -1.0065222776673635],
  [5, 9, 0.01, 5.001937436168998], [5, 9, 0.5, 5.1320183320442245], [5, 9, 0.99, 5.824364544501924],
  [-40, -30, 0.01, -30.152946658582156], [-40, -30, 0.5, -30.023070467827313], [-40, -30, 0.99, -30.00033463833215],
  [30, 31, 0.01, 30.00033463833215], [30, 31, 0.5, 30.023070467827313], [30, 31, 0.99, 30.15294665858198],
  [-0.2, 0.1, 0.01, -0.1969555375816747], [-0.2, 0.1, 0.5, -0.04944065740603939], [-0.2, 0.1, 0.99, 0.09700040052170099],
  [-2, 50, 0.01, -1.8449469140734922], [-2, 50, 0.5, 0.02851692659091762], [-2, 50, 0.99, 2.3349698207580216],
];
const ERF: readonly [number, number, number][] = [
  [-3, -0.9999779095030014, 1.9999779095030015], [-0.5, -0.5204998778130465, 1.5204998778130465],
  [0.1, 0.1124629160182849, 0.8875370839817152], [0.9, 0.7969082124228322, 0.20309178757716784],
  [2, 0.9953222650189527, 0.004677734981047266], [5, 0.9999999999984626, 1.5374597944280347e-12],
  [10, 1, 2.0884875837625446e-45],
];
const LOG_NDTR: readonly [number, number][] = [
  [-50, -1254.8313611394199], [-25, -316.63940800802027], [-10, -53.23128515051248], [-1, -1.841021645009264],
  [0, -0.6931471805599453], [3, -0.001350809964748193], [8, -6.220960574271743e-16],
];

const rel = (got: number, want: number): number => Math.abs(got - want) / Math.max(1, Math.abs(want));

describe("truncnorm", () => {
  it("matches SciPy's erf and erfc, erfc relatively in the far tail", () => {
    for (const [x, e, ec] of ERF) {
      expect(Math.abs(erf(x) - e)).toBeLessThan(1e-15);
      expect(Math.abs(erfc(x) - ec) / ec).toBeLessThan(1e-13);
    }
  });

  it("matches SciPy's log_ndtr from the far left tail to the far right", () => {
    for (const [x, want] of LOG_NDTR) expect(Math.abs(logNdtr(x) - want) / Math.abs(want)).toBeLessThan(1e-12);
  });

  it("matches SciPy's truncnorm.logpdf, also 30 to 50 standard deviations out", () => {
    for (const [a, b, x, want] of LOGPDF) expect(rel(logPdf(x, a, b), want)).toBeLessThan(1e-11);
  });

  it("is -Infinity outside [a, b]", () => {
    expect(logPdf(-1.5, -1, 2)).toBe(-Infinity);
    expect(logPdf(2.5, -1, 2)).toBe(-Infinity);
  });

  it("matches SciPy's truncnorm.ppf, also in the tails", () => {
    for (const [a, b, q, want] of PPF) expect(rel(ppf(q, a, b), want)).toBeLessThan(1e-9);
  });

  it("ppf inverts the CDF and stays inside [a, b] at q = 0, 1 and near them", () => {
    for (const [a, b] of [[-1, 2], [5, 9], [-40, -30], [-3, 60]] as const) {
      expect(ppf(0, a, b)).toBe(a);
      expect(ppf(1, a, b)).toBe(b);
      for (const q of [1e-12, 0.2, 0.7, 1 - 1e-12]) {
        const x = ppf(q, a, b);
        expect(x).toBeGreaterThanOrEqual(a);
        expect(x).toBeLessThanOrEqual(b);
        // CDF of the truncated normal at x, from masses.
        const cdf = Math.exp(logGaussMass(a, x) - logGaussMass(a, b));
        expect(Math.abs(cdf - q)).toBeLessThan(1e-9);
      }
    }
  });

  it("logGaussMass is finite and consistent where the mass underflows", () => {
    const m = logGaussMass(40, 41);
    expect(Number.isFinite(m)).toBe(true);
    expect(logGaussMass(-41, -40)).toBeCloseTo(m, 10);
    expect(Math.exp(logGaussMass(-1, 1))).toBeCloseTo(0.6826894921370859, 14);
  });
});

describe("expNeg", () => {
  it("matches Math.exp on (-700, 0] to 3e-14 relative", () => {
    let worst = 0;
    for (let i = 0; i <= 20000; i++) {
      const x = -((i / 20000) ** 2) * 699.9;
      worst = Math.max(worst, Math.abs(expNeg(x) - Math.exp(x)) / Math.exp(x));
    }
    expect(worst).toBeLessThan(3e-14);
    expect(expNeg(0)).toBe(1);
  });
});
