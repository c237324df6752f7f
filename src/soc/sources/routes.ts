/**
 * @module soc/sources/routes
 * HTTP of the sources part under `/api/soc`: information systems, the source inventory, public IP ranges and
 * silence alerts. Each route is a schema, a declared permission (enforced by the IAM gate) and one service
 * call; row scope is enforced by the service.
 */
import { Type } from 'typebox';
import type { App } from '../../core/http/types.ts';
import {
  AlertQuery,
  AlertView,
  CreateRangeBody,
  CreateSystemBody,
  IdParams,
  RangePage,
  RangeQuery,
  RangeView,
  SourcePage,
  SourceQuery,
  SourceView,
  SystemPage,
  SystemQuery,
  SystemView,
  UpdateRangeBody,
  UpdateSourceBody,
  UpdateSystemBody,
} from './schema.ts';
import type { SourcesService } from './service.ts';

const tags = ['soc-sources'];
const read = { permission: 'soc.sources.read' };
const write = { permission: 'soc.sources.write' };

/** Registers the sources routes (call inside the `/api/soc` prefix). */
export async function sourcesRoutes(app: App, svc: SourcesService): Promise<void> {
  // ------------------------------------------------------------ sources (static paths before :id)

  app.get(
    '/sources',
    {
      config: read,
      schema: {
        tags,
        summary:
          'Nguồn nhật ký (máy chủ, thiết bị mạng, tác tử, cảm biến, ứng dụng) trong phạm vi; lọc, tìm không dấu',
        querystring: SourceQuery,
        response: { 200: SourcePage },
      },
    },
    async (request) => svc.listSources(request.ctx, request.query),
  );

  app.get(
    '/sources/alerts',
    {
      config: read,
      schema: {
        tags,
        summary: 'Cảnh báo nguồn ngừng gửi: đang mở và gần đây (SOC-25)',
        querystring: AlertQuery,
        response: { 200: Type.Array(AlertView) },
      },
    },
    async (request) => svc.listAlerts(request.ctx, request.query),
  );

  app.get(
    '/sources/:id',
    {
      config: read,
      schema: { tags, summary: 'Chi tiết nguồn nhật ký', params: IdParams, response: { 200: SourceView } },
    },
    async (request) => svc.getSource(request.ctx, request.params.id),
  );

  app.patch(
    '/sources/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Sửa nguồn: tên, loại, đơn vị, hệ thống thông tin, chu kỳ gửi dự kiến, số ngày lưu giữ',
        params: IdParams,
        body: UpdateSourceBody,
        response: { 200: SourceView },
      },
    },
    async (request) => svc.updateSource(request.ctx, request.params.id, request.body),
  );

  // ------------------------------------------------------------ information systems

  app.get(
    '/systems',
    {
      config: read,
      schema: {
        tags,
        summary: 'Hệ thống thông tin (đối tượng giám sát, SOC-10) của các đơn vị trong phạm vi',
        querystring: SystemQuery,
        response: { 200: SystemPage },
      },
    },
    async (request) => svc.listSystems(request.ctx, request.query),
  );

  app.post(
    '/systems',
    {
      config: write,
      schema: {
        tags,
        summary: 'Đăng ký hệ thống thông tin với cấp độ theo Nghị định 85/2016/NĐ-CP',
        body: CreateSystemBody,
        response: { 201: SystemView },
      },
    },
    async (request, reply) => {
      const created = await svc.createSystem(request.ctx, request.body);
      reply.status(201);
      return created;
    },
  );

  app.get(
    '/systems/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Chi tiết hệ thống thông tin',
        params: IdParams,
        response: { 200: SystemView },
      },
    },
    async (request) => svc.getSystem(request.ctx, request.params.id),
  );

  app.patch(
    '/systems/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Sửa hệ thống thông tin',
        params: IdParams,
        body: UpdateSystemBody,
        response: { 200: SystemView },
      },
    },
    async (request) => svc.updateSystem(request.ctx, request.params.id, request.body),
  );

  app.delete(
    '/systems/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Xóa hệ thống thông tin (khi không còn dải IP; các nguồn gắn với nó được bỏ gắn)',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await svc.deleteSystem(request.ctx, request.params.id);
      reply.status(204);
      return null;
    },
  );

  // ------------------------------------------------------------ public IP ranges

  app.get(
    '/ip-ranges',
    {
      config: read,
      schema: {
        tags,
        summary: 'Dải IP công khai của các hệ thống (SOC-17), với các dải chồng lấn',
        querystring: RangeQuery,
        response: { 200: RangePage },
      },
    },
    async (request) => svc.listRanges(request.ctx, request.query),
  );

  app.post(
    '/ip-ranges',
    {
      config: write,
      schema: {
        tags,
        summary: 'Đăng ký dải IP công khai của một hệ thống thông tin (chuẩn hóa CIDR, báo chồng lấn)',
        body: CreateRangeBody,
        response: { 201: RangeView },
      },
    },
    async (request, reply) => {
      const created = await svc.createRange(request.ctx, request.body);
      reply.status(201);
      return created;
    },
  );

  app.get(
    '/ip-ranges/:id',
    {
      config: read,
      schema: { tags, summary: 'Chi tiết dải IP công khai', params: IdParams, response: { 200: RangeView } },
    },
    async (request) => svc.getRange(request.ctx, request.params.id),
  );

  app.patch(
    '/ip-ranges/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Sửa dải IP công khai',
        params: IdParams,
        body: UpdateRangeBody,
        response: { 200: RangeView },
      },
    },
    async (request) => svc.updateRange(request.ctx, request.params.id, request.body),
  );

  app.delete(
    '/ip-ranges/:id',
    {
      config: write,
      schema: { tags, summary: 'Xóa dải IP công khai', params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await svc.deleteRange(request.ctx, request.params.id);
      reply.status(204);
      return null;
    },
  );
}
