import { useState } from "preact/hooks";
import { useApi, useHasOperation } from "../use-api";
import type { Model, StudySummary } from "../types";
import { format } from "../chart";
import { Empty, ErrorBox, Show, when } from "./common";

/** The studies list (GET /studies); on a server without it, the studies its models came from. */
export function StudiesPage() {
  const hasList = useHasOperation("GET /studies");
  const listed = useApi<{ studies: StudySummary[] }>(hasList ? "/studies?limit=100" : null);
  return (
    <section>
      <h1>Studies</h1>
      <OpenById />
      {hasList === undefined ? null : !hasList ? <StudiesOfModels /> : listed.error ? <ErrorBox code={listed.error.code} message={listed.error.message} /> : <StudyTable studies={listed.data?.studies} />}
    </section>
  );
}

function StudyTable({ studies }: { studies: StudySummary[] | undefined }) {
  if (!studies) return <p class="muted">Loading…</p>;
  if (studies.length === 0) return <Empty>No studies yet: start one with POST /optimize.</Empty>;
  return (
    <table class="list" data-list="studies">
      <thead>
        <tr><th>Study</th><th>State</th><th>Algorithm</th><th>Dataset</th><th>Metric</th><th>Best value</th><th>Trials</th><th>Created</th></tr>
      </thead>
      <tbody>
        {studies.map((s) => (
          <tr key={s.study_id}>
            <td><a href={`#/studies/${s.study_id}`}>{s.study_id}</a></td>
            <td><span class={`state ${s.state}`}>{s.state}</span></td>
            <td>{s.algorithm}</td>
            <td>{s.dataset_path ?? s.dataset_id}</td>
            <td>{s.metric} ({s.direction})</td>
            <td>{format(s.best_score)}</td>
            <td data-trials>{s.trials_done ?? "?"}/{s.n_trials}</td>
            <td>{when(s.created_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Without GET /studies: the studies the catalogue's models came from. */
function StudiesOfModels() {
  const models = useApi<{ models: Model[] }>("/models?limit=200");
  return (
    <Show loaded={models}>
      {({ models: list }) => {
        const ids = [...new Set(list.flatMap((m) => (m.study_id ? [m.study_id] : [])))];
        if (ids.length === 0) return <Empty>This server has no study list; open a study by its id above.</Empty>;
        return (
          <ul data-list="studies">
            {ids.map((id) => <li key={id}><a href={`#/studies/${id}`}>{id}</a></li>)}
          </ul>
        );
      }}
    </Show>
  );
}

function OpenById() {
  const [id, setId] = useState("");
  return (
    <form class="inline" onSubmit={(e) => { e.preventDefault(); if (id.trim()) location.hash = `#/studies/${encodeURIComponent(id.trim())}`; }}>
      <input placeholder="study id" value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} aria-label="Study id" />
      <button type="submit">Open</button>
    </form>
  );
}
