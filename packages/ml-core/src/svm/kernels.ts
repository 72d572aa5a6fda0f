/** A kernel function between two rows, given the kernel's parameters. */
export type Kernel = (a: Float64Array, ai: number, b: Float64Array, bi: number, d: number, k: KernelParams) => number;

/** The numbers a kernel needs. */
export interface KernelParams {
  readonly gamma: number;
  readonly degree: number;
  readonly coef0: number;
}

function dot(a: Float64Array, ai: number, b: Float64Array, bi: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += a[ai + j]! * b[bi + j]!;
  return s;
}

/** The kernels SVC offers, as libsvm defines them (kernel name -> function and libsvm's code). */
export const KERNELS = {
  linear: { libsvm: "LINEAR", fn: ((a, ai, b, bi, d) => dot(a, ai, b, bi, d)) as Kernel },
  poly: { libsvm: "POLYNOMIAL", fn: ((a, ai, b, bi, d, k) => (k.gamma * dot(a, ai, b, bi, d) + k.coef0) ** k.degree) as Kernel },
  rbf: {
    libsvm: "RBF",
    fn: ((a, ai, b, bi, d, k) => {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = a[ai + j]! - b[bi + j]!;
        s += t * t;
      }
      return Math.exp(-k.gamma * s);
    }) as Kernel,
  },
  sigmoid: { libsvm: "SIGMOID", fn: ((a, ai, b, bi, d, k) => Math.tanh(k.gamma * dot(a, ai, b, bi, d) + k.coef0)) as Kernel },
} as const;
