import type { GrownTree } from "../../src/tree/grow";

/** Expects two grown trees to be the same to the bit: every node array, importances and the rows' order. */
export function expectSameTree(actual: GrownTree, expected: GrownTree): void {
  for (const key of ["feature", "threshold", "left", "right", "missingLeft", "value", "importance", "rows", "start", "end"] as const) {
    expect({ [key]: Array.from(actual[key]) }).toEqual({ [key]: Array.from(expected[key]) });
  }
}
