/**
 * @module soc/search/routes
 * HTTP of the event search under `/api/soc`: search, histogram, terms, field sidebar, one event, export, and
 * saved searches. Every route needs `soc.events.read`; the service applies the caller's units.
 */
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { writeCsv } from '../../core/files/spreadsheet.ts';
import type { App } from '../../core/http/types.ts';
import {
  EventParams,
  EventQuery,
  ExportBody,
  FieldsQuery,
  FieldsResult,
  HistogramBody,
  HistogramResult,
  Hit,
  IdParams,
  SavedSearchBody,
  SavedSearchView,
  SearchBody,
  SearchResult,
  TermsBody,
  TermsResult,
} from './schema.ts';
import type { SearchService } from './service.ts';
import type { EventRow } from './store.ts';

const tags = ['soc-search'];
const permission = 'soc.events.read';

/** CSV chunks through core/files (formula guarding, quoting); only the first chunk keeps the BOM. */
async function* csvChunks(
  svc: SearchService,
  pages: AsyncGenerator<EventRow[]>,
  columns: readonly string[],
): AsyncGenerator<string> {
  // '@timestamp' as a header would be formula-guarded (a leading '@'); the header names the field plainly.
  yield writeCsv([columns.map((c) => (c === '@timestamp' ? 'timestamp' : c))]);
  for await (const rows of pages) yield writeCsv(rows.map((r) => svc.csvRow(r, columns))).slice(1);
}

async function* ndjsonChunks(pages: AsyncGenerator<EventRow[]>): AsyncGenerator<string> {
  for await (const rows of pages) {
    yield rows
      .map((r) => `${JSON.stringify({ ts: r.ts, id: r.id, unitId: r.unitId, input: r.input, doc: r.doc })}\n`)
      .join('');
  }
}

/** The search routes as a Fastify plugin (registered under `/api/soc`). */
export function searchRoutes(svc: SearchService) {
  return async (app: App) => {
    app.post(
      '/search',
      {
        config: { permission },
        schema: {
          tags,
          summary:
            'Tìm sự kiện theo câu truy vấn (KQL/Lucene rút gọn) trong một khoảng thời gian, mới nhất trước',
          body: SearchBody,
          response: { 200: SearchResult },
        },
      },
      async (request) => svc.search(request.ctx, request.body),
    );

    app.post(
      '/search/histogram',
      {
        config: { permission },
        schema: {
          tags,
          summary:
            'Biểu đồ số sự kiện theo thời gian (tự chọn bước), có thể tách theo giá trị của một trường',
          body: HistogramBody,
          response: { 200: HistogramResult },
        },
      },
      async (request) => svc.histogram(request.ctx, request.body),
    );

    app.post(
      '/search/terms',
      {
        config: { permission },
        schema: {
          tags,
          summary: 'Các giá trị nhiều nhất của một trường (top-N) và số còn lại',
          body: TermsBody,
          response: { 200: TermsResult },
        },
      },
      async (request) => svc.terms(request.ctx, request.body),
    );

    app.get(
      '/search/fields',
      {
        config: { permission },
        schema: {
          tags,
          summary: 'Các trường có trong mẫu kết quả mới nhất và giá trị hay gặp (thanh trường bên)',
          querystring: FieldsQuery,
          response: { 200: FieldsResult },
        },
      },
      async (request) => svc.fields(request.ctx, request.query),
    );

    app.get(
      '/events/:id',
      {
        config: { permission },
        schema: {
          tags,
          summary: 'Chi tiết một sự kiện (địa chỉ: id và thời điểm ts)',
          params: EventParams,
          querystring: EventQuery,
          response: { 200: Hit },
        },
      },
      async (request) => svc.event(request.ctx, request.params.id, request.query.ts),
    );

    app.post(
      '/search/export',
      {
        config: { permission },
        schema: {
          tags,
          summary:
            'Xuất kết quả tìm kiếm ra CSV (chọn cột) hoặc NDJSON (cả sự kiện), truyền dần, có giới hạn dòng',
          body: ExportBody,
        },
      },
      async (request, reply) => {
        const body = request.body;
        const pages = await svc.startExport(request.ctx, body);
        const stamp = new Date().toISOString().slice(0, 10);
        reply.header('content-disposition', `attachment; filename="su-kien-${stamp}.${body.format}"`);
        if (body.format === 'csv') {
          reply.type('text/csv; charset=utf-8');
          return reply.send(Readable.from(csvChunks(svc, pages, body.columns)));
        }
        reply.type('application/x-ndjson; charset=utf-8');
        return reply.send(Readable.from(ndjsonChunks(pages)));
      },
    );

    // ------------------------------------------------------------ saved searches

    app.get(
      '/saved-searches',
      {
        config: { permission },
        schema: {
          tags,
          summary: 'Tìm kiếm đã lưu của mình và tìm kiếm người khác dùng chung',
          response: { 200: Type.Object({ items: Type.Array(SavedSearchView) }) },
        },
      },
      async (request) => ({ items: await svc.listSaved(request.ctx) }),
    );

    app.get(
      '/saved-searches/:id',
      {
        config: { permission },
        schema: {
          tags,
          summary: 'Một tìm kiếm đã lưu',
          params: IdParams,
          response: { 200: SavedSearchView },
        },
      },
      async (request) => svc.getSaved(request.ctx, request.params.id),
    );

    app.post(
      '/saved-searches',
      {
        config: { permission },
        schema: {
          tags,
          summary: 'Lưu một tìm kiếm (shared: dùng chung cho người có quyền xem sự kiện)',
          body: SavedSearchBody,
          response: { 201: SavedSearchView },
        },
      },
      async (request, reply) => {
        const created = await svc.createSaved(request.ctx, request.body);
        reply.status(201);
        return created;
      },
    );

    app.put(
      '/saved-searches/:id',
      {
        config: { permission },
        schema: {
          tags,
          summary: 'Sửa tìm kiếm đã lưu của mình',
          params: IdParams,
          body: SavedSearchBody,
          response: { 200: SavedSearchView },
        },
      },
      async (request) => svc.updateSaved(request.ctx, request.params.id, request.body),
    );

    app.delete(
      '/saved-searches/:id',
      {
        config: { permission },
        schema: {
          tags,
          summary: 'Xóa tìm kiếm đã lưu của mình',
          params: IdParams,
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        await svc.deleteSaved(request.ctx, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
