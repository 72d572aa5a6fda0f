import type { SvcQ } from "./svc-q";

const LOWER = 0;
const UPPER = 1;
const FREE = 2;
const TAU = 1e-12;

/** What `solve` returns: the dual solution in the caller's order and libsvm's `SolutionInfo`. */
export interface Solution {
  /** alpha_i >= 0, in the order the problem was given. */
  readonly alpha: Float64Array;
  readonly rho: number;
  readonly obj: number;
  readonly iterations: number;
}

/** The settings of one `solve`. */
export interface SolveOptions {
  /** Upper bounds of alpha for y = +1 and y = -1. */
  readonly Cp: number;
  readonly Cn: number;
  /** Stopping tolerance on the maximal violating pair (libsvm's `eps`, scikit-learn's `tol`). */
  readonly eps: number;
  readonly shrinking: boolean;
  /** Iteration limit; -1 is libsvm's max(10^7, 100 l). */
  readonly maxIter: number;
}

/**
 * libsvm 3.x's `Solver::Solve` for the C-SVC dual, line for line:
 *   min 0.5 a'Qa + p'a  s.t.  y'a = 0,  0 <= a_i <= C_i,
 * by SMO with WSS3 second-order working-set selection (Fan, Chen & Lin 2005), shrinking with
 * gradient reconstruction, and rho from the free variables (or the mid-point of their bounds).
 * @param Q the kernel matrix; it is permuted by shrinking and must not be reused.
 * @param p the linear term (-1 for C-SVC).
 * @param y +1 / -1 per variable, permuted along with Q (the same array Q was given).
 * See https://www.csie.ntu.edu.tw/~cjlin/papers/libsvm.pdf, section 4.
 */
export function solve(Q: SvcQ, p_: Float64Array, y_: Float64Array, o: SolveOptions): Solution {
  const l = y_.length;
  const p = Float64Array.from(p_);
  const y = Int8Array.from(y_);
  const alpha = new Float64Array(l);
  const status = new Uint8Array(l);
  const activeSet = new Int32Array(l);
  const G = new Float64Array(l);
  const Gbar = new Float64Array(l);
  const QD = Q.QD;
  const { Cp, Cn, eps } = o;
  let activeSize = l;
  let unshrink = false;

  const getC = (i: number): number => (y[i]! > 0 ? Cp : Cn);
  const updateStatus = (i: number): void => {
    const a = alpha[i]!;
    status[i] = a >= getC(i) ? UPPER : a <= 0 ? LOWER : FREE;
  };

  for (let i = 0; i < l; i++) {
    updateStatus(i);
    activeSet[i] = i;
    G[i] = p[i]!;
  }
  // alpha starts at 0, so there is no gradient to add (libsvm's loop over non-lower-bound alphas is empty)

  const swapIndex = (i: number, j: number): void => {
    Q.swapIndex(i, j);
    swapI8(y, i, j);
    swapF(G, i, j);
    const s = status[i]!;
    status[i] = status[j]!;
    status[j] = s;
    swapF(alpha, i, j);
    swapF(p, i, j);
    const a = activeSet[i]!;
    activeSet[i] = activeSet[j]!;
    activeSet[j] = a;
    swapF(Gbar, i, j);
  };

  const reconstructGradient = (): void => {
    if (activeSize === l) return;
    for (let j = activeSize; j < l; j++) G[j] = Gbar[j]! + p[j]!;
    let nrFree = 0;
    for (let j = 0; j < activeSize; j++) if (status[j] === FREE) nrFree++;
    if (nrFree * l > 2 * activeSize * (l - activeSize)) {
      for (let i = activeSize; i < l; i++) {
        const Qi = Q.getQ(i, activeSize);
        let g = G[i]!;
        for (let j = 0; j < activeSize; j++) if (status[j] === FREE) g += alpha[j]! * Qi[j]!;
        G[i] = g;
      }
    } else {
      for (let i = 0; i < activeSize; i++) {
        if (status[i] !== FREE) continue;
        const Qi = Q.getQ(i, l);
        const ai = alpha[i]!;
        for (let j = activeSize; j < l; j++) G[j]! += ai * Qi[j]!;
      }
    }
  };

  let outI = -1;
  let outJ = -1;
  /** libsvm's `select_working_set` (WSS3); true when already optimal. */
  const selectWorkingSet = (): boolean => {
    let Gmax = -Infinity;
    let Gmax2 = -Infinity;
    let GmaxIdx = -1;
    let GminIdx = -1;
    let objDiffMin = Infinity;
    const n = activeSize;
    for (let t = 0; t < n; t++) {
      if (y[t] === 1) {
        if (status[t] !== UPPER && -G[t]! >= Gmax) {
          Gmax = -G[t]!;
          GmaxIdx = t;
        }
      } else if (status[t] !== LOWER && G[t]! >= Gmax) {
        Gmax = G[t]!;
        GmaxIdx = t;
      }
    }
    const i = GmaxIdx;
    if (i !== -1) {
      const Qi = Q.getQ(i, n);
      const yi = y[i]!;
      const QDi = QD[i]!;
      for (let j = 0; j < n; j++) {
        if (y[j] === 1) {
          if (status[j] !== LOWER) {
            const gradDiff = Gmax + G[j]!;
            if (G[j]! >= Gmax2) Gmax2 = G[j]!;
            if (gradDiff > 0) {
              const quad = QDi + QD[j]! - 2 * yi * Qi[j]!;
              const objDiff = quad > 0 ? -(gradDiff * gradDiff) / quad : -(gradDiff * gradDiff) / TAU;
              if (objDiff <= objDiffMin) {
                GminIdx = j;
                objDiffMin = objDiff;
              }
            }
          }
        } else if (status[j] !== UPPER) {
          const gradDiff = Gmax - G[j]!;
          if (-G[j]! >= Gmax2) Gmax2 = -G[j]!;
          if (gradDiff > 0) {
            const quad = QDi + QD[j]! + 2 * yi * Qi[j]!;
            const objDiff = quad > 0 ? -(gradDiff * gradDiff) / quad : -(gradDiff * gradDiff) / TAU;
            if (objDiff <= objDiffMin) {
              GminIdx = j;
              objDiffMin = objDiff;
            }
          }
        }
      }
    }
    if (Gmax + Gmax2 < eps || GminIdx === -1) return true;
    outI = GmaxIdx;
    outJ = GminIdx;
    return false;
  };

  const beShrunk = (i: number, Gmax1: number, Gmax2: number): boolean => {
    const s = status[i];
    if (s === UPPER) return y[i] === 1 ? -G[i]! > Gmax1 : -G[i]! > Gmax2;
    if (s === LOWER) return y[i] === 1 ? G[i]! > Gmax2 : G[i]! > Gmax1;
    return false;
  };

  const doShrinking = (): void => {
    let Gmax1 = -Infinity; // max { -y_i grad(f)_i | i in I_up }
    let Gmax2 = -Infinity; // max { y_i grad(f)_i | i in I_low }
    for (let i = 0, n = activeSize; i < n; i++) {
      if (y[i] === 1) {
        if (status[i] !== UPPER && -G[i]! >= Gmax1) Gmax1 = -G[i]!;
        if (status[i] !== LOWER && G[i]! >= Gmax2) Gmax2 = G[i]!;
      } else {
        if (status[i] !== UPPER && -G[i]! >= Gmax2) Gmax2 = -G[i]!;
        if (status[i] !== LOWER && G[i]! >= Gmax1) Gmax1 = G[i]!;
      }
    }
    if (!unshrink && Gmax1 + Gmax2 <= eps * 10) {
      unshrink = true;
      reconstructGradient();
      activeSize = l;
    }
    for (let i = 0; i < activeSize; i++) {
      if (!beShrunk(i, Gmax1, Gmax2)) continue;
      activeSize--;
      while (activeSize > i) {
        if (!beShrunk(activeSize, Gmax1, Gmax2)) {
          swapIndex(i, activeSize);
          break;
        }
        activeSize--;
      }
    }
  };

  const maxIter = o.maxIter === -1 ? Math.max(10_000_000, l > 2147483647 / 100 ? 2147483647 : 100 * l) : o.maxIter;
  let iter = 0;
  let counter = Math.min(l, 1000) + 1;
  while (iter < maxIter) {
    if (--counter === 0) {
      counter = Math.min(l, 1000);
      if (o.shrinking) doShrinking();
    }
    if (selectWorkingSet()) {
      reconstructGradient();
      activeSize = l;
      if (selectWorkingSet()) break;
      counter = 1; // do shrinking next iteration
    }
    iter++;
    const i = outI;
    const j = outJ;
    const Qi = Q.getQ(i, activeSize);
    const Qj = Q.getQ(j, activeSize);
    const Ci = getC(i);
    const Cj = getC(j);
    const oldAi = alpha[i]!;
    const oldAj = alpha[j]!;
    let ai = oldAi;
    let aj = oldAj;
    if (y[i] !== y[j]) {
      let quad = QD[i]! + QD[j]! + 2 * Qi[j]!;
      if (quad <= 0) quad = TAU;
      const delta = (-G[i]! - G[j]!) / quad;
      const diff = ai - aj;
      ai += delta;
      aj += delta;
      if (diff > 0) {
        if (aj < 0) {
          aj = 0;
          ai = diff;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = -diff;
      }
      if (diff > Ci - Cj) {
        if (ai > Ci) {
          ai = Ci;
          aj = Ci - diff;
        }
      } else if (aj > Cj) {
        aj = Cj;
        ai = Cj + diff;
      }
    } else {
      let quad = QD[i]! + QD[j]! - 2 * Qi[j]!;
      if (quad <= 0) quad = TAU;
      const delta = (G[i]! - G[j]!) / quad;
      const sum = ai + aj;
      ai -= delta;
      aj += delta;
      if (sum > Ci) {
        if (ai > Ci) {
          ai = Ci;
          aj = sum - Ci;
        }
      } else if (aj < 0) {
        aj = 0;
        ai = sum;
      }
      if (sum > Cj) {
        if (aj > Cj) {
          aj = Cj;
          ai = sum - Cj;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = sum;
      }
    }
    alpha[i] = ai;
    alpha[j] = aj;

    const dAi = ai - oldAi;
    const dAj = aj - oldAj;
    for (let k = 0, n = activeSize; k < n; k++) G[k]! += Qi[k]! * dAi + Qj[k]! * dAj;

    const ui = status[i] === UPPER;
    const uj = status[j] === UPPER;
    updateStatus(i);
    updateStatus(j);
    if (ui !== (status[i] === UPPER)) {
      const Qil = Q.getQ(i, l);
      if (ui) for (let k = 0; k < l; k++) Gbar[k]! -= Ci * Qil[k]!;
      else for (let k = 0; k < l; k++) Gbar[k]! += Ci * Qil[k]!;
    }
    if (uj !== (status[j] === UPPER)) {
      const Qjl = Q.getQ(j, l);
      if (uj) for (let k = 0; k < l; k++) Gbar[k]! -= Cj * Qjl[k]!;
      else for (let k = 0; k < l; k++) Gbar[k]! += Cj * Qjl[k]!;
    }
  }
  if (iter >= maxIter && activeSize < l) {
    // reconstruct the whole gradient to calculate the objective value
    reconstructGradient();
    activeSize = l;
  }

  // libsvm's calculate_rho
  let ub = Infinity;
  let lb = -Infinity;
  let sumFree = 0;
  let nrFree = 0;
  for (let i = 0; i < activeSize; i++) {
    const yG = y[i]! * G[i]!;
    if (status[i] === UPPER) {
      if (y[i] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (status[i] === LOWER) {
      if (y[i] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nrFree++;
      sumFree += yG;
    }
  }
  const rho = nrFree > 0 ? sumFree / nrFree : (ub + lb) / 2;

  let v = 0;
  for (let i = 0; i < l; i++) v += alpha[i]! * (G[i]! + p[i]!);
  const out = new Float64Array(l);
  for (let i = 0; i < l; i++) out[activeSet[i]!] = alpha[i]!;
  return { alpha: out, rho, obj: v / 2, iterations: iter };
}

function swapF(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

function swapI8(a: Int8Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
