/**
 * @module soc/health/routes
 * `GET /api/soc/health` (`soc.sources.read`): the SIEM's figures now, the last hour of samples for the charts,
 * totals since start and the inventory figures of the caller's units; `GET /api/soc/metrics`: the same as
 * Prometheus text, for monitoring systems on the admin networks (like the server's `/metrics`).
 */
import { type Static, Type } from 'typebox';
import type { Ctx } from '../../core/context.ts';
import type { App } from '../../core/http/types.ts';
import type { ThreadsStatus } from '../processing/index.ts';
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

const ProcessingView = Type.Object({
  mode: Type.Union([Type.Literal('main'), Type.Literal('threads'), Type.Literal('nats')], {
    description:
      'Nơi sự kiện được xử lý: tiến trình chính của nút, các tiểu trình xử lý (worker thread, với PostgreSQL), hay các tiến trình worker qua NATS',
  }),
  threads: Type.Union([
    Type.Object({
      configured: Type.Integer({ description: 'soc.processing.threads' }),
      running: Type.Integer({ description: 'Tiểu trình đang chạy và sẵn sàng' }),
      lastError: Type.Union([Type.String(), Type.Null()], {
        description: 'Lý do một tiểu trình dừng hoặc không khởi động, cho đến khi mọi tiểu trình chạy lại',
      }),
      lastErrorAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    }),
    Type.Null(),
  ]),
});

/** Where this node processes events, as the health route reports it. */
export interface ProcessingStatus {
  mode: 'main' | 'threads' | 'nats';
  threads: ThreadsStatus | null;
}

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
  processing: ProcessingView,
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
  /** Where events are processed; without it, on the main thread. */
  processing?: () => ProcessingStatus;
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
    processing: processingView(deps.processing?.() ?? { mode: 'main', threads: null }),
    inventory: deps.inventory ? await deps.inventory(ctx) : null,
  };
}

function processingView(p: ProcessingStatus): Static<typeof ProcessingView> {
  const t = p.threads;
  return {
    mode: p.mode,
    threads: t && {
      ...t,
      lastErrorAt: t.lastErrorAt === null ? null : new Date(t.lastErrorAt).toISOString(),
    },
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
