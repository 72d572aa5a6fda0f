import { trialJob } from "./catalog";

/**
 * What a study's coordinator sleeps on: it wakes when one of the study's trial jobs ends (an
 * attempt completes or fails, or the job is removed), so a free slot is refilled at once, without
 * polling. Made by `JobQueues.watchTrials`. An event that comes while the coordinator is not
 * sleeping is kept for its next `next`, so none is lost between two sleeps.
 */
export class TrialWatch {
  private pending = false;
  /** Ends the current `next`, if one waits. */
  private wake: ((ended: boolean) => void) | undefined;

  /**
   * @param onNext called at each `next` (JobQueues listens again there if the event stream could not be opened).
   * @param onClose called once by `close`.
   */
  constructor(
    private readonly onNext: () => void,
    private readonly onClose: () => void,
  ) {}

  /**
   * Waits until a trial of the study ended since the last `next` (at once if one did), or
   * `timeoutMs` at most: a lost event (Redis restarted, the stream was reconnecting) only delays
   * the coordinator. Answers whether a trial ended.
   */
  next(timeoutMs: number): Promise<boolean> {
    this.onNext();
    if (this.pending) {
      this.pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(false), timeoutMs);
      this.wake = (ended) => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(ended);
      };
    });
  }

  /** Tells the watch that one of its trials ended. */
  notify(): void {
    if (this.wake) this.wake(true);
    else this.pending = true;
  }

  /** Stops watching; a coordinator asleep in `next` wakes with false. */
  close(): void {
    this.wake?.(false);
    this.onClose();
  }
}

/** The study whose trial job `jobId` is, or undefined for another kind's job. */
export function studyOfTrialJob(jobId: string): string | undefined {
  return trialJob.owns(jobId) ? jobId.slice(`${trialJob.name}-`.length, jobId.lastIndexOf("-")) : undefined;
}
