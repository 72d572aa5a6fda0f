import type { ComponentChildren } from "preact";
import type { Loaded } from "../use-api";

/** Renders `children(data)` once loaded; the API's code and message on an error. */
export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.error && !loaded.data) return <ErrorBox code={loaded.error.code} message={loaded.error.message} />;
  if (!loaded.data) return <p class="muted">Loading…</p>;
  return <>{children(loaded.data)}</>;
}

/** An API error, as the API said it. */
export function ErrorBox({ code, message }: { code: string; message: string }) {
  return (
    <p class="error" role="alert">
      <code>{code}</code> {message}
    </p>
  );
}

/** What a page shows where there is no data yet. */
export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

/** A short date and time. */
export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}
