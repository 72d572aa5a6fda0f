/** The API's shapes the pages read (see /docs for the full documents). */
export interface Trial {
  number: number;
  state: "running" | "complete" | "pruned" | "failed";
  params: Record<string, unknown>;
  value: number | null;
  fold_scores: number[];
  duration_ms: number | null;
  worker_id: string | null;
  error: string | null;
}

export type Distribution = { type: "int" | "float"; low: number; high: number; log?: boolean } | { type: "categorical"; choices: unknown[] };

export interface StudySummary {
  study_id: string;
  state: "running" | "complete" | "failed" | "cancelled";
  algorithm: string;
  task: string;
  dataset_path: string | null;
  dataset_id?: string | null;
  target_column: string;
  metric: string;
  direction: "maximize" | "minimize";
  search_space: Record<string, Distribution>;
  n_trials: number;
  trials_done?: number;
  best_score: number | null;
  model_id: string | null;
  error: string | null;
  created_at: string;
}

export interface Study extends StudySummary {
  trials: Trial[];
  best_params: Record<string, unknown> | null;
}

export interface Importance {
  n_trials: number;
  importances: { param: string; importance: number }[];
}

export interface Model {
  model_id: string;
  algorithm: string;
  created_at: string;
  metrics: Record<string, number>;
  hyperparams: Record<string, unknown>;
  task: "classification" | "regression";
  dataset_path: string | null;
  dataset_id: string | null;
  dataset_sha256: string;
  target_column: string;
  features: string[];
  labels: (string | number)[] | null;
  n_train: number;
  n_test: number;
  study_id: string | null;
}

export interface Evaluation {
  task: string;
  n_test: number;
  metrics: Record<string, number>;
  labels?: (string | number)[];
  confusion_matrix?: number[][];
  feature_importance?: Record<string, number>;
  feature_importance_method?: string;
  residuals?: Record<string, number>;
  roc_auc?: number | null;
  roc_curve?: { fpr: number[]; tpr: number[]; thresholds: (number | null)[] };
}
