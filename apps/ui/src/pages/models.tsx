import { format } from "../chart";
import { useApi } from "../use-api";
import type { Model } from "../types";
import { Empty, Show, when } from "./common";

/** The model catalogue, newest first. */
export function ModelsPage() {
  const models = useApi<{ models: Model[] }>("/models?limit=100");
  return (
    <section>
      <h1>Models</h1>
      <Show loaded={models}>
        {({ models: list }) =>
          list.length === 0 ? (
            <Empty>No models yet: train one with POST /train.</Empty>
          ) : (
            <table class="list" data-list="models">
              <thead>
                <tr><th>Model</th><th>Algorithm</th><th>Task</th><th>Dataset</th><th>Metrics</th><th>Study</th><th>Created</th></tr>
              </thead>
              <tbody>
                {list.map((m) => (
                  <tr key={m.model_id}>
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
