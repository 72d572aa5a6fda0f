import type { Rng } from "../core/rng";

/** Platt's sigmoid P(y = +1 | f) = 1 / (1 + exp(A f + B)) for one class pair. */
export interface Sigmoid {
  readonly A: number;
  readonly B: number;
}

/**
 * Decision values of a binary SVC trained on the rows `train` of a class pair (labels +1/-1 in
 * `labels`, cost `Cp` for +1 and `Cn` for -1), evaluated at the rows `test`; positive means +1.
 */
export type BinaryDecision = (train: Int32Array, test: Int32Array, Cp: number, Cn: number) => Promise<Float64Array>;

/**
 * libsvm's `svm_binary_svc_probability`: Platt scaling of one class pair from 5-fold
 * cross-validated decision values, with the folds drawn from `rng` instead of C's `rand()`, so
 * that the same seed gives the same sigmoid. A fold whose training part holds one class only
 * gets decision values +1 or -1, as in libsvm.
 * @param labels +1 / -1 per row of the pair's problem.
 * @param decide trains on some rows and returns decision values on others.
 * See Lin, Lin & Weng (2007), "A note on Platt's probabilistic outputs for support vector machines".
 */
export async function binarySvcProbability(labels: Float64Array, Cp: number, Cn: number, rng: Rng, decide: BinaryDecision): Promise<Sigmoid> {
  const l = labels.length;
  const nrFold = 5;
  const perm = new Int32Array(l);
  for (let i = 0; i < l; i++) perm[i] = i;
  for (let i = 0; i < l; i++) {
    const j = i + rng.int(l - i);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  const dec = new Float64Array(l);
  for (let f = 0; f < nrFold; f++) {
    const begin = Math.floor((f * l) / nrFold);
    const end = Math.floor(((f + 1) * l) / nrFold);
    const train = new Int32Array(l - (end - begin));
    train.set(perm.subarray(0, begin));
    train.set(perm.subarray(end), begin);
    const test = perm.slice(begin, end);
    let pos = 0;
    let neg = 0;
    for (let j = 0; j < train.length; j++) {
      if (labels[train[j]!]! > 0) pos++;
      else neg++;
    }
    if (pos === 0 || neg === 0) {
      const v = pos === 0 && neg === 0 ? 0 : pos > 0 ? 1 : -1;
      for (let j = 0; j < test.length; j++) dec[test[j]!] = v;
      continue;
    }
    const values = await decide(train, test, Cp, Cn);
    for (let j = 0; j < test.length; j++) dec[test[j]!] = values[j]!;
  }
  return sigmoidTrain(dec, labels);
}

/**
 * libsvm's `sigmoid_train`, line for line: fits A and B of Platt's sigmoid to decision values
 * by Newton's method with backtracking on regularised targets (Lin, Lin & Weng 2007, algorithm 1).
 * @param dec decision values.
 * @param labels +1 / -1 per value.
 */
export function sigmoidTrain(dec: Float64Array, labels: Float64Array): Sigmoid {
  const l = dec.length;
  let prior1 = 0;
  let prior0 = 0;
  for (let i = 0; i < l; i++) {
    if (labels[i]! > 0) prior1++;
    else prior0++;
  }
  const maxIter = 100;
  const minStep = 1e-10;
  const sigma = 1e-12;
  const eps = 1e-5;
  const hiTarget = (prior1 + 1) / (prior1 + 2);
  const loTarget = 1 / (prior0 + 2);
  const t = new Float64Array(l);
  let A = 0;
  let B = Math.log((prior0 + 1) / (prior1 + 1));
  const objective = (a: number, b: number): number => {
    let f = 0;
    for (let i = 0; i < l; i++) {
      const fApB = dec[i]! * a + b;
      f += fApB >= 0 ? t[i]! * fApB + Math.log(1 + Math.exp(-fApB)) : (t[i]! - 1) * fApB + Math.log(1 + Math.exp(fApB));
    }
    return f;
  };
  for (let i = 0; i < l; i++) t[i] = labels[i]! > 0 ? hiTarget : loTarget;
  let fval = objective(A, B);
  for (let iter = 0; iter < maxIter; iter++) {
    let h11 = sigma;
    let h22 = sigma;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < l; i++) {
      const fApB = dec[i]! * A + B;
      let p: number;
      let q: number;
      if (fApB >= 0) {
        p = Math.exp(-fApB) / (1 + Math.exp(-fApB));
        q = 1 / (1 + Math.exp(-fApB));
      } else {
        p = 1 / (1 + Math.exp(fApB));
        q = Math.exp(fApB) / (1 + Math.exp(fApB));
      }
      const d2 = p * q;
      h11 += dec[i]! * dec[i]! * d2;
      h22 += d2;
      h21 += dec[i]! * d2;
      const d1 = t[i]! - p;
      g1 += dec[i]! * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < eps && Math.abs(g2) < eps) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= minStep) {
      const newA = A + step * dA;
      const newB = B + step * dB;
      const newf = objective(newA, newB);
      if (newf < fval + 0.0001 * step * gd) {
        A = newA;
        B = newB;
        fval = newf;
        break;
      }
      step /= 2;
    }
    if (step < minStep) break; // line search failed, as libsvm: keep the last A, B
  }
  return { A, B };
}
