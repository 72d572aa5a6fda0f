/**
 * The generated CSV of bench:big: `rows` rows of 20 numeric columns (`num_00`..`num_19`, five
 * decimals but the small integers of `num_07`), two categorical ones (`cat_a`: 20 levels, `cat_b`: 15 levels, both skewed) and a
 * binary `target` drawn from a logistic model with real signal in both kinds of column
 * (interactions and non-linear terms included, so that trees have something to find). The same
 * `seed` writes the same bytes. At 5,000,000 rows the file is about 900 MB.
 */
import { closeSync, openSync, writeSync } from "node:fs";

/** Columns of the file, in order. */
export const BIG_COLUMNS = [...Array.from({ length: 20 }, (_, j) => `num_${String(j).padStart(2, "0")}`), "cat_a", "cat_b", "target"];

const CAT_A = Array.from({ length: 20 }, (_, k) => `a${String(k).padStart(2, "0")}`);
const CAT_B = Array.from({ length: 15 }, (_, k) => `b${String(k).padStart(2, "0")}`);
/** Five-digit fractions "00000".."99999", so that a number is written without toFixed. */
const FRACTIONS = Array.from({ length: 100_000 }, (_, k) => String(k).padStart(5, "0"));

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `v` rounded to five decimals, as text ("-1.23456"). */
function fixed5(v: number): string {
  const q = Math.round(v * 100_000);
  const a = q < 0 ? -q : q;
  return `${q < 0 ? "-" : ""}${Math.floor(a / 100_000)}.${FRACTIONS[a % 100_000]}`;
}

/** An index in 0..n-1 drawn with weights falling off like 1/(k+2). */
function skewedPick(u: number, cumulative: Float64Array): number {
  let k = 0;
  while (k < cumulative.length - 1 && u > cumulative[k]!) k++;
  return k;
}

function cumulativeWeights(n: number): Float64Array {
  const w = Array.from({ length: n }, (_, k) => 1 / (k + 2));
  const total = w.reduce((s, x) => s + x, 0);
  let acc = 0;
  return Float64Array.from(w, (x) => (acc += x / total));
}

/**
 * Writes the CSV to `file` and answers its size in bytes.
 * @param rows data rows.
 * @param seed the generator's seed.
 */
export function writeBigCsv(file: string, rows: number, seed = 42): number {
  const rand = uniform(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const cumA = cumulativeWeights(CAT_A.length);
  const cumB = cumulativeWeights(CAT_B.length);
  const effectA = Float64Array.from(CAT_A, () => 1.6 * (rand() - 0.5));
  const effectB = Float64Array.from(CAT_B, () => 1.2 * (rand() - 0.5));
  const x = new Float64Array(20);
  const fd = openSync(file, "w");
  let bytes = 0;
  try {
    let text = `${BIG_COLUMNS.join(",")}\n`;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < 20; j++) x[j] = normal();
      x[5] = 100 * rand(); // a uniform 0..100 column
      x[6] = Math.exp(0.8 * x[6]!); // a skewed positive column
      x[7] = Math.round(5 * rand() + 2 * x[0]!); // a small-integer column correlated with num_00
      const a = skewedPick(rand(), cumA);
      const b = skewedPick(rand(), cumB);
      const logit = 0.8 * x[0]! - 0.6 * x[1]! + 0.5 * x[2]! * x[3]! + 0.7 * Math.sin(2 * x[4]!) + (x[5]! > 60 ? 0.5 : -0.2) - 0.3 * Math.log(x[6]!) + 0.25 * x[8]! * x[8]! - 0.4 + effectA[a]! + effectB[b]! + (a % 3 === 0 && x[9]! > 0 ? 0.6 : 0);
      const y = rand() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      let line = fixed5(x[0]!);
      for (let j = 1; j < 20; j++) line += j === 7 ? `,${x[7]}` : `,${fixed5(x[j]!)}`;
      text += `${line},${CAT_A[a]},${CAT_B[b]},${y}\n`;
      if (text.length >= 1 << 20) {
        bytes += writeSync(fd, text);
        text = "";
      }
    }
    bytes += writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return bytes;
}
