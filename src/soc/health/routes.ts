/**
 * @module soc/health/routes
 * `GET /api/soc/health` (`soc.sources.read`): the SIEM's figures now, the last hour of samples for the charts,
 * totals since start and the inventory figures of the caller's units; `GET /api/soc/metrics`: the same as
 * Prometheus text, for monitoring systems on the admin networks (like the server's `/metrics`).
 */
import { type Static, Type } from 'typebox';
import type { Ctx } from '../../core/context.ts';
import type { App } from '../../core/http/types.ts';
import type { SiemTotals } from './counters.ts';
import type { SiemSampler } from './sampler.ts';

const Sample = Type.Object({
  at: Type.String({ format: 'date-time' }),
  inputs: Type.Record(Type.String(), Type.Number(), { description: 'Sự kiện/giây theo đầu vào' }),
  receivedPerSecond: Type.Number(),
  droppedPerSecond: Type.Number(),
  queueDepth: Type.Integer(),
  parseErrorRate: Type.Number({ description: 'Tỷ lệ (0–1) sự kiện không phân tích được' }),
  storedPerSecond: Type.Number(),
  storageLagMs: Type.Union([Type.Number(), Type.Null()]),
});

export const SiemHealthView = Type.Object({
  node: Type.String({ description: 'Nút trả lời (số liệu là của nút này)' }),
  sampleSeconds: Type.Integer(),
  now: Sample,
  history: Type.Array(Sample),
  totals: Type.Object({
    received: Type.Number(),
    dropped: Type.Number(),
    parsed: Type.Number(),
    parseErrors: Type.Number(),
    pipelineTimeouts: Type.Array(
      Type.Object({
        pipeline: Type.String({ description: 'Luồng xử lý; "(choice)" khi đang chọn luồng' }),
        events: Type.Number({ description: 'Sự kiện bị dừng vì chạy quá soc.processing.eventTimeoutMs' }),
      }),
    ),
    stored: Type.Number(),
    lastStoredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    inputs: Type.Array(
      Type.Object({
        input: Type.String(),
        events: Type.Number(),
        bytes: Type.Number(),
        dropped: Type.Number(),
        dropReasons: Type.Record(Type.String(), Type.Number()),
      }),
    ),
  }),
  inventory: Type.Union([
    Type.Object({
      sources: Type.Integer(),
      silent: Type.Integer(),
      never: Type.Integer(),
      openAlerts: Type.Integer(),
    }),
    Type.Null(),
  ]),
});
export type SiemHealthView = Static<typeof SiemHealthView>;

/** What the routes read. */
export interface HealthRouteDeps {
  nodeId: string;
  counters: SiemTotals;
  sampler: SiemSampler;
  inventory?: (ctx: Ctx) => Promise<{ sources: number; silent: number; never: number; openAlerts: number }>;
  metrics: { contentType: string; metrics(): Promise<string> };
}

/** The figures the health route answers. */
export async function healthView(deps: HealthRouteDeps, ctx: Ctx): Promise<SiemHealthView> {
  const c = deps.counters;
  return {
    node: deps.nodeId,
    sampleSeconds: Math.round(deps.sampler.intervalMs / 1000),
    now: deps.sampler.current(),
    history: deps.sampler.history(),
    totals: {
      received: c.receivedTotal(),
      dropped: c.droppedTotal(),
      parsed: c.parsedEvents,
      parseErrors: c.parseErrors,
      pipelineTimeouts: [...c.timeouts].map(([pipeline, events]) => ({ pipeline, events })),
      stored: c.storedEvents,
      lastStoredAt: c.lastStoredAt > 0 ? new Date(c.lastStoredAt).toISOString() : null,
      inputs: [...c.inputs].map(([input, t]) => ({
        input,
        events: t.events,
        bytes: t.bytes,
        dropped: t.dropped,
        dropReasons: { ...t.dropReasons },
      })),
    },
    inventory: deps.inventory ? await deps.inventory(ctx) : null,
  };
}

/** Registers the health routes (call inside the `/api/soc` prefix). */
export async function healthRoutes(app: App, deps: HealthRouteDeps): Promise<void> {
  app.get(
    '/health',
    {
      config: { permission: 'soc.sources.read' },
      schema: {
        tags: ['soc-health'],
        summary:
          'Tình trạng SIEM của nút: sự kiện/giây theo đầu vào, hàng đợi, lỗi phân tích, độ trễ lưu (SOC-16)',
        response: { 200: SiemHealthView },
      },
    },
    async (request) => healthView(deps, request.ctx),
  );
  app.get(
    '/metrics',
    { config: { auth: 'public', admin: true, noAccessLog: true }, schema: { hide: true } },
    async (_request, reply) => {
      reply.type(deps.metrics.contentType);
      return deps.metrics.metrics();
    },
  );
}
