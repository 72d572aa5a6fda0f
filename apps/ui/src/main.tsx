import { render } from "preact";
import { useEffect, useErrorBoundary, useState } from "preact/hooks";
import { api, setOnUnauthenticated, type Session } from "./api";
import { Login } from "./pages/login";
import { StudiesPage } from "./pages/studies";
import { StudyPage } from "./pages/study";
import { ModelsPage } from "./pages/models";
import { ModelPage } from "./pages/model";
import { ComparePage } from "./pages/compare";
import { RegistryPage, RegistryListPage } from "./pages/registry";
import { MonitoringPage } from "./pages/monitoring";
import { ErrorBox } from "./pages/common";
import "./style.css";

/** The page of a hash route (`#/studies/ID`): hash routes need nothing of the server but index.html. */
function Page({ route, session }: { route: string[]; session: Session }) {
  const [section, id] = route;
  if (section === "studies" && id) return <StudyPage id={id} canRun={session.role === "admin" || session.role === "trainer"} />;
  if (section === "models" && id) return <ModelPage id={id} canEvaluate={session.role === "admin" || session.role === "trainer"} />;
  if (section === "models") return <ModelsPage />;
  if (section === "compare" && id) return <ComparePage ids={id.split(",")} />;
  if (section === "registry" && id) return <RegistryPage name={id} />;
  if (section === "registry") return <RegistryListPage />;
  if (section === "monitoring") return <MonitoringPage name={id} session={session} />;
  return <StudiesPage />;
}

/** A page that throws while rendering shows the error instead of a blank page (and logs it). */
function Guarded({ route, session }: { route: string[]; session: Session }) {
  const [error, reset] = useErrorBoundary((e) => console.error("the page failed to render", e));
  useEffect(() => reset(), [route.join("/")]);
  if (error) return <ErrorBox code="PAGE_ERROR" message={`This page failed to render: ${String(error)}`} />;
  return <Page route={route} session={session} />;
}

function currentRoute(): string[] {
  return location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
}

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    setOnUnauthenticated(() => setSession(null));
    const onHash = () => setRoute(currentRoute());
    window.addEventListener("hashchange", onHash);
    api<{ authenticated: boolean } & Session>("/ui/session").then((s) => setSession(s.authenticated ? s : null), () => setSession(null));
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  if (session === undefined) return <p class="muted">Loading…</p>;
  if (session === null) return <Login onLogin={setSession} />;
  const logout = () => api("/ui/session", { method: "DELETE" }).finally(() => setSession(null));
  const nav = [["studies", "Studies"], ["models", "Models"], ["registry", "Registry"], ["monitoring", "Monitoring"]] as const;
  return (
    <>
      <header>
        <strong>ML worker service</strong>
        <nav>
          {nav.map(([key, label]) => (
            <a key={key} href={`#/${key}`} class={(route[0] === "compare" ? "models" : (route[0] ?? "studies")) === key ? "active" : ""}>
              {label}
            </a>
          ))}
        </nav>
        <span class="who">
          {session.name} ({session.role}) <button onClick={logout}>Log out</button>
        </span>
      </header>
      <main>
        <Guarded route={route} session={session} />
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
