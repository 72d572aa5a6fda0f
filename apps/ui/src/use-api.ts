import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, hasOperation } from "./api";

/** What `useApi` answers: the data once loaded, or the error. */
export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: ApiError | undefined;
  readonly loading: boolean;
  /** GETs it again now (after a change made from the page), keeping the data shown meanwhile. */
  readonly reload?: () => void;
}

/**
 * GETs `path` (nothing while it is null) and, while `poll(data)` says so, again every `pollMs`
 * (short polling: a running study's page updates itself).
 */
export function useApi<T>(path: string | null, options: { poll?: (data: T) => boolean; pollMs?: number } = {}): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: undefined, error: undefined, loading: path !== null });
  const [version, setVersion] = useState(0);
  const shown = useRef<string | null>(null);
  useEffect(() => {
    if (path === null) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const data = await api<T>(path);
        if (stopped) return;
        setState({ data, error: undefined, loading: false });
        if (options.poll?.(data)) timer = setTimeout(load, options.pollMs ?? 2000);
      } catch (e) {
        if (!stopped) setState((s) => ({ data: s.data, error: e instanceof ApiError ? e : new ApiError(0, "NETWORK_ERROR", String(e)), loading: false }));
      }
    };
    const again = shown.current === path; // a reload keeps what is shown; another path starts blank
    shown.current = path;
    setState((s) => (again ? { ...s, loading: true } : { data: undefined, error: undefined, loading: true }));
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [path, version]);
  return { ...state, reload: () => setVersion((v) => v + 1) };
}

/** Whether the server has `operation` (undefined until its OpenAPI document is read). */
export function useHasOperation(operation: string): boolean | undefined {
  const [has, setHas] = useState<boolean>();
  useEffect(() => {
    hasOperation(operation).then(setHas, () => setHas(false));
  }, [operation]);
  return has;
}
