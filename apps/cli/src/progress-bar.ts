import { SingleBar } from "cli-progress";
import { show } from "./output";

/** What an optimize job reports as its progress. */
export interface StudyProgress {
  trials_done: number;
  n_trials: number;
  best_score: number | null;
}

/** The time left at the pace so far ("-" before the first trial ends), as `1m05s` or `42s`. */
export function eta(elapsedMs: number, done: number, total: number): string {
  if (done <= 0) return "-";
  const s = Math.round((elapsedMs / done) * Math.max(0, total - done) / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/**
 * A study's live progress bar on stderr (so stdout stays for the answer): trials done of the
 * total, the best score so far, and the time left at the pace so far. Drawn only on a terminal.
 */
export class StudyBar {
  private readonly bar = new SingleBar({
    stream: process.stderr,
    format: "trials |{bar}| {value}/{total}  best {best}  ETA {left}",
    barsize: 30,
    hideCursor: true,
  });

  private readonly started = Date.now();
  /** Ctrl-C: put the cursor back and leave (the study keeps running on the server). */
  private readonly interrupted = (): void => {
    this.stop();
    process.stderr.write(`\nmlw: interrupted; the study keeps running on the server (mlw jobs show ${this.jobId}).\n`);
    process.exit(130);
  };

  /** @param nTrials the study's size; @param jobId its optimize job, named if the user interrupts. */
  constructor(
    nTrials: number,
    private readonly jobId: string,
  ) {
    this.bar.start(nTrials, 0, { best: "-", left: "-" });
    process.once("SIGINT", this.interrupted);
  }

  /** Shows `p`, one progress event of the job. */
  update(p: Partial<StudyProgress> | null | undefined): void {
    if (!p || typeof p.trials_done !== "number") return;
    if (typeof p.n_trials === "number" && p.n_trials !== this.bar.getTotal()) this.bar.setTotal(p.n_trials);
    this.bar.update(p.trials_done, { best: show(p.best_score ?? null), left: eta(Date.now() - this.started, p.trials_done, this.bar.getTotal()) });
  }

  stop(): void {
    process.off("SIGINT", this.interrupted);
    this.bar.stop();
  }
}
