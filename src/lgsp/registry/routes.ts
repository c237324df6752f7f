/**
 * @module lgsp/registry/routes
 * HTTP of the registry under `/api/lgsp`: connected units, applications, keys, services, rights and
 * the directory. Each route is a schema, a declared permission (enforced by the IAM gate) and one
 * service call; row scope is enforced by the service.
 */
import { Type } from 'typebox';
import type { App } from '../../core/http/types.ts';
import {
  AccessKeyParams,
  ApplicationPage,
  ApplicationQuery,
  ApplicationView,
  ConnectedUnitPage,
  ConnectedUnitQuery,
  CreateApplicationBody,
  CreateServiceBody,
  DirectoryQuery,
  DirectoryView,
  IdParams,
  IssuedKeyView,
  KeyView,
  MatrixQuery,
  MatrixView,
  PublicKeyBody,
  RevokeBody,
  RightHistoryPage,
  RightPage,
  RightParams,
  RightQuery,
  RightView,
  RotateBody,
  ServicePage,
  ServiceQuery,
  ServiceView,
  SetRightBody,
  StatusBody,
  UpdateApplicationBody,
  UpdateServiceBody,
} from './schema.ts';
import type { RegistryService } from './service.ts';

const tags = ['lgsp-registry'];

/** The registry routes as a Fastify plugin (register under `/api/lgsp`). */
export function registryRoutes(svc: RegistryService) {
  return async (app: App) => {
    app.get(
      '/units',
      {
        config: { permission: 'lgsp.registry.read' },
        schema: {
          tags,
          summary:
            'Danh sách đơn vị kết nối (có ít nhất một ứng dụng), số ứng dụng, dịch vụ, khóa; kết nối từ khi nào',
          querystring: ConnectedUnitQuery,
          response: { 200: ConnectedUnitPage },
        },
      },
      async (request) => svc.connectedUnits(request.ctx, request.query),
    );

    // ------------------------------------------------------------ applications

    app.get(
      '/applications',
      {
        config: { permission: 'lgsp.registry.read' },
        schema: {
          tags,
          summary: 'Ứng dụng kết nối của các đơn vị trong phạm vi (tìm không dấu theo tên, mã)',
          querystring: ApplicationQuery,
          response: { 200: ApplicationPage },
        },
      },
      async (request) => svc.listApplications(request.ctx, request.query),
    );

    app.post(
      '/applications',
      {
        config: { permission: 'lgsp.registry.write' },
        schema: {
          tags,
          summary: 'Đăng ký ứng dụng kết nối của một đơn vị (LGSP-21)',
          body: CreateApplicationBody,
          response: { 201: ApplicationView },
        },
      },
      async (request, reply) => {
        const created = await svc.createApplication(request.ctx, request.body);
        reply.status(201);
        return created;
      },
    );

    app.get(
      '/applications/:id',
      {
        config: { permission: 'lgsp.registry.read' },
        schema: {
          tags,
          summary: 'Chi tiết ứng dụng kết nối',
          params: IdParams,
          response: { 200: ApplicationView },
        },
      },
      async (request) => svc.getApplication(request.ctx, request.params.id),
    );

    app.patch(
      '/applications/:id',
      {
        config: { permission: 'lgsp.registry.write' },
        schema: {
          tags,
          summary: 'Sửa ứng dụng: tên, mô tả, thuật toán, mạng được phép, giới hạn, liên hệ',
          params: IdParams,
          body: UpdateApplicationBody,
          response: { 200: ApplicationView },
        },
      },
      async (request) => svc.updateApplication(request.ctx, request.params.id, request.body),
    );

    app.post(
      '/applications/:id/suspend',
      {
        config: { permission: 'lgsp.registry.write' },
        schema: {
          tags,
          summary: 'Tạm dừng ứng dụng (mọi lời gọi bị từ chối; khóa giữ nguyên)',
          params: IdParams,
          body: StatusBody,
          response: { 200: ApplicationView },
        },
      },
      async (request) =>
        svc.setApplicationStatus(request.ctx, request.params.id, {
          active: false,
          reason: request.body.reason,
        }),
    );

    app.post(
      '/applications/:id/resume',
      {
        config: { permission: 'lgsp.registry.write' },
        schema: {
          tags,
          summary: 'Cho ứng dụng hoạt động trở lại',
          params: IdParams,
          body: StatusBody,
          response: { 200: ApplicationView },
        },
      },
      async (request) =>
        svc.setApplicationStatus(request.ctx, request.params.id, {
          active: true,
          reason: request.body.reason,
        }),
    );

    // ------------------------------------------------------------ keys

    app.get(
      '/applications/:id/keys',
      {
        config: { permission: 'lgsp.registry.read' },
        schema: {
          tags,
          summary: 'Các khóa truy xuất của ứng dụng (không bao giờ có khóa bí mật)',
          params: IdParams,
          response: { 200: Type.Array(KeyView) },
        },
      },
      async (request) => svc.listKeys(request.ctx, request.params.id),
    );

    app.post(
      '/applications/:id/keys',
      {
        config: { permission: 'lgsp.keys.write' },
        schema: {
          tags,
          summary: 'Cấp cặp khóa truy xuất / khóa bí mật (HMAC) lần đầu; khóa bí mật chỉ hiện một lần',
          params: IdParams,
          response: { 201: IssuedKeyView },
        },
      },
      async (request, reply) => {
        const issued = await svc.issueKey(request.ctx, request.params.id);
        reply.status(201).header('cache-control', 'no-store');
        return issued;
      },
    );

    app.post(
      '/applications/:id/keys/rotate',
      {
        config: { permission: 'lgsp.keys.write' },
        schema: {
          tags,
          summary: 'Đổi cặp khóa (HMAC): khóa cũ còn dùng được trong thời gian chuyển tiếp rồi hết hạn',
          params: IdParams,
          body: RotateBody,
          response: { 201: IssuedKeyView },
        },
      },
      async (request, reply) => {
        const issued = await svc.rotateKey(request.ctx, request.params.id, request.body);
        reply.status(201).header('cache-control', 'no-store');
        return issued;
      },
    );

    app.post(
      '/applications/:id/public-key',
      {
        config: { permission: 'lgsp.keys.write' },
        schema: {
          tags,
          summary:
            'Đăng ký khóa công khai RSA hoặc chứng thư số X.509 (≥ 2048 bit, còn hiệu lực); cấp khóa truy xuất',
          params: IdParams,
          body: PublicKeyBody,
          response: { 201: IssuedKeyView },
        },
      },
      async (request, reply) => {
        const issued = await svc.registerPublicKey(request.ctx, request.params.id, request.body);
        reply.status(201);
        return issued;
      },
    );

    app.post(
      '/keys/:accessKey/revoke',
      {
        config: { permission: 'lgsp.keys.write' },
        schema: {
          tags,
          summary: 'Thu hồi khóa truy xuất ngay lập tức (trên mọi máy chủ)',
          params: AccessKeyParams,
          body: RevokeBody,
          response: { 200: KeyView },
        },
      },
      async (request) => svc.revokeKey(request.ctx, request.params.accessKey, request.body),
    );

    // ------------------------------------------------------------ services

    app.get(
      '/services',
      {
        config: { permission: 'lgsp.registry.read' },
        schema: {
          tags,
          summary: 'Dịch vụ do ứng dụng các đơn vị trong phạm vi cung cấp',
          querystring: ServiceQuery,
          response: { 200: ServicePage },
        },
      },
      async (request) => svc.listServices(request.ctx, request.query),
    );

    app.post(
      '/services',
      {
        config: { permission: 'lgsp.registry.write' },
        schema: {
          tags,
          summary: 'Đăng ký dịch vụ (đơn vị đích) do một ứng dụng cung cấp',
          body: CreateServiceBody,
          response: { 201: ServiceView },
        },
      },
      async (request, reply) => {
        const created = await svc.createService(request.ctx, request.body);
        reply.status(201);
        return created;
      },
    );

    app.get(
      '/services/:id',
      {
        config: { permission: 'lgsp.registry.read' },
        schema: { tags, summary: 'Chi tiết dịch vụ', params: IdParams, response: { 200: ServiceView } },
      },
      async (request) => svc.getService(request.ctx, request.params.id),
    );

    app.patch(
      '/services/:id',
      {
        config: { permission: 'lgsp.registry.write' },
        schema: {
          tags,
          summary: 'Sửa dịch vụ; active=false ngừng dịch vụ',
          params: IdParams,
          body: UpdateServiceBody,
          response: { 200: ServiceView },
        },
      },
      async (request) => svc.updateService(request.ctx, request.params.id, request.body),
    );

    // ------------------------------------------------------------ rights

    app.get(
      '/rights',
      {
        config: { permission: 'lgsp.registry.read' },
        schema: {
          tags,
          summary: 'Quyền truy xuất: ứng dụng nào được gọi dịch vụ nào, thao tác nào',
          querystring: RightQuery,
          response: { 200: RightPage },
        },
      },
      async (request) => svc.listRights(request.ctx, request.query),
    );

    app.get(
      '/rights/history',
      {
        config: { permission: 'lgsp.registry.read' },
        schema: {
          tags,
          summary: 'Lịch sử cấp, đổi, thu hồi quyền (ai, khi nào, thay đổi gì, lý do)',
          querystring: RightQuery,
          response: { 200: RightHistoryPage },
        },
      },
      async (request) => svc.rightsHistory(request.ctx, request.query),
    );

    app.get(
      '/rights/matrix',
      {
        config: { permission: 'lgsp.registry.read' },
        schema: {
          tags,
          summary: 'Ma trận quyền: ứng dụng × dịch vụ với các thao tác, lọc theo đơn vị',
          querystring: MatrixQuery,
          response: { 200: MatrixView },
        },
      },
      async (request) => svc.rightsMatrix(request.ctx, request.query),
    );

    app.put(
      '/rights/:applicationId/:serviceId',
      {
        config: { permission: 'lgsp.rights.write' },
        schema: {
          tags,
          summary: 'Cấp hoặc đổi quyền của ứng dụng trên dịch vụ của đơn vị mình',
          params: RightParams,
          body: SetRightBody,
          response: { 200: RightView },
        },
      },
      async (request) =>
        svc.setRight(request.ctx, request.params.applicationId, request.params.serviceId, request.body),
    );

    app.delete(
      '/rights/:applicationId/:serviceId',
      {
        config: { permission: 'lgsp.rights.write' },
        schema: {
          tags,
          summary: 'Thu hồi quyền (cần lý do)',
          params: RightParams,
          body: RevokeBody,
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        await svc.revokeRight(
          request.ctx,
          request.params.applicationId,
          request.params.serviceId,
          request.body,
        );
        reply.status(204);
        return null;
      },
    );

    // ------------------------------------------------------------ directory

    app.get(
      '/directory',
      {
        config: { permission: 'lgsp.registry.read' },
        schema: {
          tags,
          summary:
            'Tra cứu đơn vị đích (LGSP-13): theo mã đơn vị (cả mã cũ), tên đơn vị, tên dịch vụ (không dấu), loại dữ liệu',
          querystring: DirectoryQuery,
          response: { 200: DirectoryView },
        },
      },
      async (request) => svc.directory(request.ctx, request.query),
    );
  };
}
