/**
 * @module soc/ingest/tokens/routes
 * HTTP of the ingest tokens under `/api/soc`: create (the secret is shown once), list, revoke.
 */
import { Type } from 'typebox';
import type { App } from '../../../core/http/types.ts';
import type { TokenService } from './service.ts';

const tags = ['soc-ingest'];

const TokenView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  unitId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  prefix: Type.String({ description: 'First characters of the secret, to recognise it in a configuration' }),
  createdAt: Type.String({ format: 'date-time' }),
  createdByName: Type.String(),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Written in batches: may lag by up to a minute',
  }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const IssuedTokenView = Type.Intersect([
  TokenView,
  Type.Object({
    token: Type.String({ description: 'Authorization: Bearer <token>' }),
    apiKey: Type.String({ description: 'Beats output.elasticsearch.api_key ("id:secret")' }),
    username: Type.String({ description: 'Basic authentication user (Logstash, Fluent Bit, Vector)' }),
    password: Type.String({ description: 'Basic authentication password' }),
  }),
]);

const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    unitId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** The token routes (register under `/api/soc`). */
export function tokenRoutes(svc: TokenService) {
  return async (app: App) => {
    app.post(
      '/ingest-tokens',
      {
        config: { permission: 'soc.config.write' },
        schema: {
          tags,
          summary:
            'Tạo mã nạp dữ liệu cho bộ gửi nhật ký (Beats, Logstash, Fluent Bit, Vector); chỉ hiện một lần',
          body: CreateBody,
          response: { 201: IssuedTokenView },
        },
      },
      async (request, reply) => {
        const issued = await svc.create(request.ctx, request.body);
        reply.status(201).header('cache-control', 'no-store');
        return issued;
      },
    );

    app.get(
      '/ingest-tokens',
      {
        config: { permission: 'soc.config.write' },
        schema: {
          tags,
          summary: 'Các mã nạp dữ liệu trong phạm vi (không bao giờ có khóa bí mật)',
          response: { 200: Type.Array(TokenView) },
        },
      },
      async (request) => svc.list(request.ctx),
    );

    app.post(
      '/ingest-tokens/:id/revoke',
      {
        config: { permission: 'soc.config.write' },
        schema: {
          tags,
          summary: 'Thu hồi mã nạp dữ liệu: mọi máy chủ từ chối nó ngay',
          params: IdParams,
          response: { 200: TokenView },
        },
      },
      async (request) => svc.revoke(request.ctx, request.params.id),
    );
  };
}
