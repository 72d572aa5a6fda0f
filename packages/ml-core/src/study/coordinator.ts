import { Rng } from "../core/rng";
import { makePruner, type Pruner } from "./pruners";
import { makeSampler, type Sampler } from "./samplers";
import type { StoredTrial, StudyDefinition, StudyStore } from "./store";
import type { Direction, Params } from "./types";

/** What the coordinator did on a tick, and the trials it saw. */
export type Tick =
  | { readonly action: "started"; readonly trial: StoredTrial; readonly trials: readonly StoredTrial[] }
  | { readonly action: "wait" | "finish"; readonly trials: readonly StoredTrial[] };

/**
 * The pure logic of a study: which trial comes next, when the study is done, which trial is best,
 * and whether a reporting trial stops. It talks to storage only through a `StudyStore`; the job
 * system that runs the trials (BullMQ in apps/worker) is the caller's.
 */
export class StudyEngine {
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  /** How many trials the study runs: n_trials, or fewer when the grid is smaller. */
  readonly budget: number;
  /** When each trial's intermediate values were last recorded (ms). */
  private readonly recordedAt = new Map<number, number>();
  /** The last record of intermediate values while it is written, and why it failed. */
  private recording: Promise<void> | undefined;
  private recordFailure: unknown;

  constructor(readonly study: StudyDefinition, private readonly store: StudyStore) {
    this.sampler = makeSampler(study.sampler);
    this.pruner = makePruner(study.pruner);
    this.budget = Math.min(study.nTrials, study.initialTrials.length + this.sampler.capacity(study.searchSpace));
  }

  /**
   * One step of the coordinator: reads the trials, then starts a trial when a slot is free and the
   * budget and deadline allow, finishes when every trial is done (or the deadline passed and none
   * runs), and otherwise waits. Whether to start is decided again under the store's lock, on the
   * trials as they are then: several coordinators never overrun the budget or a grid.
   */
  async tick(now = Date.now()): Promise<Tick> {
    const trials = await this.store.listTrials(this.study.id);
    const timedOut = now >= this.study.deadline;
    const action = nextAction(trials, this.budget, this.study.nParallel, timedOut);
    if (action !== "start") return { action, trials };
    const trial = await this.store.createTrial(this.study.id, (existing) =>
      nextAction(existing, this.budget, this.study.nParallel, timedOut) === "start" ? this.propose(existing) : null,
    );
    return trial ? { action: "started", trial, trials } : { action: "wait", trials };
  }

  /**
   * Whether run `runId` (a coordinator's job) must stop: the study was cancelled, or continued
   * under another run (`POST /studies/{id}/trials`), or is gone. A run that finds its study
   * complete or failed goes on (a retried run finishes what it had done).
   */
  async stopped(runId: string): Promise<boolean> {
    const status = await this.store.status(this.study.id);
    return !status || status.state === "cancelled" || status.runId !== runId;
  }

  /**
   * The parameters of trial number `history.length`: the next initial trial, else the sampler's
   * answer with a per-trial seed derived from the study's (the same for the same history), from
   * the trials the pruner lets it learn from (with Hyperband, the new trial's bracket).
   */
  propose(history: readonly StoredTrial[]): Params {
    const k = history.length;
    const initial = this.study.initialTrials;
    if (k < initial.length) return { ...initial[k] };
    const rng = new Rng((this.study.randomState ^ Math.imul(k + 1, 0x9e3779b1)) >>> 0);
    const learnFrom = this.pruner.historyFor?.(k, history, this.study.id) ?? history;
    return this.sampler.ask(this.study.searchSpace, learnFrom, rng, { direction: this.study.direction, seed: this.study.randomState, index: k - initial.length });
  }

  /**
   * Asks the pruner whether a trial stops after a step (never after its last: the work is done).
   * Records the trial's intermediate values where anyone reads them: when it records a rung (other
   * trials' pruners read rungs), and otherwise every `RECORD_EVERY_MS` while it runs, for who
   * watches it (no pruner reads a running trial's values). A record is written while the trial
   * goes on: the next report waits for it (and throws if it failed), and a report that prunes
   * waits for its own, since its caller finishes the trial next and a later record would be
   * lost. The values it stopped with are the caller's to store with its outcome (`finishTrial`'s
   * `intermediate`). Answers the decision; `rungs` is what the trial recorded so far (start with []).
   */
  async report(number: number, intermediate: readonly number[], rungs: readonly number[], lastStep: boolean, now = Date.now()): Promise<{ prune: boolean; rungs: readonly number[] }> {
    await this.recorded();
    if (lastStep) return { prune: false, rungs };
    const decision = await this.pruner.decide({ number, intermediate, rungs }, this.store.pruneSummary(this.study, number, intermediate.length - 1));
    if (!this.recordedAt.has(number)) this.recordedAt.set(number, now);
    const newRung = decision.rungs.length !== rungs.length;
    if (newRung || (!decision.prune && now - this.recordedAt.get(number)! >= RECORD_EVERY_MS)) {
      this.recording = this.store.recordSteps(this.study.id, number, [...intermediate], decision.rungs).catch((e: unknown) => void (this.recordFailure = e));
      this.recordedAt.set(number, now);
    }
    if (decision.prune) await this.recorded();
    return decision;
  }

  /** Waits for the last record of intermediate values (see `report`); throws why it failed. */
  private async recorded(): Promise<void> {
    await this.recording;
    this.recording = undefined;
    const failure = this.recordFailure;
    this.recordFailure = undefined;
    if (failure !== undefined) throw failure;
  }
}

/** How often a running trial's intermediate values are written between its rungs (they are only watched). */
export const RECORD_EVERY_MS = 1000;

/** start, wait or finish, given the trials so far. */
export function nextAction(trials: readonly StoredTrial[], budget: number, nParallel: number, timedOut: boolean): "start" | "wait" | "finish" {
  const running = trials.filter((t) => t.state === "running").length;
  const done = trials.length - running;
  if (done >= budget || ((timedOut || trials.length >= budget) && running === 0)) return "finish";
  if (!timedOut && trials.length < budget && running < nParallel) return "start";
  return "wait";
}

/** The best complete trial (the oldest among equals), or undefined. */
export function bestTrial<T extends StoredTrial>(trials: readonly T[], direction: Direction): T | undefined {
  let best: T | undefined;
  for (const t of trials) {
    if (t.state !== "complete" || typeof t.value !== "number" || Number.isNaN(t.value)) continue;
    if (!best || (direction === "maximize" ? t.value > best.value! : t.value < best.value!)) best = t;
  }
  return best;
}
