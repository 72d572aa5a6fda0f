import { ALGORITHMS } from "../src/registry";
import { Rng } from "../src/core/rng";
import { ask, type TrialRecord } from "../src/tpe";

/**
 * A trial the estimator refuses is a trial wasted. Every algorithm's default search space is
 * sampled 1,000 times (TPE's random start-up draws, and TPE proper once it has a history) and
 * every point must pass the estimator's own parameter validation (as a trial parses them).
 */
describe.each(ALGORITHMS.map((a) => [a.name, a] as const))("the default search space of %s", (_name, spec) => {
  it("proposes no point the estimator refuses, in 1,000 samples", () => {
    const rng = new Rng(7);
    const history: TrialRecord[] = [];
    const refused: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const params = ask(spec.searchSpace, history, rng);
      try {
        spec.params.parse(params); // what a trial does before it fits, cross-parameter checks included
      } catch (e) {
        refused.push(`${JSON.stringify(params)}: ${(e as Error).message}`);
      }
      // A short history, so later draws come from TPE's model of the space too.
      if (history.length < 10) history.push({ number: i, params, state: "complete", value: rng.next() });
    }
    expect(refused.slice(0, 3)).toEqual([]);
  });
});
