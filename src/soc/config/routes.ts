/**
 * @module soc/config/routes
 * HTTP of the SIEM configuration under `/api/soc`: export as a JSON file, import (or preview) one.
 */
import type { App } from '../../core/http/types.ts';
import { ImportQuery, ImportResult, SocConfigDocument } from './schema.ts';
import type { ConfigService } from './service.ts';

const tags = ['soc-config'];
const permission = 'soc.config.write';
/** The document's largest form fits: 100,000 sources (the schema's maximum) are about 20 MB of JSON. */
const MAX_IMPORT_BYTES = 32 * 1024 * 1024;

/** The configuration routes (register under `/api/soc`). */
export function configRoutes(svc: ConfigService) {
  return async (app: App) => {
    app.get(
      '/config/export',
      {
        config: { permission },
        schema: {
          tags,
          summary:
            'Xuất cấu hình SIEM ra tệp JSON: đầu vào, luồng xử lý của người vận hành, hệ thống thông tin và dải IP, thiết lập nguồn (SOC-16)',
          response: { 200: SocConfigDocument },
        },
      },
      async (request, reply) => {
        const doc = await svc.exportConfig(request.ctx);
        const day = doc.exportedAt.slice(0, 10).replaceAll('-', '');
        reply.header('content-disposition', `attachment; filename="tinhso-soc-config-${day}.json"`);
        return doc;
      },
    );

    app.post(
      '/config/import',
      {
        config: { permission },
        bodyLimit: MAX_IMPORT_BYTES,
        schema: {
          tags,
          summary:
            'Nhập cấu hình SIEM từ tệp đã xuất: thêm và sửa, không xóa; dryRun=true chỉ xem trước các thay đổi',
          querystring: ImportQuery,
          body: SocConfigDocument,
          response: { 200: ImportResult },
        },
      },
      async (request) =>
        svc.importConfig(request.ctx, request.body, { dryRun: request.query.dryRun ?? false }),
    );
  };
}
