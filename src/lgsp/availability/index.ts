/**
 * @module lgsp/availability
 * Online/offline detection of destination services (LGSP-15/17/18): active probes, passive counting.
 */
import type { App } from '../../core/http/types.ts';
import type { AvailabilityTracker, RegistryLookup } from '../contracts.ts';
import type { LgspDeps } from '../deps.ts';

/** The tracker the gateway reads, with its routes and lifecycle. */
export interface Availability extends AvailabilityTracker {
  /** Routes under `/api/lgsp`. */
  routes(app: App): Promise<void>;
  close(): Promise<void>;
}

/** Creates the availability tracker. (Placeholder until it lands: knows no states.) */
export function createAvailability(_deps: LgspDeps & { registry: RegistryLookup }): Availability {
  return { state: () => null, recordOutcome: () => {}, routes: async () => {}, close: async () => {} };
}
