import { lbfgs } from "../../src/linear/lbfgs";

describe("lbfgs", () => {
  it("finds the minimum of the Rosenbrock function", () => {
    const r = lbfgs((x, g) => {
      const [a, b] = [x[0]!, x[1]!];
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    }, Float64Array.from([-1.2, 1]), { maxIter: 500, gtol: 1e-8, ftol: 0 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
  });

  it("reports converged false when max_iter ends it before the gradient is small", () => {
    const rosenbrock = (x: Float64Array, g: Float64Array) => {
      const [a, b] = [x[0]!, x[1]!];
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    };
    const x0 = Float64Array.from([-1.2, 1]);
    const r = lbfgs(rosenbrock, x0, { maxIter: 5, gtol: 1e-8, ftol: 0 });
    expect(r.nIter).toBe(5);
    expect(r.converged).toBe(false);
    expect(r.f).toBeLessThan(rosenbrock(x0, new Float64Array(2))); // it did make progress
    // the same problem with room to finish converges
    expect(lbfgs(rosenbrock, x0, { maxIter: 500, gtol: 1e-8, ftol: 0 }).converged).toBe(true);
  });

  it("stops at max_iter and reports no convergence", () => {
    const r = lbfgs((x, g) => { g[0] = 2 * x[0]! * 1e-3; return 1e-3 * x[0]! ** 2 + Math.sin(x[0]!) ; }, Float64Array.from([50]), { maxIter: 1, gtol: 0, ftol: 0 });
    expect(r.nIter).toBe(1);
  });
});
