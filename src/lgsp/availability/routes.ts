/**
 * @module lgsp/availability/routes
 * HTTP of online/offline detection, registered under `/api/lgsp`. The console's live view polls
 * `GET /availability` every `pollSeconds` (10 s): one indexed read of the states of the caller's units,
 * answered from the database every node shares, so any node behind the load balancer gives the same view
 * (a Server-Sent Events stream would tie a browser to one node for nothing: changes are rare, and an outage
 * notice reaches the bell through the notifications stream anyway).
 */
import { type Static, Type } from 'typebox';
import { Nullable } from '../../core/http/schema.ts';
import type { App } from '../../core/http/types.ts';
import { type AvailabilityItem, type AvailabilityService, POLL_SECONDS } from './service.ts';

const tags = ['lgsp'];
const DateTime = Type.String({ format: 'date-time' });
const Cause = Type.Union([Type.Literal('probe'), Type.Literal('traffic'), Type.Literal('registry')]);
const Day = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'A day in Vietnam time, YYYY-MM-DD',
});

const ServiceParams = Type.Object(
  { serviceId: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' }) },
  { additionalProperties: false },
);

/** One destination in the live view. */
export const AvailabilityItemView = Type.Object(
  {
    serviceId: Type.String(),
    serviceCode: Nullable(Type.String()),
    serviceName: Nullable(Type.String()),
    unitId: Type.String({ format: 'uuid' }),
    unitCode: Nullable(Type.String()),
    unitName: Nullable(Type.String()),
    state: Type.Union([Type.Literal('online'), Type.Literal('offline'), Type.Literal('unknown')]),
    online: Nullable(Type.Boolean()),
    since: Nullable(DateTime),
    cause: Nullable(Cause),
    detail: Nullable(Type.String()),
    lastOkAt: Nullable(DateTime),
    lastFailureAt: Nullable(DateTime),
    lastError: Nullable(Type.String()),
    notified: Type.Boolean({ description: 'The current outage was notified to operators and units' }),
  },
  { additionalProperties: false },
);

const ListView = Type.Object(
  {
    items: Type.Array(AvailabilityItemView),
    generatedAt: DateTime,
    pollSeconds: Type.Integer({ description: 'How often the console asks again' }),
  },
  { additionalProperties: false },
);

const HistoryQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(
      Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: 'nextCursor of the previous page' }),
    ),
  },
  { additionalProperties: false },
);

const HistoryView = Type.Object(
  {
    serviceId: Type.String(),
    items: Type.Array(
      Type.Object(
        {
          id: Type.Integer(),
          unitId: Type.String({ format: 'uuid' }),
          online: Type.Boolean(),
          since: DateTime,
          until: Nullable(DateTime),
          durationSeconds: Type.Integer(),
          cause: Cause,
          detail: Nullable(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    nextCursor: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

const StatisticsQuery = Type.Object(
  {
    from: Type.Optional({ ...Day, description: 'First day (default: 30 days before to)' }),
    to: Type.Optional({ ...Day, description: 'Last day, inclusive (default: today)' }),
  },
  { additionalProperties: false },
);

const FigureFields = {
  disconnections: Type.Integer({ description: 'Offline periods that began in the period' }),
  offlineMinutes: Type.Number(),
  observedMinutes: Type.Number({ description: 'Time with a known state (online or offline)' }),
  uptimePercent: Nullable(Type.Number({ description: 'Online share of the observed time' })),
};

const StatisticsView = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    units: Type.Array(
      Type.Object(
        {
          unitId: Type.String({ format: 'uuid' }),
          unitCode: Nullable(Type.String()),
          unitName: Nullable(Type.String()),
          services: Type.Integer(),
          ...FigureFields,
        },
        { additionalProperties: false },
      ),
    ),
    services: Type.Array(
      Type.Object(
        {
          serviceId: Type.String(),
          serviceCode: Nullable(Type.String()),
          serviceName: Nullable(Type.String()),
          unitId: Type.String({ format: 'uuid' }),
          ...FigureFields,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const ProbeView = Type.Object(
  {
    serviceId: Type.String(),
    ok: Type.Boolean(),
    status: Nullable(Type.Integer()),
    durationMs: Type.Integer(),
    error: Nullable(Type.String()),
    state: AvailabilityItemView,
  },
  { additionalProperties: false },
);

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The API form of a destination's state. */
export function presentItem(i: AvailabilityItem): Static<typeof AvailabilityItemView> {
  return {
    ...i,
    since: iso(i.since),
    lastOkAt: iso(i.lastOkAt),
    lastFailureAt: iso(i.lastFailureAt),
  };
}

/** The availability routes as a Fastify plugin body. */
export async function availabilityRoutes(
  app: App,
  service: AvailabilityService,
  now: () => Date,
): Promise<void> {
  app.get(
    '/availability',
    {
      config: { permission: 'lgsp.registry.read' },
      schema: {
        tags,
        summary:
          'Tình trạng trực tuyến/ngoại tuyến của các dịch vụ đích (bảng theo dõi, hỏi lại mỗi 10 giây)',
        response: { 200: ListView },
      },
    },
    async (request, reply) => {
      const items = await service.list(request.ctx);
      void reply.header('cache-control', 'no-store');
      return { items: items.map(presentItem), generatedAt: now().toISOString(), pollSeconds: POLL_SECONDS };
    },
  );

  app.get(
    '/availability/statistics',
    {
      config: { permission: 'lgsp.registry.read' },
      schema: {
        tags,
        summary:
          'Thống kê số lần ngắt kết nối, thời gian ngừng kết nối và tỉ lệ trực tuyến theo đơn vị, dịch vụ',
        querystring: StatisticsQuery,
        response: { 200: StatisticsView },
      },
    },
    async (request) => service.statistics(request.ctx, request.query),
  );

  app.get(
    '/availability/:serviceId/history',
    {
      config: { permission: 'lgsp.registry.read' },
      schema: {
        tags,
        summary: 'Lịch sử kết nối của một dịch vụ đích (mới nhất trước)',
        params: ServiceParams,
        querystring: HistoryQuery,
        response: { 200: HistoryView },
      },
    },
    async (request) => {
      const page = await service.history(request.ctx, request.params.serviceId, request.query);
      return {
        serviceId: page.serviceId,
        items: page.items.map((r) => ({
          id: r.id,
          unitId: r.unitId,
          online: r.online,
          since: r.since.toISOString(),
          until: iso(r.until),
          durationSeconds: r.durationSeconds,
          cause: r.cause,
          detail: r.detail,
        })),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.post(
    '/availability/:serviceId/probe',
    {
      config: { permission: 'lgsp.registry.write' },
      schema: {
        tags,
        summary: 'Kiểm tra kết nối một dịch vụ đích ngay',
        params: ServiceParams,
        response: { 200: ProbeView },
      },
    },
    async (request) => {
      const r = await service.probeNow(request.ctx, request.params.serviceId);
      return { ...r, state: presentItem(r.state) };
    },
  );
}
