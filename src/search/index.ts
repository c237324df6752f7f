/**
 * @module search
 * Public surface of the global search: the service over the modules' providers, and its route.
 */
export { searchErrors } from './errors.ts';
export { searchRoutes } from './routes.ts';
export {
  type AccountSource,
  createSearchService,
  type SearchItem,
  type SearchService,
  type UnitSource,
} from './service.ts';
