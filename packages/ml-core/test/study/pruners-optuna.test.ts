import fixture from "../fixtures/pruners-optuna.json";
import { firstLastStep, makePruner, prunerConfigSchema, type PruneSummary, type TrialValue } from "../../src/study/pruners";

interface Case {
  pruner: string;
  settings: Record<string, unknown>;
  direction: "maximize" | "minimize";
  concurrency: number;
  study_name: string;
  curves: number[][];
  events: [number, number, boolean][];
}

/**
 * Replays a fixture's reports (made by scripts/make-pruner-fixture.py with Optuna 3.1) against an
 * in-memory study and returns our decisions, in the same order.
 */
async function replay(c: Case): Promise<[number, number, boolean][]> {
  const pruner = makePruner(prunerConfigSchema.parse({ name: c.pruner, ...c.settings }));
  const nSteps = c.curves[0]!.length;
  const trials = c.curves.map(() => ({ intermediate: [] as number[], rungs: [] as number[], state: "running" as "running" | "complete" | "pruned", finishedAt: null as number | null }));
  const out: [number, number, boolean][] = [];
  for (const [number, step] of c.events) {
    const me = trials[number]!;
    me.intermediate.push(c.curves[number]![step]!);
    const others = (pick: (t: (typeof trials)[number]) => number | undefined): TrialValue[] =>
      trials.flatMap((t, n) => (n !== number && pick(t) !== undefined ? [{ number: n, value: pick(t)! }] : []));
    const summary: PruneSummary = {
      studyName: c.study_name,
      direction: c.direction,
      facts: async () => {
        const complete = trials.filter((t) => t.state === "complete");
        return { nComplete: complete.length, firstLastStep: firstLastStep(trials.map((t, n) => ({ number: n, ...t }))) };
      },
      completeAt: async (s) => others((t) => (t.state === "complete" ? t.intermediate[s] : undefined)),
      rungAt: async (r) => others((t) => t.rungs[r]),
    };
    const decision = await pruner.decide({ number, intermediate: me.intermediate, rungs: me.rungs }, summary);
    me.rungs = [...decision.rungs];
    out.push([number, step, decision.prune]);
    if (decision.prune) me.state = "pruned";
    else if (step === nSteps - 1) Object.assign(me, { state: "complete", finishedAt: out.length });
  }
  return out;
}

describe("pruners against Optuna 3.1 (test/fixtures/pruners-optuna.json)", () => {
  it("was made with Optuna 3.1", () => expect(fixture.optuna).toBe("3.1.0"));

  it.each((fixture.cases as Case[]).map((c) => [`${c.pruner} ${JSON.stringify(c.settings)} ${c.direction}, ${c.concurrency} at a time`, c] as const))(
    "%s: every decision is Optuna's",
    async (_, c) => {
      const ours = await replay(c);
      expect(ours).toEqual(c.events);
      expect(c.events.some((e) => e[2])).toBe(true);
    },
  );
});
