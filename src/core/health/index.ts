/**
 * @module core/health
 * Public surface of the health figures: the per-node sampler (every 10 s, last hour in memory) and
 * GET /api/system/health for the console's charts.
 */
export { type HealthRouteServices, healthRoutes } from './routes.ts';
export {
  type HealthSample,
  HealthSampler,
  type PoolFigures,
  poolFigures,
  type RequestTotals,
  requestTotals,
  type SamplerDeps,
  type SamplerOptions,
} from './sampler.ts';
