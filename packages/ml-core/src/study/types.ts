import type { ParamValue, TrialRecord, TrialState } from "../tpe/sampler";

export type { ParamValue, TrialRecord, TrialState };

/** Whether a study maximises or minimises its objective. */
export type Direction = "maximize" | "minimize";

/** Parameters of one trial, by name (conditional parameters absent when inactive). */
export type Params = Record<string, ParamValue>;
