/**
 * @module lgsp/registry
 * Connected units' applications, their services, keys and access rights (LGSP-13/17/20/21/29/30/32):
 * the service behind the console and API, and the cached lookup the authentication service and the
 * gateway read on every call.
 */
import type { App } from '../../core/http/types.ts';
import type { JobDefinition } from '../../core/scheduler/index.ts';
import type { DestinationService, RegistryLookup } from '../contracts.ts';
import type { LgspDeps } from '../deps.ts';
import { createLookup, REGISTRY_CHANGED, type RegistryCache } from './lookup.ts';
import { certificateReminderJob } from './reminders.ts';
import { registryRoutes } from './routes.ts';
import { createRegistryService, keyStatusAt, type RegistryService } from './service.ts';

export type * from './schema.ts';
export type { RegistryCache, RegistryService };
export { keyStatusAt, REGISTRY_CHANGED };

/** The registry: its lookup for the authentication service and gateway, its service and HTTP routes. */
export interface Registry {
  readonly lookup: RegistryLookup;
  /** Applications, keys, services, rights, directory (the console's and tests' entry point). */
  readonly service: RegistryService;
  /** Every active destination service (for availability's probes: `createAvailability({ listDestinations })`). */
  listDestinations(): Promise<DestinationService[]>;
  /** Units whose applications hold a right on a service (availability tells them of its outages). */
  unitsWithRightsTo(serviceId: string): Promise<string[]>;
  /** The daily reminder of certificates about to end (registered on the scheduler). */
  readonly reminderJob: JobDefinition;
  /** Lookup cache counters (a warm call is a hit and runs no SQL). */
  stats(): { hits: number; misses: number };
  /** Routes under `/api/lgsp`. */
  routes(app: App): Promise<void>;
  /** Stops listening for registry changes. */
  close(): void;
}

/** Creates the registry over the platform, the org module and the bus. */
export function createRegistry(deps: LgspDeps): Registry {
  const cache = createLookup({ platform: deps.platform, org: deps.org, bus: deps.bus });
  const service = createRegistryService({ platform: deps.platform, org: deps.org, cache });
  const reminderJob = certificateReminderJob(deps.platform, deps.notifications);
  deps.scheduler.register(reminderJob);
  const lookup: RegistryLookup = {
    credentialByAccessKey: (k) => cache.credentialByAccessKey(k),
    destination: (u, s) => cache.destination(u, s),
    destinationById: (id) => cache.destinationById(id),
    allowedOperations: (a, s) => cache.allowedOperations(a, s),
    onChange: (listener) => cache.onChange(listener),
  };
  return {
    lookup,
    service,
    reminderJob,
    listDestinations: () => cache.listDestinations(),
    unitsWithRightsTo: (serviceId) => cache.unitsWithRightsTo(serviceId),
    stats: () => cache.stats(),
    routes: async (app) => registryRoutes(service)(app),
    close: () => cache.close(),
  };
}
