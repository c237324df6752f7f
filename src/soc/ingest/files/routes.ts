/**
 * @module soc/ingest/files/routes
 * HTTP of forensic imports under `/api/soc`. The upload's body is the file itself (any content type, sent
 * as is, e.g. `application/octet-stream`): no multipart parser, no base64 (which the org import uses for
 * small spreadsheets) and no buffering, so a file of a gigabyte streams to disk; the console sends it with
 * XMLHttpRequest for upload progress (web/src/components/FileUpload.tsx), then polls the job.
 *
 * Permission: `soc.events.read`. Importing a host's logs to search them is the incident responder's own
 * task, done by the analysts who search events, not by the administrators who operate the SIEM
 * (`soc.config.write`, admin-network only). Nothing else is granted by it: the events land under their own
 * input `file:<id>`, the job records who uploaded what, and start, cancel and end are audited.
 */
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { isAppError } from '../../../core/errors/index.ts';
import type { App } from '../../../core/http/types.ts';
import type { RequestedFormat } from './formats.ts';
import { IdParams, ImportListQuery, ImportPage, ImportView, UploadQuery } from './schema.ts';
import type { ImportService } from './service.ts';
import type { ImportState } from './tables.ts';

const tags = ['soc-imports'];
const permission = 'soc.events.read';

function declaredLength(request: FastifyRequest): number | null {
  const raw = request.headers['content-length'];
  const n = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** The import routes as a Fastify plugin (register under `/api/soc`). */
export function importRoutes(svc: ImportService) {
  return async (app: App) => {
    // The file's stream is kept aside, not made the request body: the platform's body checks walk a body
    // object, and a socket's object graph is no body to walk.
    const streams = new WeakMap<FastifyRequest, Readable>();
    await app.register(async (scope: App) => {
      // This context holds only the upload: its body is the file, handed over unread as a stream.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (request, payload, done) => {
        streams.set(request, payload);
        done(null, undefined);
      });
      scope.post(
        '/imports',
        {
          config: { permission },
          schema: {
            tags,
            summary:
              'Tải lên tệp nhật ký để nhập phục vụ điều tra (thân yêu cầu là nội dung tệp, có thể nén gzip); xử lý nền',
            querystring: UploadQuery,
            response: { 202: ImportView },
          },
        },
        async (request, reply) => {
          const encoding = request.headers['content-encoding'];
          try {
            const view = await svc.upload(request.ctx, streams.get(request) ?? request.raw, {
              fileName: request.query.name,
              format: request.query.format as RequestedFormat,
              gzip: request.query.gzip ?? (encoding === 'gzip' ? true : null),
              contentLength: declaredLength(request),
            });
            reply.status(202);
            return view;
          } catch (err) {
            // The rest of a refused body is not read: close the connection rather than drain it.
            if (isAppError(err, 'SOC_IMPORT_TOO_LARGE')) reply.header('connection', 'close');
            throw err;
          }
        },
      );
    });

    app.get(
      '/imports',
      {
        config: { permission },
        schema: {
          tags,
          summary: 'Các lượt nhập tệp: của mình và của các đơn vị trong phạm vi (mới nhất trước)',
          querystring: ImportListQuery,
          response: { 200: ImportPage },
        },
      },
      async (request) =>
        svc.list(request.ctx, { ...request.query, state: request.query.state as ImportState | undefined }),
    );

    app.get(
      '/imports/:id',
      {
        config: { permission },
        schema: {
          tags,
          summary: 'Tiến độ một lượt nhập tệp: byte đã đọc, sự kiện, dòng lỗi, tốc độ, thời gian còn lại',
          params: IdParams,
          response: { 200: ImportView },
        },
      },
      async (request) => svc.get(request.ctx, request.params.id),
    );

    app.post(
      '/imports/:id/cancel',
      {
        config: { permission },
        schema: {
          tags,
          summary: 'Hủy lượt nhập tệp (sự kiện đã nạp vẫn giữ, thuộc đầu vào file:<id>)',
          params: IdParams,
          response: { 200: ImportView },
        },
      },
      async (request) => svc.cancel(request.ctx, request.params.id),
    );
  };
}
