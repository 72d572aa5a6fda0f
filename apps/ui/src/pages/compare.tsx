import { Chart, format } from "../chart";
import { useApi } from "../use-api";
import { Show } from "./common";

interface Comparison {
  dataset_path: string | null;
  dataset_id: string | null;
  target_column: string;
  task: string;
  models: { model_id: string; algorithm: string; hyperparams: Record<string, unknown>; metrics: Record<string, number> }[];
  best: Record<string, string>;
}

/** Models side by side (GET /models/compare): each metric per model, the best one marked. */
export function ComparePage({ ids }: { ids: string[] }) {
  const comparison = useApi<Comparison>(`/models/compare?ids=${ids.map(encodeURIComponent).join(",")}`);
  return (
    <Show loaded={comparison}>
      {(c) => {
        const metrics = Object.keys(c.best);
        const option = {
          tooltip: { trigger: "axis" },
          legend: { data: c.models.map((m) => m.model_id), bottom: 0 },
          grid: { left: 60, right: 20, top: 20, bottom: 60 },
          xAxis: { type: "category", data: metrics },
          yAxis: { type: "value" },
          series: c.models.map((m) => ({ name: m.model_id, type: "bar", data: metrics.map((k) => m.metrics[k] ?? null) })),
        };
        return (
          <section data-compare={ids.join(",")}>
            <h1>{c.models.length} models on {c.dataset_path ?? c.dataset_id} → {c.target_column}</h1>
            <table data-matrix="compare">
              <thead>
                <tr><th>metric</th>{c.models.map((m) => <th key={m.model_id}><a href={`#/models/${m.model_id}`}>{m.model_id}</a><br />{m.algorithm}</th>)}</tr>
              </thead>
              <tbody>
                {metrics.map((k) => (
                  <tr key={k}>
                    <th>{k}</th>
                    {c.models.map((m) => (
                      <td key={m.model_id} data-metric={k} data-model={m.model_id} data-best={String(c.best[k] === m.model_id)} class={c.best[k] === m.model_id ? "best" : ""}>{format(m.metrics[k])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            <Chart name="compare" title="Metrics side by side" option={option} table={{ columns: ["metric", ...c.models.map((m) => m.model_id)], rows: metrics.map((k) => [k, ...c.models.map((m) => m.metrics[k] ?? null)]) }} />
          </section>
        );
      }}
    </Show>
  );
}
