import { parseNumber } from "../../src/data/column-builder";
import { scaledDecimal } from "../../src/data/scaled-decimal";
import { Rng } from "../../src/core/rng";

/** What `parseNumber` gave for decimal text before its fast path grew: `Number`, with 0 for "-0". */
function reference(text: string): number {
  const v = Number(text);
  if (!Number.isFinite(v)) return NaN;
  return v === 0 ? 0 : v;
}

function expectSameAsReference(texts: Iterable<string>): void {
  const wrong: string[] = [];
  for (const t of texts) if (!Object.is(parseNumber(t), reference(t))) wrong.push(t);
  expect(wrong.slice(0, 10)).toEqual([]);
}

function digits(rng: Rng, n: number): string {
  let s = "";
  while (s.length < n) s += String(rng.nextUint32() % 1e9).padStart(9, "0");
  return s.slice(0, n);
}

function below(rng: Rng, n: number): number {
  return rng.nextUint32() % n;
}

/** `count` decimals of 16-19 significant digits: random point, sign, leading and trailing zeros. */
function* randomDecimals(rng: Rng, count: number): Generator<string> {
  for (let i = 0; i < count; i++) {
    const sig = String(1 + below(rng, 9)) + digits(rng, 15 + below(rng, 4));
    const body = "0".repeat(below(rng, 4) === 0 ? below(rng, 6) : 0) + sig;
    const at = below(rng, body.length + 1);
    const point = below(rng, 8) === 0 ? "" : ".";
    const sign = ["", "-", "+"][below(rng, 3)]!;
    yield sign + body.slice(0, at) + point + body.slice(at);
  }
}

/**
 * The decimal digits of the point halfway between the double `x` (positive, normal) and the next
 * one up, as an integer string `n` and a count `k` of digits after the point: halfway = n / 10^k.
 */
function halfwayDigits(x: number): { n: string; k: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const mantissa = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
  const e = Number(bits >> 52n) - 1075 - 1; // halfway = (2 mantissa + 1) * 2^e
  const odd = 2n * mantissa + 1n;
  return e >= 0 ? { n: String(odd << BigInt(e)), k: 0 } : { n: String(odd * 5n ** BigInt(-e)), k: -e };
}

/** `n / 10^k` written with its digits cut to `sig` significant ones, plus `bump` in the last one. */
function cut(n: string, k: number, sig: number, bump: bigint): string {
  const kept = String(BigInt(n.slice(0, sig)) + bump);
  const k2 = k - (n.length - sig);
  const padded = k2 < 0 ? kept + "0".repeat(-k2) : kept;
  if (k2 <= 0) return padded;
  const whole = padded.length > k2 ? padded.slice(0, padded.length - k2) : "0";
  return `${whole}.${padded.padStart(k2, "0").slice(-k2)}`;
}

describe("parseNumber on long decimals", () => {
  it("reads 3 million random decimals of 16-19 significant digits exactly as Number does", () => {
    const rng = new Rng(20261204);
    for (let batch = 0; batch < 3; batch++) expectSameAsReference(randomDecimals(rng, 1_000_000));
  });

  it("reads decimals next to a halfway point between two doubles exactly as Number does", () => {
    const rng = new Rng(7);
    const texts: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const x = (1 + (rng.nextUint32() / 2 ** 32)) * 2 ** (below(rng, 80) - 14); // mostly k <= 22: the fast path
      const { n, k } = halfwayDigits(x);
      for (const sig of [16, 17, 18, 19]) {
        if (n.length < sig) continue;
        for (const bump of [-1n, 0n, 1n]) texts.push(cut(n, k, sig, bump));
      }
    }
    expect(texts.length).toBeGreaterThan(500_000);
    expectSameAsReference(texts);
  });

  it("reads exact halfway values, rounding them to even, as Number does", () => {
    const halfway = [
      "9007199254740993", // 2^53 + 1
      "9007199254740995",
      "-9007199254740993.0",
      "18014398509481986", // 2^54 + 2
      "18014398509481990",
      "4503599627370496.5", // 2^52 + 1/2
      "4503599627370497.5",
      "2251799813685248.25", // 2^51 + 1/4
      "1125899906842624.125", // 2^50 + 1/8
      "9223372036854776832", // 2^63 + 2^10
      "9223372036854777856",
      "0.1000000000000000124", // 19 digits either side of 0.1 + ulp/2
      "0.1000000000000000125",
      "0.09999999999999999167", // 0.1's lower neighbour, cut to 19 digits
      "0.09999999999999999168",
    ];
    expectSameAsReference(halfway);
    expect(parseNumber("9007199254740993")).toBe(9007199254740992);
    expect(parseNumber("9007199254740995")).toBe(9007199254740996);
    expect(scaledDecimal(450359962737049, 65, 2, 1)).toBeNaN();
  });

  it("reads the largest mantissas, and longer ones through Number", () => {
    expectSameAsReference([
      "9999999999999999999", // 19 nines, below 2^64
      "-99999999999999999.99",
      "18446744073709551615", // 2^64 - 1: 20 digits
      "18446744073709551617",
      "99999999999999999999",
      "0.12345678901234567890123",
      "1234567890123456789012345.5",
      "0.0000000000000000000001234567890123456789", // more than 22 digits after the point
      "0.0000000000000000000000001",
      "100000000000000000000000000000",
    ]);
  });

  it("reads zeros as 0, never -0", () => {
    for (const t of ["0", "-0", "-0.0", "+0.000", "-.0", "0000000000000000000000000.0", "-0.0000000000000000000000"]) {
      expect(Object.is(parseNumber(t), 0)).toBe(true);
    }
  });

  it("leaves exponents and the range edges to Number, as before", () => {
    expectSameAsReference([
      "1e3",
      "-1.4778641324302337e-5",
      "1.7976931348623157e308",
      "1.7976931348623158e308",
      "4.9406564584124654e-324",
      "2.4703282292062328e-324",
      "2.2250738585072011e-308",
      "2.2250738585072012e-308",
      "1e-400",
      "-1e-400",
    ]);
    expect(parseNumber("1e309")).toBeNaN();
    expect(parseNumber("-1.8e308")).toBeNaN();
  });

  it("leaves to Number only halfway cases, and about one other input in 2^27", () => {
    const rng = new Rng(1);
    let fallbacks = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const hi = 1e14 + below(rng, 9e8) * 1e6 + below(rng, 1e6);
      const nLo = 1 + below(rng, 4);
      const k = 5 + below(rng, 18); // no halfway cases
      const v = scaledDecimal(hi, below(rng, 10 ** nLo), nLo, k);
      if (v !== v) fallbacks++;
    }
    expect(fallbacks).toBeLessThan(3);
    expect(scaledDecimal(900719925474099, 3, 1, 0)).toBe(9007199254740992); // an integer: no fallback
  });
});
