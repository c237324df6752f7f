/**
 * @module soc/pipelines/routes
 * HTTP of the pipelines under `/api/soc`: the list (shipped and operator, with their YAML), operator
 * pipelines' create/replace/delete, and the simulator of the console's pipeline editor.
 */
import { Type } from 'typebox';
import type { App } from '../../core/http/types.ts';
import {
  CreatePipelineBody,
  IdParams,
  PipelineList,
  PipelineView,
  SimulateBody,
  SimulateResult,
  UpdatePipelineBody,
} from './schema.ts';
import type { PipelineAdmin } from './service.ts';

const tags = ['soc-pipelines'];

/** The pipelines routes as a Fastify plugin (registered under `/api/soc`). */
export function pipelineRoutes(svc: PipelineAdmin) {
  return async (app: App) => {
    app.get(
      '/pipelines',
      {
        config: { permission: 'soc.events.read' },
        schema: {
          tags,
          summary: 'Luồng xử lý nhật ký: có sẵn và của người vận hành, kèm nội dung YAML',
          response: { 200: PipelineList },
        },
      },
      async (request) => svc.list(request.ctx),
    );

    app.post(
      '/pipelines',
      {
        config: { permission: 'soc.config.write' },
        schema: {
          tags,
          summary: 'Thêm luồng xử lý (YAML); cùng mã với luồng có sẵn thì thay thế luồng đó',
          body: CreatePipelineBody,
          response: { 201: PipelineView },
        },
      },
      async (request, reply) => {
        const created = await svc.create(request.ctx, request.body);
        reply.status(201);
        return created;
      },
    );

    app.put(
      '/pipelines/:id',
      {
        config: { permission: 'soc.config.write' },
        schema: {
          tags,
          summary: 'Sửa luồng xử lý của người vận hành (nội dung YAML, bật/tắt)',
          params: IdParams,
          body: UpdatePipelineBody,
          response: { 200: PipelineView },
        },
      },
      async (request) => svc.update(request.ctx, request.params.id, request.body),
    );

    app.delete(
      '/pipelines/:id',
      {
        config: { permission: 'soc.config.write' },
        schema: {
          tags,
          summary: 'Xóa luồng xử lý của người vận hành (luồng có sẵn cùng mã được dùng lại)',
          params: IdParams,
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        await svc.remove(request.ctx, request.params.id);
        reply.status(204);
        return null;
      },
    );

    app.post(
      '/pipelines/simulate',
      {
        config: { permission: 'soc.events.read' },
        schema: {
          tags,
          summary: 'Chạy thử một luồng xử lý (nội dung YAML hoặc mã) trên các dòng/tài liệu mẫu',
          body: SimulateBody,
          response: { 200: SimulateResult },
        },
      },
      async (request) => svc.simulate(request.ctx, request.body),
    );
  };
}
