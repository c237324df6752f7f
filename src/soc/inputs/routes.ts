/**
 * @module soc/inputs/routes
 * HTTP of the input registry under `/api/soc`: list (with state and totals), start, stop, settings.
 */
import type { App } from '../../core/http/types.ts';
import { InputIdParams, InputList, InputView, UpdateInputBody } from './schema.ts';
import type { InputService } from './service.ts';

const tags = ['soc-inputs'];

/** The input routes (register under `/api/soc`). */
export function inputRoutes(svc: InputService) {
  return async (app: App) => {
    app.get(
      '/inputs',
      {
        config: { permission: 'soc.sources.read' },
        schema: {
          tags,
          summary:
            'Đầu vào SIEM: trạng thái bật/tắt, đang chạy trên máy chủ này, địa chỉ nghe, số sự kiện, byte, bị bỏ',
          response: { 200: InputList },
        },
      },
      async (request) => ({ items: await svc.list(request.ctx) }),
    );

    app.post(
      '/inputs/:id/start',
      {
        config: { permission: 'soc.config.write' },
        schema: {
          tags,
          summary: 'Bật một đầu vào trên mọi máy chủ (SOC-16)',
          params: InputIdParams,
          response: { 200: InputView },
        },
      },
      async (request) => svc.start(request.ctx, request.params.id),
    );

    app.post(
      '/inputs/:id/stop',
      {
        config: { permission: 'soc.config.write' },
        schema: {
          tags,
          summary: 'Tắt một đầu vào trên mọi máy chủ (SOC-16)',
          params: InputIdParams,
          response: { 200: InputView },
        },
      },
      async (request) => svc.stop(request.ctx, request.params.id),
    );

    app.patch(
      '/inputs/:id',
      {
        config: { permission: 'soc.config.write' },
        schema: {
          tags,
          summary: 'Sửa thiết lập của đầu vào: bảng mã, cổng, địa chỉ nghe, số kết nối tối đa',
          params: InputIdParams,
          body: UpdateInputBody,
          response: { 200: InputView },
        },
      },
      async (request) => svc.update(request.ctx, request.params.id, request.body),
    );
  };
}
