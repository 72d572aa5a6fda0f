import { firstLastStep, type Params, type PruneSummary, type StoredTrial, type StudyStatus, type StudyStore, type TrialOutcome, type TrialValue } from "../../src/study";

type Row = { -readonly [K in keyof StoredTrial]: StoredTrial[K] };

/** A `StudyStore` in memory, for tests of the engine (the Postgres one is tested in packages/db). */
export class MemoryStudyStore implements StudyStore {
  readonly trials: Row[] = [];
  reads = 0;
  /** Finish order: each finished trial's `finishedAt`. */
  private clock = 0;
  /** The study's state and run (tests set it). */
  study: StudyStatus = { state: "running", runId: "run-1" };

  async status(): Promise<StudyStatus> {
    return this.study;
  }

  async listTrials(): Promise<StoredTrial[]> {
    return this.trials.map((t) => ({ ...t }));
  }

  async createTrial(_studyId: string, choose: (existing: readonly StoredTrial[]) => Params | null): Promise<StoredTrial | undefined> {
    const params = choose(await this.listTrials());
    if (params === null) return undefined;
    const row: Row = { number: this.trials.length, params, state: "running", value: null, intermediate: [], rungs: [] };
    this.trials.push(row);
    return { ...row };
  }

  async recordSteps(_studyId: string, number: number, intermediate: readonly number[], rungs: readonly number[]): Promise<void> {
    Object.assign(this.trials[number]!, { intermediate: [...intermediate], rungs: [...rungs] });
  }

  async finishTrial(_studyId: string, number: number, outcome: TrialOutcome): Promise<boolean> {
    const t = this.trials[number]!;
    if (t.state !== "running") return false;
    Object.assign(t, { state: outcome.state, value: outcome.value ?? null, error: outcome.error ?? null, finishedAt: ++this.clock }, outcome.intermediate ? { intermediate: [...outcome.intermediate] } : {});
    return true;
  }

  pruneSummary(study: { id: string; direction: "maximize" | "minimize" }, number: number): PruneSummary {
    const others = (pick: (t: Row) => number | undefined): TrialValue[] => {
      this.reads++;
      return this.trials.flatMap((t) => (t.number !== number && pick(t) !== undefined ? [{ number: t.number, value: pick(t)! }] : []));
    };
    return {
      studyName: study.id,
      direction: study.direction,
      facts: async () => {
        return { nComplete: this.trials.filter((t) => t.state === "complete").length, firstLastStep: firstLastStep(this.trials) };
      },
      completeAt: async (s) => others((t) => (t.state === "complete" ? t.intermediate?.[s] : undefined)),
      rungAt: async (r) => others((t) => t.rungs[r]),
    };
  }
}
