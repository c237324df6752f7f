/**
 * @module soc/sources
 * Source inventory, information systems, public IP ranges and heartbeat (SOC-10, 17, 25): the enricher the
 * processor calls for every batch, the silence check on the scheduler, and their routes.
 */
import type { SourceEnricher } from '../contracts.ts';
import type { SocDeps, SocPart } from '../deps.ts';
import { sourcesRoutes } from './routes.ts';
import {
  createSourcesService,
  type InventoryFigures,
  type RetentionPlan,
  type SourcesService,
} from './service.ts';

export { SYSTEM_TAG_PREFIX } from './enricher.ts';
export { sourcesErrors } from './errors.ts';
export { normaliseCidr, RangeMatcher } from './ip-ranges.ts';
export {
  type InventoryFigures,
  type RetentionPlan,
  SILENCE_JOB,
  type SilenceRound,
  SOURCE_BACK,
  SOURCE_SILENT,
  SOURCES_CHANGED,
  TAGGING_CHANGED,
} from './service.ts';
export { type SourceKind, sourceKeyOf, sourceKinds } from './source-key.ts';

/** The sources part: the enricher, the operators' API, the silence check, retention and inventory figures. */
export interface SourceService extends SourceEnricher, SocPart, Omit<SourcesService, 'enricher' | 'close'> {
  /** Per-source retention for the event store. */
  retention(): Promise<RetentionPlan>;
  /** Inventory figures (`'all'`: every unit and the sources without one). */
  inventory: SourcesService['inventory'];
}

export type { InventoryFigures as SourceInventory };

/** Creates the sources service and registers its silence check on the scheduler (one node per round). */
export function createSources(deps: SocDeps): SourceService {
  const service = createSourcesService(deps);
  deps.scheduler.register(service.silenceJob);
  return {
    ...service,
    enrich: (events) => service.enricher.enrich(events),
    routes: (app) => sourcesRoutes(app, service),
    close: () => service.close(),
  };
}
