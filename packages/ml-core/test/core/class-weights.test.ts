import { balancedWeights, classWeights } from "../../src/core/class-weights";
import { DataError } from "../../src/core/errors";

describe("classWeights", () => {
  const y = Float64Array.from([0, 0, 0, 1, 2, 2]);

  it("is all ones without class_weight", () => {
    expect(Array.from(classWeights(y, 4, null))).toEqual([1, 1, 1, 1]);
  });

  it('"balanced" is n / (n_classes present * count): scikit-learn\'s compute_class_weight, 0 for a class absent from y', () => {
    // compute_class_weight("balanced", classes=[0, 1, 2], y=[0, 0, 0, 1, 2, 2]) == [2/3, 2, 1]
    expect(Array.from(classWeights(y, 4, "balanced"))).toEqual([6 / 9, 2, 1, 0]);
  });

  it("refuses labels that are not class indices", () => {
    expect(() => classWeights(Float64Array.from([0, 1.5]), 2, "balanced")).toThrow(DataError);
  });
});

describe("balancedWeights", () => {
  it("takes weighted counts, such as a bootstrap's draws (balanced_subsample)", () => {
    // a draw of 5 rows: class 0 drawn 4 times, class 1 once, class 2 never
    expect(Array.from(balancedWeights(Float64Array.from([4, 1, 0])))).toEqual([5 / 8, 5 / 2, 0]);
  });
});
