import { useState } from "preact/hooks";
import { api, ApiError, type Session } from "../api";

/** The login form: an API key, traded for an HttpOnly session cookie (the key is not kept by the page). */
export function Login({ onLogin }: { onLogin: (s: Session) => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const session = await api<Session>("/ui/session", { method: "POST", body: { api_key: key } });
      setKey("");
      onLogin(session);
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    }
  };
  return (
    <form class="login" onSubmit={submit}>
      <h1>ML worker service</h1>
      <label>
        API key
        <input name="api_key" type="password" autocomplete="off" value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} required />
      </label>
      <button type="submit">Log in</button>
      {error && <p role="alert" class="error">{error}</p>}
    </form>
  );
}
