/**
 * @module lgsp/exchange/routes
 * Exchange records and statistics under `/api/lgsp` (LGSP-17, LGSP-18, LGSP-37): search newest first with
 * a keyset cursor, export to CSV/XLSX, per-unit daily figures for the console's charts, and an error summary.
 * A reader sees the calls whose source or destination unit lies in their scope (their unit and subordinates).
 */
import { type Static, Type } from 'typebox';
import { auditAlone } from '../../core/audit/index.ts';
import type { Ctx } from '../../core/context.ts';
import type { Db } from '../../core/db/index.ts';
import { AppError } from '../../core/errors/index.ts';
import { writeCsv, writeXlsx } from '../../core/files/spreadsheet.ts';
import { Nullable } from '../../core/http/schema.ts';
import type { App } from '../../core/http/types.ts';
import { formatDateTimeVn } from '../../core/time/format.ts';
import type { OrgService } from '../../org/index.ts';
import {
  type ExchangeFilter,
  type ExchangeRow,
  errorSummary,
  searchExchanges,
  unitStatistics,
} from './store.ts';

const tags = ['lgsp'];
const EXPORT_LIMIT = 100_000;
const MAX_RANGE_DAYS = 366;
const permission = 'lgsp.exchange.read';

const Filter = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    sourceUnitId: Type.Optional(Type.String({ format: 'uuid' })),
    destinationUnitId: Type.Optional(Type.String({ format: 'uuid' })),
    service: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' })),
    statusClass: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: '2 = 2xx, 4 = 4xx…' })),
    errorCode: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9_]{1,63}$' })),
    requestId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'X-Lgsp-Request-Id của cuộc gọi' }),
    ),
  },
  { additionalProperties: false },
);

const Exchange = Type.Object({
  id: Type.String(),
  requestId: Type.String(),
  timeIn: Type.String({ format: 'date-time' }),
  timeOut: Type.String({ format: 'date-time' }),
  sourceApplicationCode: Nullable(Type.String()),
  sourceUnitId: Nullable(Type.String()),
  sourceUnitCode: Nullable(Type.String()),
  serviceCode: Type.String(),
  destinationUnitId: Nullable(Type.String()),
  destinationUnitCode: Type.String(),
  method: Type.String(),
  path: Type.String(),
  requestBytes: Type.Integer(),
  responseBytes: Type.Integer(),
  status: Type.Integer(),
  errorCode: Nullable(Type.String()),
  latencyMs: Type.Integer(),
  node: Type.String(),
  mode: Type.String(),
});

const DateRange = Type.Object(
  {
    from: Type.String({ format: 'date', description: 'First day (YYYY-MM-DD, Vietnam time)' }),
    to: Type.String({ format: 'date', description: 'Last day, included' }),
  },
  { additionalProperties: false },
);

function present(r: ExchangeRow) {
  return {
    id: r.id,
    requestId: r.requestId,
    timeIn: r.timeIn.toISOString(),
    timeOut: r.timeOut.toISOString(),
    sourceApplicationCode: r.sourceApplicationCode,
    sourceUnitId: r.sourceUnitId,
    sourceUnitCode: r.sourceUnitCode,
    serviceCode: r.serviceCode,
    destinationUnitId: r.destinationUnitId,
    destinationUnitCode: r.destinationUnitCode,
    method: r.method,
    path: r.path,
    requestBytes: r.requestBytes,
    responseBytes: r.responseBytes,
    status: r.status,
    errorCode: r.errorCode,
    latencyMs: r.latencyMs,
    node: r.node,
    mode: r.mode,
  };
}

/** Cursor of keyset paging: the last row's time and id. */
function encodeCursor(r: ExchangeRow): string {
  return Buffer.from(`${r.timeIn.toISOString()}|${r.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { timeIn: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const timeIn = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(timeIn.getTime())) {
    throw new AppError('VALIDATION_FAILED', {
      summary: 'querystring.cursor: not a cursor of this list',
      errors: [{ field: 'querystring.cursor', message: 'not a cursor of this list' }],
    });
  }
  return { timeIn, id };
}

/** Midnight (Vietnam) of `from` and the midnight after `to`; refuses reversed or over-long ranges. */
function vnRange(q: Static<typeof DateRange>): { from: Date; to: Date } {
  const from = new Date(`${q.from}T00:00:00+07:00`);
  const to = new Date(new Date(`${q.to}T00:00:00+07:00`).getTime() + 86_400_000);
  const days = (to.getTime() - from.getTime()) / 86_400_000;
  if (!(days >= 1 && days <= MAX_RANGE_DAYS)) {
    throw new AppError('VALIDATION_FAILED', {
      summary: `querystring.to: the range must run forward and cover at most ${MAX_RANGE_DAYS} days`,
      errors: [{ field: 'querystring.to', message: `from ≤ to, at most ${MAX_RANGE_DAYS} days` }],
    });
  }
  return { from, to };
}

/** The exchange routes, mounted under `/api/lgsp` by the gateway. */
export function exchangeRoutes(deps: { db: Db; org: OrgService }) {
  const scopeOf = async (ctx: Ctx): Promise<readonly string[] | undefined> => {
    const units = await deps.org.visibleUnitIds(ctx);
    return units === 'all' ? undefined : units;
  };
  const filterOf = async (ctx: Ctx, q: Static<typeof Filter>, limit: number): Promise<ExchangeFilter> => ({
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    sourceUnitId: q.sourceUnitId,
    destinationUnitId: q.destinationUnitId,
    serviceCode: q.service,
    statusClass: q.statusClass,
    errorCode: q.errorCode,
    requestId: q.requestId,
    unitIds: await scopeOf(ctx),
    limit,
  });

  return async (app: App) => {
    app.get(
      '/exchanges',
      {
        config: { permission },
        schema: {
          tags,
          summary: 'Lịch sử trao đổi dữ liệu qua cổng kết nối (mới nhất trước)',
          querystring: Type.Object(
            {
              ...Filter.properties,
              cursor: Type.Optional(Type.String({ maxLength: 200 })),
              limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(Exchange),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
          },
        },
      },
      async (request) => {
        const { cursor, limit, ...q } = request.query;
        const filter = await filterOf(request.ctx, q, limit);
        if (cursor) filter.before = decodeCursor(cursor);
        const rows = await searchExchanges(deps.db, filter);
        return {
          items: rows.map(present),
          nextCursor: rows.length === limit ? encodeCursor(rows[rows.length - 1]!) : null,
        };
      },
    );

    app.get(
      '/exchanges/export',
      {
        config: { permission },
        schema: {
          tags,
          summary: 'Xuất lịch sử trao đổi ra CSV hoặc XLSX',
          querystring: Type.Object(
            {
              ...Filter.properties,
              format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'xlsx' }),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const { format, ...q } = request.query;
        const rows = await searchExchanges(deps.db, await filterOf(request.ctx, q, EXPORT_LIMIT));
        const records = [
          [
            'Thời gian nhận',
            'Thời gian trả',
            'Đơn vị gửi',
            'Ứng dụng gửi',
            'Đơn vị nhận',
            'Dịch vụ',
            'Phương thức',
            'Đường dẫn',
            'Mã trạng thái',
            'Mã lỗi',
            'Độ trễ (ms)',
            'Byte gửi',
            'Byte nhận',
            'Chế độ',
            'Mã yêu cầu',
          ],
          ...rows.map((r) => [
            formatDateTimeVn(r.timeIn),
            formatDateTimeVn(r.timeOut),
            r.sourceUnitCode ?? '',
            r.sourceApplicationCode ?? '',
            r.destinationUnitCode,
            r.serviceCode,
            r.method,
            r.path,
            String(r.status),
            r.errorCode ?? '',
            String(r.latencyMs),
            String(r.requestBytes),
            String(r.responseBytes),
            r.mode,
            r.requestId,
          ]),
        ];
        await auditAlone(deps.db, request.ctx, {
          category: 'access',
          action: 'lgsp.exchange.export',
          description: `Xuất ${rows.length} bản ghi trao đổi dữ liệu (${format.toUpperCase()})`,
          severity: 'notice',
          details: { filter: q, rows: rows.length },
        });
        const stamp = new Date().toISOString().slice(0, 10);
        reply.header('content-disposition', `attachment; filename="trao-doi-du-lieu-${stamp}.${format}"`);
        if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(writeCsv(records));
        const xlsx = await writeXlsx(records, {
          sheetName: 'Trao đổi dữ liệu',
          widths: [20, 20, 16, 16, 16, 14, 10, 40],
        });
        return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(xlsx);
      },
    );

    app.get(
      '/statistics',
      {
        config: { permission },
        schema: {
          tags,
          summary: 'Thống kê gửi/nhận theo đơn vị và ngày (LGSP-18)',
          querystring: DateRange,
          response: {
            200: Type.Object({
              from: Type.String(),
              to: Type.String(),
              items: Type.Array(
                Type.Object({
                  unitId: Type.String(),
                  unitCode: Type.String(),
                  day: Type.String(),
                  sent: Type.Integer(),
                  received: Type.Integer(),
                  errors: Type.Integer(),
                  p50Ms: Type.Union([Type.Integer(), Type.Null()]),
                  p95Ms: Type.Union([Type.Integer(), Type.Null()]),
                }),
              ),
            }),
          },
        },
      },
      async (request) => {
        const { from, to } = vnRange(request.query);
        const items = await unitStatistics(deps.db, from, to, await scopeOf(request.ctx));
        return { from: request.query.from, to: request.query.to, items };
      },
    );

    app.get(
      '/errors',
      {
        config: { permission },
        schema: {
          tags,
          summary: 'Tổng hợp lỗi kết nối và trao đổi theo đơn vị (LGSP-37)',
          querystring: DateRange,
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  unitId: Type.String(),
                  unitCode: Type.String(),
                  errorCode: Type.String(),
                  asSource: Type.Integer(),
                  asDestination: Type.Integer(),
                }),
              ),
            }),
          },
        },
      },
      async (request) => {
        const { from, to } = vnRange(request.query);
        return { items: await errorSummary(deps.db, from, to, await scopeOf(request.ctx)) };
      },
    );
  };
}
