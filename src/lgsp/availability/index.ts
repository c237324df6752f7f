/**
 * @module lgsp/availability
 * Online/offline detection of destination services (LGSP-15/17/18): active probes, passive counting,
 * the history of connections and its statistics, and the notices of long outages.
 */
import type { App } from '../../core/http/types.ts';
import type { AvailabilityTracker } from '../contracts.ts';
import { availabilityRoutes } from './routes.ts';
import { type AvailabilityDeps, type AvailabilityService, createAvailabilityService } from './service.ts';

export { availabilityErrors } from './errors.ts';
export {
  AVAILABILITY_TOPIC,
  type AvailabilityDeps,
  type AvailabilityItem,
  type AvailabilityService,
  type AvailabilityStatistics,
  PROBE_FAILURES_TO_OFFLINE,
  PROBE_JOB,
  PROBE_SUCCESSES_TO_ONLINE,
  type RoundSummary,
  TRAFFIC_FAILURES_TO_OFFLINE,
  TRAFFIC_HOLD_DOWN_MS,
} from './service.ts';

/** The tracker the gateway reads, with its routes and lifecycle. */
export interface Availability extends AvailabilityTracker, Omit<AvailabilityService, 'close'> {
  /** Routes under `/api/lgsp`. */
  routes(app: App): Promise<void>;
  close(): Promise<void>;
}

/**
 * Creates the availability tracker and registers its probe job on the scheduler (one node probes per
 * round). `listDestinations` and `unitsWithRightsTo` come from the registry; without them nothing is
 * probed and outages are told to operators and the provider unit only.
 */
export function createAvailability(deps: AvailabilityDeps): Availability {
  const service = createAvailabilityService(deps);
  deps.scheduler.register(service.probeJob);
  return {
    ...service,
    routes: (app) => availabilityRoutes(app, service, () => deps.platform.now()),
  };
}
