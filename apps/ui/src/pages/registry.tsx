import { Chart, format, Table } from "../chart";
import { useApi } from "../use-api";
import { Empty, ErrorBox, Show, when } from "./common";

interface RegisteredModel {
  name: string;
  description: string | null;
  task: string | null;
  latest_version: number | null;
  aliases: Record<string, number>;
  updated_at: string;
}
interface Version {
  version: number;
  model_id: string;
  algorithm: string;
  aliases: string[];
  lineage: { metrics: Record<string, number>; registered_by: string; study_id: string | null };
  created_at: string;
}
interface AliasMove {
  alias: string;
  from_version: number | null;
  to_version: number | null;
  at: string;
  by: string;
}
interface Traffic {
  routes: { alias: string; weight: number; share: number }[];
  sticky_key: string | null;
  shadow: { alias: string; sample_percent: number } | null;
  updated_by: string;
  updated_at: string;
}

/** The registered models. */
export function RegistryListPage() {
  const list = useApi<{ registered_models: RegisteredModel[] }>("/registered-models?limit=100");
  return (
    <section>
      <h1>Registry</h1>
      <Show loaded={list}>
        {({ registered_models: names }) =>
          names.length === 0 ? (
            <Empty>No registered models yet: register one with POST /registered-models.</Empty>
          ) : (
            <table class="list" data-list="registered-models">
              <thead>
                <tr><th>Name</th><th>Task</th><th>Latest version</th><th>Aliases</th><th>Updated</th></tr>
              </thead>
              <tbody>
                {names.map((r) => (
                  <tr key={r.name}>
                    <td><a href={`#/registry/${encodeURIComponent(r.name)}`}>{r.name}</a></td>
                    <td>{r.task ?? "—"}</td>
                    <td>{r.latest_version ?? "—"}</td>
                    <td>{aliasText(r.aliases)}</td>
                    <td>{when(r.updated_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
}

const aliasText = (aliases: Record<string, number>) => Object.entries(aliases).map(([a, v]) => `${a} → v${v}`).join(", ") || "—";

/** One registered model: versions, aliases, the alias history and the traffic split. */
export function RegistryPage({ name }: { name: string }) {
  const base = `/registered-models/${encodeURIComponent(name)}`;
  const model = useApi<RegisteredModel & { has_traffic_policy?: boolean }>(base);
  const versions = useApi<{ versions: Version[] }>(`${base}/versions?limit=100`);
  const history = useApi<{ history: AliasMove[] }>(`${base}/history?limit=100`);
  // Asked only when there is a policy: a 404 would show as an error in the browser's console.
  const traffic = useApi<Traffic>(model.data?.has_traffic_policy ? `${base}/traffic` : null);
  return (
    <Show loaded={model}>
      {(m) => (
        <section data-registered-model={m.name}>
          <h1>{m.name}</h1>
          <p>{m.description ?? ""} {m.task ?? ""} · <a href={`#/monitoring/${encodeURIComponent(m.name)}`}>monitoring</a></p>
          <h2>Aliases</h2>
          <table data-list="aliases">
            <tbody>
              {Object.entries(m.aliases).map(([alias, v]) => <tr key={alias} data-alias={alias} data-version={v}><th>{alias}</th><td>version {v}</td></tr>)}
            </tbody>
          </table>
          <h2>Versions</h2>
          <Show loaded={versions}>
            {({ versions: list }) => (
              <Table table={{ columns: ["version", "model", "algorithm", "aliases", "metrics", "registered by", "created"], rows: list.map((v) => [v.version, v.model_id, v.algorithm, v.aliases.join(", "), Object.entries(v.lineage.metrics).map(([k, x]) => `${k} ${format(x)}`).join(", "), v.lineage.registered_by, when(v.created_at)]) }} />
            )}
          </Show>
          <h2>Alias history</h2>
          <Show loaded={history}>
            {({ history: moves }) => (moves.length === 0 ? <Empty>No alias has moved yet.</Empty> : <div data-list="alias-history"><Table table={{ columns: ["when", "alias", "from", "to", "by"], rows: moves.map((h) => [when(h.at), h.alias, h.from_version, h.to_version, h.by]) }} /></div>)}
          </Show>
          <h2>Traffic split</h2>
          {m.has_traffic_policy === false ? <Empty>No traffic policy: every prediction by name goes to the champion alias.</Empty> : <TrafficSplit traffic={traffic} />}
        </section>
      )}
    </Show>
  );
}

function TrafficSplit({ traffic }: { traffic: ReturnType<typeof useApi<Traffic>> }) {
  if (traffic.error?.code === "TRAFFIC_POLICY_NOT_FOUND") return <Empty>No traffic policy: every prediction by name goes to the champion alias.</Empty>;
  if (traffic.error) return <ErrorBox code={traffic.error.code} message={traffic.error.message} />;
  if (!traffic.data) return <p class="muted">Loading…</p>;
  const t = traffic.data;
  const option = {
    tooltip: { trigger: "item", formatter: "{b}: {c}" },
    grid: { left: 100, right: 20, top: 10, bottom: 30 },
    xAxis: { type: "value", max: 100, name: "%" },
    yAxis: { type: "category", data: t.routes.map((r) => r.alias) },
    series: [{ type: "bar", data: t.routes.map((r) => Math.round(r.share * 1000) / 10) }],
  };
  return (
    <>
      <Chart name="traffic" title={`Traffic split, set by ${t.updated_by} at ${when(t.updated_at)}`} option={option} table={{ columns: ["alias", "weight", "share"], rows: t.routes.map((r) => [r.alias, r.weight, r.share]) }} height={60 + 40 * t.routes.length} />
      <p>
        {t.sticky_key ? `Sticky on "${t.sticky_key}". ` : ""}
        {t.shadow ? `Shadow: ${t.shadow.alias}, ${t.shadow.sample_percent}% of requests.` : "No shadow."}
      </p>
    </>
  );
}
