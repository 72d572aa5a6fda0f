import { addGradAll, addGradRowMajor } from "./grow";

// ctrl words
/**
 * seq << 12 | next unclaimed unit: claiming is one compare-exchange, valid only for the current
 * build. A build of U units numbers them F-U .. F-1, so that every thread sees the end (F) without
 * reading anything else; unit number u is the build's unit u - (F - U).
 */
const TICKET = 0;
/** Units finished in the current build. */
const DONE = 1;
const STOP = 2;
/** Rows in the current build. */
const M = 3;
/** 1: the rows are 0..m-1 in order (the root), read without `rows`. */
const IDENT = 4;
/** 1: hessian 1 per row (2 channels per bin), else 3. */
const UNIT = 5;
const CTRL_WORDS = 6;
const FEATURE_BITS = 12;
const FEATURE_MASK = (1 << FEATURE_BITS) - 1;

/** What the helper threads of a HistTeam get: shared buffers and the binned data's shape. */
export interface HistTeamShared {
  readonly ctrl: Int32Array;
  /** Column-major bin codes (SharedArrayBuffer). */
  readonly codes: Uint8Array;
  /** The same codes row-major, missing mapped to each feature's missing slot (see rowMajorCodes). */
  readonly rowCodes: Uint8Array;
  readonly n: number;
  readonly nBins: Int32Array;
  /** The build's rows, gradients, hessians (gathered in row order), each of length n. */
  readonly rows: Int32Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  /** Helpers' histograms, laid out as the caller's. */
  readonly out: Float64Array;
}

/** Most features a team handles (the ticket's feature field). */
export const TEAM_MAX_FEATURES = FEATURE_MASK;

function offsets(nBins: Int32Array, C: number): Int32Array {
  const off = new Int32Array(nBins.length + 1);
  for (let f = 0; f < nBins.length; f++) off[f + 1] = off[f]! + (nBins[f]! + 1) * C;
  return off;
}

/** Features per unit of work when the rows are scattered (read row-major, a group of features per pass). */
const GROUP = 8;

/** Units of work of a build: one per feature for the rows in order (column-major), else per group of features. */
function unitCount(F: number, ident: boolean): number {
  return ident ? F : Math.ceil(F / GROUP);
}

/** The features of unit u: [first, end). */
function unitFeatures(u: number, F: number, ident: boolean): [number, number] {
  return ident ? [u, u + 1] : [u * GROUP, Math.min(F, (u + 1) * GROUP)];
}

/** Claims the next unit number of build `base` (seq << 12); -1 when none is left or the build is over. */
function claim(ctrl: Int32Array, base: number, F: number): number {
  for (;;) {
    const v = Atomics.load(ctrl, TICKET);
    const u = v & FEATURE_MASK;
    if (v - u !== base || u >= F) return -1;
    if (Atomics.compareExchange(ctrl, TICKET, v, v + 1) === v) return u;
  }
}

function buildUnit(s: HistTeamShared, hist: Float64Array, off: Int32Array, u: number, m: number, ident: boolean, unit: boolean): void {
  const F = s.nBins.length;
  if (ident) addGradAll(hist, off[u]!, s.codes, u * s.n, 0, m, s.a, unit ? undefined : s.b, s.nBins[u]!);
  else {
    const [f0, f1] = unitFeatures(u, F, false);
    addGradRowMajor(hist, off, s.rowCodes, F, f0, f1, s.rows, 0, m, s.a, unit ? undefined : s.b);
  }
}

/**
 * Builds gradient histograms of all features with helper threads (over SharedArrayBuffer): the
 * caller fills `rows`, `a`, `b`, calls `build`, and it and the helpers claim units (a feature, or
 * a group of features for scattered rows) one at a time from a shared ticket. Each feature is built
 * whole by one thread with the same loop, so the
 * histograms are bit-identical to a single-threaded build whoever builds what, and with no helper
 * running the caller simply builds every feature.
 */
export class HistTeam {
  readonly shared: HistTeamShared;
  private seq = 0;
  private readonly mine: Uint8Array;
  private readonly off2: Int32Array;
  private readonly off3: Int32Array;

  constructor(codes: Uint8Array, rowCodes: Uint8Array, n: number, nBins: Int32Array) {
    const F = nBins.length;
    if (F > TEAM_MAX_FEATURES) throw new RangeError(`a histogram team handles at most ${TEAM_MAX_FEATURES} features, but got ${F}.`);
    const sab = (bytes: number) => new SharedArrayBuffer(bytes);
    const shared = codes.buffer instanceof SharedArrayBuffer ? codes : new Uint8Array(sab(codes.byteLength));
    if (shared !== codes) shared.set(codes);
    const sharedRows = rowCodes.buffer instanceof SharedArrayBuffer ? rowCodes : new Uint8Array(sab(rowCodes.byteLength));
    if (sharedRows !== rowCodes) sharedRows.set(rowCodes);
    this.off2 = offsets(nBins, 2);
    this.off3 = offsets(nBins, 3);
    this.shared = {
      ctrl: new Int32Array(sab(CTRL_WORDS * 4)),
      codes: shared,
      rowCodes: sharedRows,
      n,
      nBins,
      rows: new Int32Array(sab(n * 4)),
      a: new Float64Array(sab(n * 8)),
      b: new Float64Array(sab(n * 8)),
      out: new Float64Array(sab(this.off3[F]! * 8)),
    };
    this.mine = new Uint8Array(unitCount(F, true));
    // nothing to claim until the first build: a zero ticket would read as unit 0 of a build 0, and a
    // helper claiming it would count a unit done in the first real build, which could then copy a
    // helper's histogram before it was finished
    this.shared.ctrl[TICKET] = F;
  }

  /**
   * Builds all features' histograms of the first `m` entries of `rows`/`a`/`b` (or rows 0..m-1 in
   * order when `identity`) into `hist` (zeroed, laid out 2 or 3 channels per bin as `unitHess`).
   */
  build(hist: Float64Array, m: number, identity: boolean, unitHess: boolean): void {
    const s = this.shared, ctrl = s.ctrl, F = s.nBins.length;
    const off = unitHess ? this.off2 : this.off3;
    ctrl[M] = m;
    ctrl[IDENT] = identity ? 1 : 0;
    ctrl[UNIT] = unitHess ? 1 : 0;
    Atomics.store(ctrl, DONE, 0);
    this.seq = (this.seq + 1) & 0x7ffff;
    const base = this.seq << FEATURE_BITS;
    const U = unitCount(F, identity);
    Atomics.store(ctrl, TICKET, base + F - U);
    Atomics.notify(ctrl, TICKET);
    const mine = this.mine;
    mine.fill(0);
    for (let u = claim(ctrl, base, F); u >= 0; u = claim(ctrl, base, F)) {
      buildUnit(s, hist, off, u - (F - U), m, identity, unitHess);
      mine[u - (F - U)] = 1;
      Atomics.add(ctrl, DONE, 1);
    }
    for (let d = Atomics.load(ctrl, DONE); d < U; d = Atomics.load(ctrl, DONE)) Atomics.wait(ctrl, DONE, d);
    for (let u = 0; u < U; u++) {
      if (mine[u]) continue;
      const [f0, f1] = unitFeatures(u, F, identity);
      hist.set(s.out.subarray(off[f0]!, off[f1]!), off[f0]!);
    }
  }

  /** Releases the helpers (they return from `helpHistTeam`). */
  stop(): void {
    Atomics.store(this.shared.ctrl, STOP, 1);
    Atomics.store(this.shared.ctrl, TICKET, -1);
    Atomics.notify(this.shared.ctrl, TICKET);
  }
}

/** A helper thread's side of a HistTeam: builds claimed features into `out` until the team stops. */
export function helpHistTeam(s: HistTeamShared): void {
  const ctrl = s.ctrl, F = s.nBins.length;
  const off2 = offsets(s.nBins, 2), off3 = offsets(s.nBins, 3);
  for (;;) {
    if (Atomics.load(ctrl, STOP)) return;
    const v = Atomics.load(ctrl, TICKET);
    const u = v & FEATURE_MASK;
    if (v < 0) return;
    if (u >= F) {
      Atomics.wait(ctrl, TICKET, v);
      continue;
    }
    if (Atomics.compareExchange(ctrl, TICKET, v, v + 1) !== v) continue;
    // the build cannot move on before this unit is done, so its parameters hold
    const m = ctrl[M]!, ident = ctrl[IDENT] === 1, unit = ctrl[UNIT] === 1;
    const off = unit ? off2 : off3;
    const idx = u - (F - unitCount(F, ident));
    const [f0, f1] = unitFeatures(idx, F, ident);
    s.out.fill(0, off[f0]!, off[f1]!);
    buildUnit(s, s.out, off, idx, m, ident, unit);
    Atomics.add(ctrl, DONE, 1);
    Atomics.notify(ctrl, DONE);
  }
}
