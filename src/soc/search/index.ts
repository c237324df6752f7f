/**
 * @module soc/search
 * The SIEM's event search (SOC-05): query language, aggregations, event detail, export, saved searches.
 */
import type { App } from '../../core/http/types.ts';
import type { SocDeps, SocPart } from '../deps.ts';
import { searchRoutes } from './routes.ts';
import { createSearchService, type SearchService } from './service.ts';

export { parseQuery } from './parser.ts';
export { printQuery } from './print.ts';
export type { SearchService } from './service.ts';

/** The search part: its service and its routes. */
export interface Search extends SocPart {
  readonly service: SearchService;
}

/** Creates the search part over the platform's database and the organisation's unit scope. */
export function createSearch(deps: SocDeps): Search {
  const service = createSearchService({
    db: deps.platform.db,
    org: deps.org,
    now: () => deps.platform.now(),
    timeoutMs: deps.platform.config.soc.search.timeoutSeconds * 1000,
  });
  return {
    service,
    async routes(app: App) {
      await app.register(searchRoutes(service));
    },
  };
}
