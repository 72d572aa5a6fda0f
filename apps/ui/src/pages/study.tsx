import { useMemo, useState } from "preact/hooks";
import { api, ApiError } from "../api";
import { Chart, format, Table, type DataTable } from "../chart";
import { useApi, useHasOperation } from "../use-api";
import type { Distribution, Importance, Study, Trial } from "../types";
import { Empty, ErrorBox, Show, when } from "./common";

/** A study: history, parallel coordinates, slices, importance and trials; polls while it runs; with a trainer or admin key (`canRun`), cancel or continue it. */
export function StudyPage({ id, canRun }: { id: string; canRun: boolean }) {
  const study = useApi<Study>(`/studies/${encodeURIComponent(id)}`, { poll: (s) => s.state === "running" });
  return (
    <Show loaded={study}>
      {(s) => (
        <section data-study={s.study_id} data-state={s.state}>
          <h1>Study {s.study_id}</h1>
          <p>
            <span class={`state ${s.state}`}>{s.state}</span> {s.algorithm} on {s.dataset_path ?? s.dataset_id} → {s.target_column}; {s.metric} ({s.direction}); {complete(s.trials).length} of {s.n_trials} trials complete; best {format(s.best_score)}
            {s.model_id && <> · <a href={`#/models/${s.model_id}`}>best model</a></>} · created {when(s.created_at)}
            {s.state === "running" && <span class="muted"> · updating every 2 s</span>}
          </p>
          {s.error && <ErrorBox code={s.state === "cancelled" ? "STUDY_CANCELLED" : "STUDY_FAILED"} message={s.error} />}
          {canRun && <StudyActions study={s} reload={study.reload!} />}
          <StudyCharts study={s} />
          <ImportanceChart key={complete(s.trials).length} id={s.study_id} trialsDone={complete(s.trials).length} />
          <h2>Trials</h2>
          <Table table={trialTable(s.trials)} />
        </section>
      )}
    </Show>
  );
}

const complete = (trials: Trial[]) => trials.filter((t) => t.state === "complete" && t.value !== null);

function StudyCharts({ study }: { study: Study }) {
  const done = complete(study.trials);
  const params = Object.keys(study.search_space);
  const charts = useMemo(() => ({ history: historyChart(done, study.direction), parallel: parallelChart(done, study.search_space) }), [study]);
  if (done.length === 0) return <Empty>No complete trial yet.</Empty>;
  return (
    <>
      <Chart name="history" title="Optimization history" {...charts.history} />
      <Chart name="parallel" title="Parallel coordinates" {...charts.parallel} height={320} />
      <h2>Slices</h2>
      <div class="grid">
        {params.map((p) => <Chart key={p} name={`slice-${p}`} title={p} {...sliceChart(done, p, study.search_space[p]!)} height={220} />)}
      </div>
    </>
  );
}

/** Each complete trial's value by number, and the best so far. */
function historyChart(done: Trial[], direction: Study["direction"]) {
  const better = (a: number, b: number) => (direction === "maximize" ? a > b : a < b);
  let best: number | undefined;
  const rows = done.map((t) => {
    best = best === undefined || better(t.value!, best) ? t.value! : best;
    return [t.number, t.value!, best] as const;
  });
  const table: DataTable = { columns: ["trial", "value", "best so far"], rows };
  const option = {
    tooltip: { trigger: "axis" },
    legend: { data: ["value", "best so far"] },
    xAxis: { type: "value", name: "trial", minInterval: 1 },
    yAxis: { type: "value", scale: true },
    series: [
      { name: "value", type: "scatter", data: rows.map((r) => [r[0], r[1]]) },
      { name: "best so far", type: "line", step: "end", showSymbol: false, data: rows.map((r) => [r[0], r[2]]) },
    ],
  };
  return { option, table };
}

/** One axis per parameter (a category axis for a categorical one) and one for the value. */
function parallelChart(done: Trial[], space: Record<string, Distribution>) {
  const params = Object.keys(space);
  const axes = params.map((p, dim) => {
    const d = space[p]!;
    return d.type === "categorical" ? { dim, name: p, type: "category", data: d.choices.map(String) } : { dim, name: p, type: d.log ? "log" : "value" };
  });
  const rows = done.map((t) => [...params.map((p) => (space[p]!.type === "categorical" ? String(t.params[p]) : (t.params[p] as number))), t.value!]);
  const option = {
    parallelAxis: [...axes, { dim: params.length, name: "value", type: "value", scale: true }],
    visualMap: { show: false, dimension: params.length, min: Math.min(...rows.map((r) => r[params.length] as number)), max: Math.max(...rows.map((r) => r[params.length] as number)), inRange: { color: ["#c6dbef", "#08519c"] } },
    series: [{ type: "parallel", lineStyle: { width: 1.5, opacity: 0.7 }, data: rows }],
  };
  return { option, table: { columns: [...params, "value"], rows } };
}

/** A parameter's values against the trials' values. */
function sliceChart(done: Trial[], param: string, d: Distribution) {
  const categorical = d.type === "categorical";
  const rows = done.map((t) => [categorical ? String(t.params[param]) : (t.params[param] as number), t.value!] as const);
  const option = {
    tooltip: { trigger: "item" },
    grid: { left: 50, right: 10, top: 10, bottom: 30 },
    xAxis: categorical ? { type: "category", data: d.choices.map(String) } : { type: d.log ? "log" : "value", scale: true },
    yAxis: { type: "value", scale: true },
    series: [{ type: "scatter", symbolSize: 7, data: rows }],
  };
  return { option, table: { columns: [param, "value"], rows } };
}

/** fANOVA importance (GET /studies/{id}/importance); keyed by the trials done, so it is fetched again as trials complete. */
function ImportanceChart({ id, trialsDone }: { id: string; trialsDone: number }) {
  const served = useHasOperation("GET /studies/{id}/importance");
  const importance = useApi<Importance>(served && trialsDone >= 2 ? `/studies/${encodeURIComponent(id)}/importance` : null);
  if (trialsDone < 2) return <Empty>Hyperparameter importance needs at least two complete trials.</Empty>;
  if (served === false) return <Empty>This server does not compute hyperparameter importance (no GET /studies/{"{id}"}/importance).</Empty>;
  return (
    <Show loaded={importance}>
      {(imp) => {
        const sorted = [...imp.importances].reverse();
        const option = {
          tooltip: {},
          grid: { left: 140, right: 20, top: 10, bottom: 30 },
          xAxis: { type: "value", max: 1 },
          yAxis: { type: "category", data: sorted.map((i) => i.param) },
          series: [{ type: "bar", data: sorted.map((i) => i.importance) }],
        };
        const table = { columns: ["parameter", "importance"], rows: imp.importances.map((i) => [i.param, i.importance]) };
        return <Chart name="importance" title={`Hyperparameter importance (fANOVA over ${imp.n_trials} trials)`} option={option} table={table} height={Math.max(120, 36 * sorted.length)} />;
      }}
    </Show>
  );
}

function trialTable(trials: Trial[]): DataTable {
  return {
    columns: ["trial", "state", "value", "fold scores", "duration (s)", "worker", "params"],
    rows: trials.map((t) => [t.number, t.state, t.value, t.fold_scores.map((v) => format(v)).join(", "), t.duration_ms === null ? null : t.duration_ms / 1000, t.worker_id, Object.entries(t.params).map(([k, v]) => `${k}=${format(v)}`).join(" ")]),
  };
}

/**
 * Cancel a running study (POST /studies/{id}/cancel), or run more trials of a complete or
 * cancelled one (POST /studies/{id}/trials); the page loads the study again after either.
 */
function StudyActions({ study, reload }: { study: Study; reload: () => void }) {
  const canCancel = useHasOperation("POST /studies/{id}/cancel");
  const canContinue = useHasOperation("POST /studies/{id}/trials");
  const [more, setMore] = useState(10);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const act = (path: string, body?: unknown) => async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api(`/studies/${encodeURIComponent(study.study_id)}/${path}`, { method: "POST", body });
      reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, "NETWORK_ERROR", String(err)));
    } finally {
      setBusy(false);
    }
  };
  const running = study.state === "running";
  const continuable = study.state === "complete" || study.state === "cancelled";
  return (
    <>
      {running && canCancel && (
        <form class="actions" onSubmit={act("cancel")}>
          <button type="submit" name="cancel" disabled={busy}>Cancel study</button>
        </form>
      )}
      {continuable && canContinue && (
        <form class="actions" onSubmit={act("trials", { n_trials: more })}>
          <label>
            Run <input type="number" name="n_trials" min={1} value={more} onInput={(e) => setMore(Number((e.target as HTMLInputElement).value))} /> more trials
          </label>{" "}
          <button type="submit" name="continue" disabled={busy || !(more >= 1)}>Run</button>
        </form>
      )}
      {error && <ErrorBox code={error.code} message={error.message} />}
    </>
  );
}
