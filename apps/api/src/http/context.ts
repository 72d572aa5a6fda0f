import type { Deps } from "../deps";
import type { Serving } from "../serving/serving";
import type { Authenticator } from "./auth";
import type { ActiveJobQuota, Idempotency } from "./limits";

/** What the routes use: the process's dependencies and the front door's shared state. */
export interface AppContext extends Deps {
  readonly auth: Authenticator;
  readonly quota: ActiveJobQuota;
  readonly idempotency: Idempotency;
  readonly serving: Serving;
}
