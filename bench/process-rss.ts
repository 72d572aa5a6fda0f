/**
 * The resident memory of a process and all its descendants (a worker and its sandbox processes),
 * read from /proc (Linux), sampled on a timer, with the peak of the sum kept.
 */
import { readdirSync, readFileSync } from "node:fs";

export class ProcessTreeRss {
  /** The largest sum seen, in bytes. */
  peak = 0;
  /** The RSS of the tree's largest process at that peak, in bytes. */
  peakLargest = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly root: number) {}

  /** The tree's RSS now, in bytes (also counted towards the peak). */
  sample(): number {
    const sizes = treeOf(this.root).map(rssOf);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total > this.peak) {
      this.peak = total;
      this.peakLargest = Math.max(0, ...sizes);
    }
    return total;
  }

  /** Samples every `ms` milliseconds until `stop`. */
  start(ms: number): void {
    this.timer = setInterval(() => this.sample(), ms);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }
}

/** `root` and every process descending from it. */
function treeOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = parentOf(Number(name));
    if (ppid === undefined) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!) ?? []));
  return out;
}

/** The parent pid from /proc/<pid>/stat (undefined if the process is gone). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name in parentheses may hold spaces: fields follow the last ")"
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** VmRSS of `pid` in bytes (0 if the process is gone). */
function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
