/**
 * @module soc/health
 * The SIEM's own health (SOC-16): counters of inputs and stages, a sampler keeping the last hour for the
 * console's charts, Prometheus metrics, and the route that returns them.
 */
import type { Ctx } from '../../core/context.ts';
import type { SocDeps, SocPart } from '../deps.ts';
import type { SiemTotals } from './counters.ts';
import { createSiemMetrics } from './metrics.ts';
import { healthRoutes, healthView, type ProcessingStatus, type SiemHealthView } from './routes.ts';
import { SiemSampler, type SiemSamplerOptions } from './sampler.ts';

export { type InputTotals, SiemTotals } from './counters.ts';
export type { ProcessingStatus, SiemHealthView } from './routes.ts';
export { type SiemSample, SiemSampler } from './sampler.ts';

/** Inventory figures of the units a context sees (`'all'`: every unit and sources without one). */
export type InventoryLookup = (
  scope: Ctx | 'all',
) => Promise<{ sources: number; silent: number; never: number; openAlerts: number }>;

/** What the health part needs besides the platform. */
export interface SiemHealthDeps extends SocDeps {
  readonly counters: SiemTotals;
  /** Events accepted and not yet processed on this node. */
  depth(): number;
  /** The sources part's inventory figures; without it the figures are left out. */
  readonly inventory?: InventoryLookup;
  readonly sampler?: SiemSamplerOptions;
  /** Where events are processed (main thread, processing threads, NATS workers). */
  processing?(): ProcessingStatus;
}

/** The health part: sampler, metrics registry and routes. */
export interface SiemHealth extends SocPart {
  readonly sampler: SiemSampler;
  /** The `tinhso_soc_*` metrics; merge into another registry with prom-client's `Registry.merge`. */
  readonly registry: ReturnType<typeof createSiemMetrics>;
  /** What `GET /api/soc/health` answers to `ctx`. */
  view(ctx: Ctx): Promise<SiemHealthView>;
}

/** Creates the SIEM health part; sampling starts with `start()` (every node that serves). */
export function createSiemHealth(deps: SiemHealthDeps): SiemHealth {
  const { platform } = deps;
  const sampler = new SiemSampler(
    {
      counters: deps.counters,
      depth: () => deps.depth(),
      now: () => platform.now(),
      onError: (err) => platform.log.error({ err }, 'SIEM health sample failed'),
    },
    deps.sampler,
  );
  const inventory = deps.inventory;
  const processing = deps.processing?.bind(deps);
  const registry = createSiemMetrics({
    counters: deps.counters,
    depth: () => deps.depth(),
    inventory: inventory ? () => inventory('all') : undefined,
    processing,
  });
  const routeDeps = {
    nodeId: platform.config.nodeId,
    counters: deps.counters,
    sampler,
    inventory: inventory ? (ctx: Ctx) => inventory(ctx) : undefined,
    metrics: registry,
    processing,
  };
  return {
    sampler,
    registry,
    view: (ctx) => healthView(routeDeps, ctx),
    routes: (app) => healthRoutes(app, routeDeps),
    async start() {
      sampler.start();
    },
    async close() {
      sampler.stop();
    },
  };
}
