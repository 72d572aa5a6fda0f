import { useEffect, useState } from "preact/hooks";
import { api, ApiError, hasOperation } from "./api";

/** What `useApi` answers: the data once loaded, or the error. */
export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: ApiError | undefined;
  readonly loading: boolean;
}

/**
 * GETs `path` (nothing while it is null) and, while `poll(data)` says so, again every `pollMs`
 * (short polling: a running study's page updates itself).
 */
export function useApi<T>(path: string | null, options: { poll?: (data: T) => boolean; pollMs?: number } = {}): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: undefined, error: undefined, loading: path !== null });
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
    setState({ data: undefined, error: undefined, loading: true });
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [path]);
  return state;
}

/** Whether the server has `operation` (undefined until its OpenAPI document is read). */
export function useHasOperation(operation: string): boolean | undefined {
  const [has, setHas] = useState<boolean>();
  useEffect(() => {
    hasOperation(operation).then(setHas, () => setHas(false));
  }, [operation]);
  return has;
}
