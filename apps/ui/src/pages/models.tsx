import { useState } from "preact/hooks";
import { format } from "../chart";
import { useApi } from "../use-api";
import type { Model } from "../types";
import { Empty, Show, when } from "./common";

/** Models can be compared when trained on the same data, target and task (GET /models/compare refuses others). */
const comparable = (a: Model, b: Model) => a.dataset_sha256 === b.dataset_sha256 && a.target_column === b.target_column && a.task === b.task;

/** The model catalogue, newest first; tick two or more comparable models to compare them. */
export function ModelsPage() {
  const models = useApi<{ models: Model[] }>("/models?limit=100");
  const [selected, setSelected] = useState<Model[]>([]);
  const toggle = (m: Model) => setSelected((s) => (s.some((x) => x.model_id === m.model_id) ? s.filter((x) => x.model_id !== m.model_id) : [...s, m]));
  return (
    <section>
      <h1>Models</h1>
      <p>
        {selected.length >= 2 ? <a class="button" href={`#/compare/${selected.map((m) => m.model_id).join(",")}`}>Compare {selected.length} models</a> : <span class="muted">Tick two or more models trained on the same data to compare them.</span>}
      </p>
      <Show loaded={models}>
        {({ models: list }) =>
          list.length === 0 ? (
            <Empty>No models yet: train one with POST /train.</Empty>
          ) : (
            <table class="list" data-list="models">
              <thead>
                <tr><th /><th>Model</th><th>Algorithm</th><th>Task</th><th>Dataset</th><th>Metrics</th><th>Study</th><th>Created</th></tr>
              </thead>
              <tbody>
                {list.map((m) => (
                  <tr key={m.model_id}>
                    <td>
                      <input type="checkbox" aria-label={`Compare ${m.model_id}`} data-compare={m.model_id} checked={selected.some((x) => x.model_id === m.model_id)} disabled={selected.length > 0 && !comparable(selected[0]!, m)} onChange={() => toggle(m)} />
                    </td>
                    <td><a href={`#/models/${m.model_id}`}>{m.model_id}</a></td>
                    <td>{m.algorithm}</td>
                    <td>{m.task}</td>
                    <td>{m.dataset_path ?? m.dataset_id} → {m.target_column}</td>
                    <td>{Object.entries(m.metrics).map(([k, v]) => `${k} ${format(v)}`).join(", ")}</td>
                    <td>{m.study_id ? <a href={`#/studies/${m.study_id}`}>{m.study_id}</a> : "—"}</td>
                    <td>{when(m.created_at)}</td>
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
