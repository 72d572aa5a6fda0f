import { Chart, format, Table } from "../chart";
import type { Session } from "../api";
import { useApi } from "../use-api";
import { Empty, Show } from "./common";

interface ColumnDrift {
  column: string;
  test: string;
  statistic: number | null;
  p_value: number | null;
  threshold: number;
  drifted: boolean;
  psi: number | null;
  psi_band: string | null;
  values: number;
}
interface DriftReport {
  version: number;
  window: string;
  columns: ColumnDrift[];
  dataset_drifted: boolean;
  drifted_columns: number;
  rows: number;
  reference_rows: number;
}

interface Performance {
  from: string;
  versions: { version: number; model_id: string; n_predictions: number; n_requests: number; latency_p50_ms: number | null; latency_p99_ms: number | null; n_feedback: number; n_scored: number; metrics: Record<string, number> | null }[];
}

/** The API's TOO_FEW_ROWS minimum: below it a drift report is refused, so the page does not ask. */
const MIN_DRIFT_ROWS = 100;

/** Prediction volume, performance and drift of a registered model; the queues for admins. */
export function MonitoringPage({ name, session }: { name: string | undefined; session: Session }) {
  const names = useApi<{ registered_models: { name: string; aliases: Record<string, number> }[] }>("/registered-models?limit=100");
  const chosen = names.data?.registered_models.find((r) => r.name === name);
  return (
    <section>
      <h1>Monitoring</h1>
      {session.role === "admin" && <p><a href="/admin/queues" target="_blank" rel="noopener">Queues (Bull Board)</a></p>}
      <Show loaded={names}>
        {({ registered_models: list }) =>
          list.length === 0 ? (
            <Empty>Nothing to monitor yet: register a model and serve predictions by its name.</Empty>
          ) : (
            <nav class="tabs">
              {list.map((r) => <a key={r.name} href={`#/monitoring/${encodeURIComponent(r.name)}`} class={r.name === name ? "active" : ""}>{r.name}</a>)}
            </nav>
          )
        }
      </Show>
      {chosen && <Monitoring name={chosen.name} champion={chosen.aliases.champion} />}
    </section>
  );
}

/** Volume and performance per version over the last 7 days, then drift once the champion has enough logged predictions. */
function Monitoring({ name, champion }: { name: string; champion: number | undefined }) {
  const perf = useApi<Performance>(`/registered-models/${encodeURIComponent(name)}/performance?window=7d`);
  return (
    <Show loaded={perf}>
      {(p) => {
        const served = p.versions.find((v) => v.version === champion);
        return (
          <>
            <h2>Predictions and performance (last 7 days)</h2>
            {p.versions.length === 0 ? (
              <Empty>No prediction has been served through {name} yet.</Empty>
            ) : (
              <div data-list="performance"><Table table={{ columns: ["version", "predictions", "requests", "latency p50 ms", "latency p99 ms", "feedback", "scored", "metrics"], rows: p.versions.map((v) => [v.version, v.n_predictions, v.n_requests, v.latency_p50_ms, v.latency_p99_ms, v.n_feedback, v.n_scored, Object.entries(v.metrics ?? {}).map(([k, x]) => `${k} ${format(x)}`).join(", ") || "—"]) }} /></div>
            )}
            <h2>Drift</h2>
            {champion === undefined ? (
              <Empty>No drift report yet: {name} has no champion alias.</Empty>
            ) : (served?.n_predictions ?? 0) < MIN_DRIFT_ROWS ? (
              <Empty>No drift report yet: version {champion} has {served?.n_predictions ?? 0} logged predictions in the last 7 days, and a report needs {MIN_DRIFT_ROWS}.</Empty>
            ) : (
              <Drift name={name} />
            )}
          </>
        );
      }}
    </Show>
  );
}

function Drift({ name }: { name: string }) {
  const drift = useApi<DriftReport>(`/registered-models/${encodeURIComponent(name)}/drift?window=7d`);
  return (
    <Show loaded={drift}>
      {(d) => {
        const option = {
          tooltip: {},
          grid: { left: 140, right: 20, top: 10, bottom: 30 },
          xAxis: { type: "value", name: "PSI" },
          yAxis: { type: "category", data: d.columns.map((c) => c.column) },
          series: [{ type: "bar", data: d.columns.map((c) => ({ value: c.psi ?? 0, itemStyle: { color: c.drifted ? "#d62728" : "#4c78a8" } })) }],
        };
        return (
          <>
            <p>Version {d.version} over {d.window}: {d.rows} logged rows against {d.reference_rows} training rows; {d.drifted_columns} of {d.columns.length} columns drifted{d.dataset_drifted ? " — the dataset drifted" : ""}.</p>
            <Chart name="drift" title="PSI per column (red: drifted by its test)" option={option} table={{ columns: ["column", "test", "statistic", "p value", "drifted", "psi", "band"], rows: d.columns.map((c) => [c.column, c.test, c.statistic, c.p_value, String(c.drifted), c.psi, c.psi_band]) }} height={40 + 26 * d.columns.length} />
          </>
        );
      }}
    </Show>
  );
}
