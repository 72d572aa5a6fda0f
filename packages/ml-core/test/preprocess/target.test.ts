import { DataError } from "../../src/core/errors";
import { parseCsv } from "../../src/data";
import { prepareTarget } from "../../src/preprocess";

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return (err as DataError).code;
  }
  throw new Error("expected a DataError");
}

describe("prepareTarget", () => {
  it("encodes text classes as indices into labels sorted like numpy.unique, skipping missing targets", async () => {
    const t = await parseCsv("x,label\n1,dog\n2,cat\n3,\n4,emu\n5,cat\n");
    const { y, labels, rows } = prepareTarget(t, "label", "classification");
    expect(labels).toEqual(["cat", "dog", "emu"]);
    expect(Array.from(rows)).toEqual([0, 1, 3, 4]);
    expect(Array.from(y)).toEqual([1, 0, 2, 0]);
  });

  it("sorts numeric classes numerically, not as text", async () => {
    const t = await parseCsv("c\n10\n9\n2\n10\n");
    const { y, labels } = prepareTarget(t, "c", "classification");
    expect(labels).toEqual([2, 9, 10]);
    expect(Array.from(y)).toEqual([2, 1, 0, 2]);
  });

  it("gives regression targets as numbers", async () => {
    const t = await parseCsv("v\n1.5\nNA\n-3\n");
    const { y, labels, rows } = prepareTarget(t, "v", "regression");
    expect(labels).toBeUndefined();
    expect(Array.from(rows)).toEqual([0, 2]);
    expect(Array.from(y)).toEqual([1.5, -3]);
  });

  it("reports a missing, empty, single-class or text regression target", async () => {
    const t = await parseCsv("a,b,c,d\n1,,x,y\n2,,x,z\n");
    let message = "";
    try {
      prepareTarget(t, "nope", "classification");
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("`a`");
    expect(codeOf(() => prepareTarget(t, "nope", "classification"))).toBe("TARGET_NOT_FOUND");
    expect(codeOf(() => prepareTarget(t, "b", "regression"))).toBe("TARGET_ALL_MISSING");
    expect(codeOf(() => prepareTarget(t, "c", "classification"))).toBe("SINGLE_CLASS");
    expect(codeOf(() => prepareTarget(t, "d", "regression"))).toBe("NON_NUMERIC_TARGET");
  });
});
