/**
 * @module org/routes
 * HTTP for the organisation tree; register with the prefix `/api/org`. Each route is a schema, a
 * declared permission (enforced by the IAM hook) and one service call; scope is enforced by the service.
 *
 * Import takes the file base64-encoded in JSON: `POST /api/org/import`
 * `{ "format": "csv" | "xlsx", "content": "<base64>", "dryRun": false }`.
 */
import { type Static, Type } from 'typebox';
import type { App } from '../core/http/types.ts';
import {
  CodeParams,
  CreateUnitBody,
  ExportQuery,
  HistoryQuery,
  HistoryView,
  IdParams,
  ImportBody,
  ImportView,
  ListQuery,
  MAX_IMPORT_BASE64,
  NextCodeView,
  ReorganisationBody,
  ReorganisationView,
  ResolutionView,
  TreeQuery,
  UnitPage,
  UnitView,
  UpdateUnitBody,
} from './schema.ts';
import type { OrgService } from './service.ts';
import type { UnitHistory } from './types.ts';

const tags = ['org'];

/** The organisation routes as a Fastify plugin. */
export function orgRoutes(org: OrgService) {
  return async (app: App) => {
    app.get(
      '/units',
      {
        config: { permission: 'org.read' },
        schema: {
          tags,
          summary: 'Danh sách đơn vị (tìm không dấu theo tên, hoặc theo mã)',
          querystring: ListQuery,
          response: { 200: UnitPage },
        },
      },
      async (request) => org.listUnits(request.ctx, request.query),
    );

    app.get(
      '/tree',
      {
        config: { permission: 'org.read' },
        schema: {
          tags,
          summary: 'Cây đơn vị: cấp trên trước cấp dưới, cùng cấp theo thứ tự chữ cái tiếng Việt',
          querystring: TreeQuery,
          response: { 200: Type.Array(UnitView) },
        },
      },
      async (request) => org.tree(request.ctx, request.query),
    );

    app.get(
      '/units/:id',
      {
        config: { permission: 'org.read' },
        schema: { tags, summary: 'Chi tiết đơn vị', params: IdParams, response: { 200: UnitView } },
      },
      async (request) => org.getUnit(request.ctx, request.params.id),
    );

    app.post(
      '/units',
      {
        config: { permission: 'org.write' },
        schema: {
          tags,
          summary: 'Tạo đơn vị (mã định danh tự cấp nếu không nêu)',
          body: CreateUnitBody,
          response: { 201: UnitView },
        },
      },
      async (request, reply) => {
        const unit = await org.createUnit(request.ctx, request.body);
        reply.status(201);
        return unit;
      },
    );

    app.patch(
      '/units/:id',
      {
        config: { permission: 'org.write' },
        schema: {
          tags,
          summary: 'Sửa đơn vị: đổi tên, thông tin liên hệ (giữ nguyên mã)',
          params: IdParams,
          body: UpdateUnitBody,
          response: { 200: UnitView },
        },
      },
      async (request) => org.updateUnit(request.ctx, { ...request.body, id: request.params.id }),
    );

    app.get(
      '/units/:id/history',
      {
        config: { permission: 'org.read' },
        schema: {
          tags,
          summary: 'Lịch sử đơn vị: đổi tên, chuyển, cấp lại mã, chia tách, sáp nhập, giải thể',
          params: IdParams,
          querystring: HistoryQuery,
          response: { 200: HistoryView },
        },
      },
      async (request) =>
        presentHistory(await org.history(request.ctx, { id: request.params.id, ...request.query })),
    );

    app.get(
      '/units/:id/next-code',
      {
        config: { permission: 'org.read' },
        schema: {
          tags,
          summary: 'Mã định danh còn trống tiếp theo cho đơn vị trực thuộc',
          params: IdParams,
          response: { 200: NextCodeView },
        },
      },
      async (request) => ({ code: await org.suggestChildCode(request.ctx, request.params.id) }),
    );

    app.post(
      '/reorganisations/preview',
      {
        config: { permission: 'org.write' },
        schema: {
          tags,
          summary: 'Xem trước thay đổi mã và đơn vị của một phương án tổ chức lại (không ghi)',
          body: ReorganisationBody,
          response: { 200: ReorganisationView },
        },
      },
      async (request) => org.previewReorganisation(request.ctx, request.body),
    );

    app.post(
      '/reorganisations',
      {
        config: { permission: 'org.write' },
        schema: {
          tags,
          summary: 'Tổ chức lại: chuyển (move), chia tách (split), sáp nhập (merge), giải thể (dissolve)',
          body: ReorganisationBody,
          response: { 200: ReorganisationView },
        },
      },
      async (request) => org.reorganise(request.ctx, request.body),
    );

    app.get(
      '/codes/:code',
      {
        config: { permission: 'org.read' },
        schema: {
          tags,
          summary: 'Tra mã định danh (kể cả mã cũ): đơn vị hiện đang đảm nhiệm',
          params: CodeParams,
          response: { 200: ResolutionView },
        },
      },
      async (request) => org.resolveCode(request.ctx, request.params.code),
    );

    app.post(
      '/import',
      {
        config: { permission: 'org.write' },
        // The base64 file plus a little JSON around it; the global limit is sized for ordinary requests.
        bodyLimit: MAX_IMPORT_BASE64 + 4096,
        schema: {
          tags,
          summary: 'Nhập danh sách đơn vị từ tệp CSV/XLSX (base64), tất cả hoặc không, cập nhật theo mã',
          body: ImportBody,
          response: { 200: ImportView },
        },
      },
      async (request) =>
        org.importUnits(request.ctx, {
          format: request.body.format,
          data: Buffer.from(request.body.content, 'base64'),
          dryRun: request.body.dryRun,
        }),
    );

    app.get(
      '/export',
      {
        config: { permission: 'org.read' },
        schema: {
          tags,
          summary: 'Xuất danh sách đơn vị ra CSV (UTF-8 có BOM) hoặc XLSX',
          querystring: ExportQuery,
        },
      },
      async (request, reply) => {
        const file = await org.exportUnits(request.ctx, { format: request.query.format });
        reply
          .header('content-type', file.contentType)
          .header('content-disposition', `attachment; filename="${file.filename}"`)
          .header('cache-control', 'no-store');
        return file.body;
      },
    );
  };
}

function presentHistory(h: UnitHistory): Static<typeof HistoryView> {
  return { ...h, events: h.events.map((e) => ({ ...e, recordedAt: e.recordedAt.toISOString() })) };
}
