import { classCounts, countClasses } from "../../src/core/classes";

describe("countClasses", () => {
  it("is nClasses when given (classes absent from y count), else max(y) + 1", () => {
    const y = Float64Array.from([0, 2, 1, 2]);
    expect(countClasses(y)).toBe(3);
    expect(countClasses(y, 5)).toBe(5);
  });
});

describe("classCounts", () => {
  it("counts the rows of each class and refuses a label outside 0..k-1", () => {
    expect(Array.from(classCounts(Float64Array.from([0, 2, 2]), 4))).toEqual([1, 0, 2, 0]);
    expect(() => classCounts(Float64Array.from([0, 3]), 3)).toThrow(expect.objectContaining({ code: "BAD_CLASS_LABEL" }));
  });
});
