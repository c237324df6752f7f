/**
 * @module lgsp/gateway
 * The API gateway `/{unitCode}/{service}/…` and the exchange records it writes (LGSP-33/37).
 */
import type { App } from '../../core/http/types.ts';
import type { AuthService } from '../auth/index.ts';
import type { AvailabilityTracker, RegistryLookup } from '../contracts.ts';
import type { LgspDeps } from '../deps.ts';

/** The gateway: mounts the proxy at the root and the exchange-record routes under `/api/lgsp`. */
export interface Gateway {
  /** Registers the proxy routes (outside `/api`) on the root server. */
  registerProxy(app: App): Promise<void>;
  /** Routes under `/api/lgsp` (exchange records, statistics). */
  routes(app: App): Promise<void>;
  close(): Promise<void>;
}

/** Creates the gateway. (Placeholder until it lands: mounts nothing.) */
export function createGateway(
  _deps: LgspDeps & { registry: RegistryLookup; auth: AuthService; availability: AvailabilityTracker },
): Gateway {
  return { registerProxy: async () => {}, routes: async () => {}, close: async () => {} };
}
