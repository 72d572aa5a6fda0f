import { Chart, format, Table } from "../chart";
import type { Session } from "../api";
import { useApi } from "../use-api";
import { Empty, ErrorBox, Show } from "./common";

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

/** Drift and performance of a registered model's served version; the queues for admins. */
export function MonitoringPage({ name, session }: { name: string | undefined; session: Session }) {
  const names = useApi<{ registered_models: { name: string }[] }>("/registered-models?limit=100");
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
      {name && <Drift name={name} />}
      {name && <Performance name={name} />}
    </section>
  );
}

function Drift({ name }: { name: string }) {
  const drift = useApi<DriftReport>(`/registered-models/${encodeURIComponent(name)}/drift?window=7d`);
  if (drift.error) {
    const empty = ["TOO_FEW_ROWS", "ALIAS_NOT_FOUND", "NO_DRIFT_REFERENCE"].includes(drift.error.code);
    return empty ? <Empty>No drift report yet: {drift.error.message}</Empty> : <ErrorBox code={drift.error.code} message={drift.error.message} />;
  }
  if (!drift.data) return <p class="muted">Loading…</p>;
  const d = drift.data;
  const option = {
    tooltip: {},
    grid: { left: 140, right: 20, top: 10, bottom: 30 },
    xAxis: { type: "value", name: "PSI" },
    yAxis: { type: "category", data: d.columns.map((c) => c.column) },
    series: [{ type: "bar", data: d.columns.map((c) => ({ value: c.psi ?? 0, itemStyle: { color: c.drifted ? "#d62728" : "#4c78a8" } })) }],
  };
  return (
    <>
      <h2>Drift of version {d.version} over {d.window}</h2>
      <p>{d.rows} logged rows against {d.reference_rows} training rows; {d.drifted_columns} of {d.columns.length} columns drifted{d.dataset_drifted ? " — the dataset drifted" : ""}.</p>
      <Chart name="drift" title="PSI per column (red: drifted by its test)" option={option} table={{ columns: ["column", "test", "statistic", "p value", "drifted", "psi", "band"], rows: d.columns.map((c) => [c.column, c.test, c.statistic, c.p_value, String(c.drifted), c.psi, c.psi_band]) }} height={40 + 26 * d.columns.length} />
    </>
  );
}

function Performance({ name }: { name: string }) {
  const perf = useApi<Record<string, unknown>>(`/registered-models/${encodeURIComponent(name)}/performance?window=7d`);
  if (perf.error) return ["TOO_FEW_ROWS", "ALIAS_NOT_FOUND", "NO_FEEDBACK"].includes(perf.error.code) ? <Empty>No performance data yet: {perf.error.message}</Empty> : <ErrorBox code={perf.error.code} message={perf.error.message} />;
  if (!perf.data) return <p class="muted">Loading…</p>;
  const scalars = Object.entries(perf.data).filter(([, v]) => typeof v !== "object" || v === null);
  return (
    <>
      <h2>Performance from feedback</h2>
      <Table table={{ columns: ["field", "value"], rows: scalars.map(([k, v]) => [k, format(v)]) }} />
    </>
  );
}
