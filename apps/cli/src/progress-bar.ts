import { SingleBar } from "cli-progress";
import { show } from "./output";

/** What an optimize job reports as its progress. */
export interface StudyProgress {
  trials_done: number;
  n_trials: number;
  best_score: number | null;
}

/**
 * A study's live progress bar on stderr (so stdout stays for the answer): trials done of the
 * total, the best score so far, and cli-progress's ETA from the pace so far. Drawn only on a
 * terminal.
 */
export class StudyBar {
  private readonly bar = new SingleBar({
    stream: process.stderr,
    format: "trials |{bar}| {value}/{total}  best {best}  ETA {eta_formatted}",
    barsize: 30,
    etaBuffer: 20,
    hideCursor: true,
  });

  constructor(nTrials: number) {
    this.bar.start(nTrials, 0, { best: "-" });
  }

  /** Shows `p`, one progress event of the job. */
  update(p: Partial<StudyProgress> | null | undefined): void {
    if (!p || typeof p.trials_done !== "number") return;
    if (typeof p.n_trials === "number" && p.n_trials !== this.bar.getTotal()) this.bar.setTotal(p.n_trials);
    this.bar.update(p.trials_done, { best: show(p.best_score ?? null) });
  }

  stop(): void {
    this.bar.stop();
  }
}
