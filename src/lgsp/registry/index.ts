/**
 * @module lgsp/registry
 * Connected units' applications, their services, keys and access rights (LGSP-20/21/29/32).
 */
import type { App } from '../../core/http/types.ts';
import type { RegistryLookup } from '../contracts.ts';
import type { LgspDeps } from '../deps.ts';

/** The registry: its lookup for the authentication service and gateway, and its HTTP routes. */
export interface Registry {
  readonly lookup: RegistryLookup;
  /** Routes under `/api/lgsp`. */
  routes(app: App): Promise<void>;
}

/** Creates the registry. (Placeholder until the registry lands: knows no keys or services.) */
export function createRegistry(_deps: LgspDeps): Registry {
  const lookup: RegistryLookup = {
    credentialByAccessKey: async () => null,
    destination: async () => null,
    destinationById: async () => null,
    allowedOperations: async () => [],
    onChange: () => () => {},
  };
  return { lookup, routes: async () => {} };
}
