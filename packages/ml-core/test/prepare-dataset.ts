import type { Task } from "../src/core/estimator";
import type { Label } from "../src/core/classes";
import type { Matrix } from "../src/core/matrix";
import { take } from "../src/core/matrix";
import { readCsv, type Table } from "../src/data";
import { trainTestSplit } from "../src/model-selection";
import { Pipeline, prepareTarget } from "../src/preprocess";
import { datasetPath } from "./datasets";

/** A shared dataset split and encoded as the worker's train job does it (apps/worker/src/services/train-model.ts). */
export interface PreparedDataset {
  readonly table: Table;
  readonly target: string;
  readonly task: Task;
  /** Classification: the labels in class-index order. */
  readonly labels?: readonly Label[];
  /** Classification: the number of classes (what the worker passes as `FitOptions.nClasses`). */
  readonly nClasses?: number;
  /** Table rows of each part. */
  readonly trainRows: Float64Array;
  readonly testRows: Float64Array;
  readonly pipeline: Pipeline;
  readonly Xtrain: Matrix;
  readonly ytrain: Float64Array;
  readonly Xtest: Matrix;
  readonly ytest: Float64Array;
}

/**
 * Reads `file` from the shared datasets and prepares it like a train job: the target's rows,
 * scikit-learn's `train_test_split` (stratified for classification; same indices as scikit-learn),
 * then the preprocessing Pipeline fitted on the training rows (scaled when `scale`).
 * @param options testSize (default 0.25), randomState (default 42), scale (default false).
 */
export async function prepareDataset(file: string, target: string, task: Task, options: { testSize?: number; randomState?: number; scale?: boolean } = {}): Promise<PreparedDataset> {
  const table = await readCsv(datasetPath(file));
  const t = prepareTarget(table, target, task);
  const split = trainTestSplit(t.rows.length, {
    testSize: options.testSize ?? 0.25,
    randomState: options.randomState ?? 42,
    stratify: task === "classification" ? t.y : undefined,
  });
  const rows = Float64Array.from(t.rows);
  const trainRows = take(rows, split.train);
  const testRows = take(rows, split.test);
  const pipeline = Pipeline.fit(table, trainRows, { target, scale: options.scale ?? false });
  return {
    table,
    target,
    task,
    labels: t.labels,
    nClasses: t.labels?.length,
    trainRows,
    testRows,
    pipeline,
    Xtrain: pipeline.transform(table, trainRows),
    ytrain: take(t.y, split.train),
    Xtest: pipeline.transform(table, testRows),
    ytest: take(t.y, split.test),
  };
}
