import { Chart, format, Table } from "../chart";
import { useApi } from "../use-api";
import type { Evaluation, Model } from "../types";
import { Empty, ErrorBox, Show, when } from "./common";

/** A model: its metrics, and its evaluation (confusion matrix, feature importance, residuals). */
export function ModelPage({ id, canEvaluate }: { id: string; canEvaluate: boolean }) {
  const model = useApi<Model>(`/models/${encodeURIComponent(id)}`);
  // The evaluation is computed once by a job (which needs a trainer key): ask the API to wait for it, and poll while it is pending.
  const evaluation = useApi<Evaluation | { job_id: string }>(canEvaluate ? `/model/${encodeURIComponent(id)}/evaluate?wait=20` : null, { poll: (e) => !("task" in e) });
  return (
    <Show loaded={model}>
      {(m) => (
        <section data-model={m.model_id}>
          <h1>Model {m.model_id}</h1>
          <p>
            {m.algorithm} ({m.task}) on {m.dataset_path ?? m.dataset_id} → {m.target_column}; {m.n_train} training rows, {m.n_test} held out; created {when(m.created_at)}
            {m.study_id && <> · from <a href={`#/studies/${m.study_id}`}>study {m.study_id}</a></>}
          </p>
          <h2>Metrics</h2>
          <Table table={{ columns: ["metric", "value"], rows: Object.entries(m.metrics) }} />
          <h2>Hyperparameters</h2>
          <Table table={{ columns: ["parameter", "value"], rows: Object.entries(m.hyperparams).map(([k, v]) => [k, format(v)]) }} />
          {!canEvaluate ? (
            <Empty>The evaluation (confusion matrix, feature importance, residuals) needs a trainer or admin key.</Empty>
          ) : evaluation.error ? (
            <ErrorBox code={evaluation.error.code} message={evaluation.error.message} />
          ) : !evaluation.data || !("task" in evaluation.data) ? (
            <p class="muted">Evaluating on the held-out rows…</p>
          ) : (
            <EvaluationCharts evaluation={evaluation.data} />
          )}
        </section>
      )}
    </Show>
  );
}

function EvaluationCharts({ evaluation: e }: { evaluation: Evaluation }) {
  return (
    <>
      {e.confusion_matrix && e.labels && <ConfusionMatrix labels={e.labels} matrix={e.confusion_matrix} />}
      {e.roc_curve && e.labels && <RocCurve curve={e.roc_curve} positive={String(e.labels[1])} auc={e.roc_auc} />}
      {e.feature_importance && Object.keys(e.feature_importance).length > 0 ? <FeatureImportance values={e.feature_importance} method={e.feature_importance_method} /> : <Empty>No feature importance for this model.</Empty>}
      {e.residuals && <Residuals summary={e.residuals} n={e.n_test} />}
    </>
  );
}

/** Rows: the true label; columns: the predicted one. Each cell is `td[data-cell="i,j"]`. */
function ConfusionMatrix({ labels, matrix }: { labels: (string | number)[]; matrix: number[][] }) {
  const names = labels.map(String);
  const cells = matrix.flatMap((row, i) => row.map((v, j) => [j, i, v]));
  const option = {
    tooltip: { position: "top" },
    grid: { left: 90, right: 20, top: 10, bottom: 60 },
    xAxis: { type: "category", data: names, name: "predicted", nameLocation: "middle", nameGap: 30 },
    yAxis: { type: "category", data: names, name: "true", inverse: true },
    visualMap: { min: 0, max: Math.max(1, ...matrix.flat()), calculable: false, orient: "horizontal", left: "center", bottom: 0, show: false, inRange: { color: ["#f7fbff", "#08306b"] } },
    series: [{ type: "heatmap", data: cells, label: { show: true } }],
  };
  return (
    <>
      <Chart name="confusion-matrix" title="Confusion matrix (rows: true, columns: predicted)" option={option} table={{ columns: ["true \\ predicted", ...names], rows: matrix.map((row, i) => [names[i]!, ...row]) }} height={Math.max(220, 50 * names.length + 80)} />
      <table class="matrix" data-matrix="confusion" aria-label="Confusion matrix">
        <thead>
          <tr><th>true \ predicted</th>{names.map((n) => <th key={n}>{n}</th>)}</tr>
        </thead>
        <tbody>
          {matrix.map((row, i) => (
            <tr key={i}>
              <th>{names[i]}</th>
              {row.map((v, j) => <td key={j} data-cell={`${i},${j}`}>{v}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const RESIDUAL_FIELDS = ["min", "p25", "median", "p75", "max", "mean", "std"];

/** The residuals' five-number summary as a box plot, with their mean and std. */
function Residuals({ summary: r, n }: { summary: Record<string, number>; n: number }) {
  const box = [r.min, r.p25, r.median, r.p75, r.max];
  const option = {
    tooltip: { trigger: "item" },
    grid: { left: 60, right: 20, top: 10, bottom: 30 },
    xAxis: { type: "value", name: "true − predicted", nameLocation: "middle", nameGap: 22 },
    yAxis: { type: "category", data: ["residuals"] },
    series: [{ type: "boxplot", data: [box] }],
  };
  return <Chart name="residuals" title={`Residuals on ${n} held-out rows: quartiles, whiskers at min and max (mean ${format(r.mean)}, std ${format(r.std)})`} option={option} table={{ columns: RESIDUAL_FIELDS, rows: [RESIDUAL_FIELDS.map((k) => r[k] ?? null)] }} height={160} />;
}

/** A binary model's ROC curve on the held-out rows, the chance diagonal beside it. */
function RocCurve({ curve, positive, auc }: { curve: NonNullable<Evaluation["roc_curve"]>; positive: string; auc?: number | null }) {
  const option = {
    tooltip: { trigger: "axis" },
    grid: { left: 60, right: 20, top: 10, bottom: 40 },
    xAxis: { type: "value", min: 0, max: 1, name: "false positive rate", nameLocation: "middle", nameGap: 26 },
    yAxis: { type: "value", min: 0, max: 1, name: "true positive rate" },
    series: [
      { type: "line", step: false, showSymbol: false, data: curve.fpr.map((x, i) => [x, curve.tpr[i]]) },
      { type: "line", showSymbol: false, lineStyle: { type: "dashed", color: "#999" }, data: [[0, 0], [1, 1]] },
    ],
  };
  const rows = curve.fpr.map((x, i) => [x, curve.tpr[i]!, curve.thresholds[i] ?? null]);
  return <Chart name="roc" title={`ROC curve for "${positive}" on the held-out rows${auc == null ? "" : ` (AUC ${format(auc)})`}`} option={option} table={{ columns: ["false positive rate", "true positive rate", "threshold"], rows }} height={300} />;
}

function FeatureImportance({ values, method }: { values: Record<string, number>; method?: string }) {
  const entries = Object.entries(values).sort((a, b) => b[1] - a[1]).slice(0, 30);
  const shown = [...entries].reverse();
  const option = {
    tooltip: {},
    grid: { left: 140, right: 20, top: 10, bottom: 30 },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: shown.map((e) => e[0]) },
    series: [{ type: "bar", data: shown.map((e) => e[1]) }],
  };
  return <Chart name="feature-importance" title={`Feature importance (${method ?? "model"})`} option={option} table={{ columns: ["feature", "importance"], rows: entries }} height={Math.max(140, 24 * entries.length + 40)} />;
}
