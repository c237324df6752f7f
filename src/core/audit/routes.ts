/**
 * @module core/audit/routes
 * The audit log viewer's API (SEC-11): search with filters, export to CSV/XLSX, chain verification,
 * categories. Readers see only entries of their units unless their scope is 'all'.
 */
import { type Static, Type } from 'typebox';
import type { Ctx } from '../context.ts';
import { writeCsv, writeXlsx } from '../files/spreadsheet.ts';
import type { App } from '../http/types.ts';
import type { Platform } from '../platform.ts';
import { formatDateTimeVn } from '../time/format.ts';
import { auditCategories, auditCategoryNames, auditSeverities } from './categories.ts';
import {
  type AuditFilter,
  type AuditRow,
  auditAlone,
  auditStats,
  DEFAULT_STATS_DAYS,
  searchAudit,
  verifyChain,
} from './service.ts';

const tags = ['audit'];
const EXPORT_LIMIT = 100_000;

const Filter = Type.Object(
  {
    category: Type.Optional(
      Type.Array(Type.Union(auditCategoryNames.map((c) => Type.Literal(c))), { maxItems: 20 }),
    ),
    severity: Type.Optional(
      Type.Array(Type.Union(auditSeverities.map((s) => Type.Literal(s))), { maxItems: 5 }),
    ),
    outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
    actorId: Type.Optional(Type.String({ format: 'uuid' })),
    targetType: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,39}$' })),
    targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    requestId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Mã tra cứu của một yêu cầu (requestId)' }),
    ),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

const Entry = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  category: Type.String(),
  action: Type.String(),
  description: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.String(),
  unitId: Type.Union([Type.String(), Type.Null()]),
  severity: Type.String(),
  sourceIp: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  requestId: Type.Union([Type.String(), Type.Null()]),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Unknown(),
});

function present(r: AuditRow) {
  const { prevHash: _p, hash: _h, ...rest } = r;
  return { ...rest, at: r.at.toISOString() };
}

/** Unit ids the reader may see, or 'all'; provided by the org module through the app. */
export type VisibleUnits = (ctx: Ctx) => Promise<'all' | string[]>;

/** Audit routes under /api/audit. */
export function auditRoutes(platform: Platform, visibleUnits: VisibleUnits) {
  async function filterOf(
    ctx: Ctx,
    q: Static<typeof Filter>,
    limit: number,
    beforeSeq?: number,
  ): Promise<AuditFilter> {
    const units = ctx.actor.scope === 'all' || ctx.actor.kind === 'system' ? 'all' : await visibleUnits(ctx);
    return {
      categories: q.category,
      severities: q.severity,
      outcome: q.outcome,
      actorId: q.actorId,
      targetType: q.targetType,
      targetId: q.targetId,
      requestId: q.requestId,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      text: q.q?.normalize('NFC'),
      unitIds: units === 'all' ? undefined : units,
      beforeSeq,
      limit,
    };
  }

  return async (app: App) => {
    app.get(
      '/categories',
      {
        config: { permission: 'audit.read' },
        schema: {
          tags,
          summary: 'Các nhóm nhật ký',
          response: {
            200: Type.Array(
              Type.Object({
                id: Type.String(),
                vi: Type.String(),
                en: Type.String(),
                defaultRetentionDays: Type.Integer(),
              }),
            ),
          },
        },
      },
      async () => auditCategoryNames.map((id) => ({ id, ...auditCategories[id] })),
    );

    app.get(
      '/entries',
      {
        config: { permission: 'audit.read' },
        schema: {
          tags,
          summary: 'Tìm kiếm nhật ký (mới nhất trước, phân trang theo seq)',
          querystring: Type.Object(
            {
              ...Filter.properties,
              beforeSeq: Type.Optional(Type.Integer({ minimum: 1 })),
              limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(Entry),
              nextBeforeSeq: Type.Union([Type.Integer(), Type.Null()]),
            }),
          },
        },
      },
      async (request) => {
        const { beforeSeq, limit, ...q } = request.query;
        const rows = await searchAudit(platform.db, await filterOf(request.ctx, q, limit, beforeSeq));
        return {
          items: rows.map(present),
          nextBeforeSeq: rows.length === limit ? rows[rows.length - 1]!.seq : null,
        };
      },
    );

    app.get(
      '/stats',
      {
        config: { permission: 'audit.read' },
        schema: {
          tags,
          summary: `Số bản ghi theo nhóm nhật ký trong khoảng thời gian của bộ lọc (mặc định ${DEFAULT_STATS_DAYS} ngày gần nhất), theo giờ, ngày hoặc tháng`,
          querystring: Filter,
          response: {
            200: Type.Object(
              {
                from: Type.String({ format: 'date-time' }),
                to: Type.String({ format: 'date-time' }),
                bucket: Type.Union([Type.Literal('hour'), Type.Literal('day'), Type.Literal('month')]),
                series: Type.Array(
                  Type.Object({
                    bucket: Type.String({
                      description:
                        'Start of the bucket, Vietnam time: 2026-11-23T09:00, 2026-11-23 or 2026-11',
                    }),
                    category: Type.String(),
                    n: Type.Integer(),
                  }),
                ),
                byCategory: Type.Array(Type.Object({ category: Type.String(), n: Type.Integer() })),
                total: Type.Integer(),
              },
              { additionalProperties: false },
            ),
          },
        },
      },
      async (request) => {
        const {
          limit: _limit,
          beforeSeq: _before,
          ...filter
        } = await filterOf(request.ctx, request.query, 1);
        const stats = await auditStats(platform.db, filter, platform.now());
        return { ...stats, from: stats.from.toISOString(), to: stats.to.toISOString() };
      },
    );

    app.get(
      '/export',
      {
        config: { permission: 'audit.read' },
        schema: {
          tags,
          summary: 'Xuất nhật ký ra CSV hoặc XLSX',
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
        const rows = await searchAudit(platform.db, await filterOf(request.ctx, q, EXPORT_LIMIT));
        const records = [
          [
            'STT',
            'Thời gian',
            'Nhóm',
            'Mức độ',
            'Kết quả',
            'Người thực hiện',
            'Địa chỉ IP',
            'Hành động',
            'Mô tả',
            'Đối tượng',
            'Mã yêu cầu',
          ],
          ...rows.map((r) => [
            String(r.seq),
            formatDateTimeVn(r.at),
            auditCategories[r.category as keyof typeof auditCategories]?.vi ?? r.category,
            r.severity,
            r.outcome === 'success' ? 'Thành công' : 'Không thành công',
            r.actorName,
            r.sourceIp ?? '',
            r.action,
            r.description,
            r.targetType ? `${r.targetType}:${r.targetId}` : '',
            r.requestId ?? '',
          ]),
        ];
        await auditAlone(platform.db, request.ctx, {
          category: 'access',
          action: 'audit.export',
          description: `Xuất ${rows.length} bản ghi nhật ký (${format.toUpperCase()})`,
          severity: 'notice',
          details: { filter: q, rows: rows.length },
        });
        const stamp = new Date().toISOString().slice(0, 10);
        reply.header('content-disposition', `attachment; filename="nhat-ky-${stamp}.${format}"`);
        if (format === 'csv') {
          reply.type('text/csv; charset=utf-8');
          return writeCsv(records);
        }
        reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        return writeXlsx(records, {
          sheetName: 'Nhật ký',
          widths: [8, 20, 22, 10, 16, 20, 16, 28, 60, 30, 38],
        });
      },
    );

    app.get(
      '/verify',
      {
        config: { permission: 'audit.read' },
        schema: {
          tags,
          summary: 'Kiểm tra tính toàn vẹn (chuỗi băm) của nhật ký',
          response: {
            200: Type.Object({
              ok: Type.Boolean(),
              checked: Type.Integer(),
              categories: Type.Array(
                Type.Object({
                  category: Type.String(),
                  checked: Type.Integer(),
                  brokenAtSeq: Type.Union([Type.Integer(), Type.Null()]),
                }),
              ),
            }),
          },
        },
      },
      async () => verifyChain(platform.db),
    );
  };
}
