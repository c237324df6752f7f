/**
 * @module lgsp/maintenance/routes
 * HTTP for maintenance notices, under `/api/lgsp`: operators announce and cancel windows; anyone who
 * follows LGSP lists them; agency systems read the upcoming ones without a session (`/maintenance/upcoming`).
 */
import { Type } from 'typebox';
import type { App } from '../../core/http/types.ts';
import type { MaintenanceService } from './service.ts';

const tags = ['lgsp'];
const Status = Type.Union([
  Type.Literal('scheduled'),
  Type.Literal('in_progress'),
  Type.Literal('finished'),
  Type.Literal('cancelled'),
]);
const PublicWindow = Type.Object({
  id: Type.String({ format: 'uuid' }),
  title: Type.String(),
  message: Type.String(),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  status: Status,
});
const WindowView = Type.Object({
  ...PublicWindow.properties,
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  cancelledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  cancelReason: Type.Union([Type.String(), Type.Null()]),
});
const ScheduleBody = Type.Object(
  {
    title: Type.String({ minLength: 3, maxLength: 150 }),
    message: Type.Optional(Type.String({ maxLength: 1500 })),
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
const CancelBody = Type.Object(
  { reason: Type.String({ minLength: 3, maxLength: 500 }) },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** The maintenance routes as a Fastify plugin (prefix `/api/lgsp`). */
export function maintenanceRoutes(maintenance: MaintenanceService) {
  return async (app: App) => {
    app.get(
      '/maintenance',
      {
        config: { permission: 'lgsp.registry.read' },
        schema: {
          tags,
          summary: 'Lịch bảo trì LGSP: các đợt chưa kết thúc (kể cả đã hủy) và 20 đợt gần nhất đã qua',
          response: { 200: Type.Object({ current: Type.Array(WindowView), past: Type.Array(WindowView) }) },
        },
      },
      async (request) => maintenance.list(request.ctx),
    );
    app.get(
      '/maintenance/upcoming',
      {
        // Agency systems poll this without an account: it carries no names and nothing about them.
        config: { auth: 'public' },
        schema: {
          tags,
          summary:
            'Các đợt bảo trì sắp tới và đang diễn ra, cho hệ thống của đơn vị kết nối (không cần đăng nhập)',
          response: { 200: Type.Array(PublicWindow) },
        },
      },
      async () => maintenance.upcoming(),
    );
    app.post(
      '/maintenance',
      {
        config: { permission: 'lgsp.registry.write' },
        schema: {
          tags,
          summary: 'Thông báo một đợt bảo trì; mọi tài khoản theo dõi LGSP được báo ngay và nhắc trước 1 giờ',
          body: ScheduleBody,
          response: { 201: WindowView },
        },
      },
      async (request, reply) => reply.code(201).send(await maintenance.schedule(request.ctx, request.body)),
    );
    app.post(
      '/maintenance/:id/cancel',
      {
        config: { permission: 'lgsp.registry.write' },
        schema: {
          tags,
          summary: 'Hủy một đợt bảo trì chưa kết thúc; những người đã được báo nhận thông báo hủy',
          params: IdParams,
          body: CancelBody,
          response: { 200: WindowView },
        },
      },
      async (request) => maintenance.cancel(request.ctx, request.params.id, request.body.reason),
    );
  };
}
