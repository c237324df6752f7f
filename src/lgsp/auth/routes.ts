/**
 * @module lgsp/auth/routes
 * `POST /api/lgsp/auth/sessions` (Article 10 steps 1-2) and `POST /api/lgsp/auth/introspect` (steps 4-5).
 * Both are authenticated by the caller's signature, not by a session, hence `auth: 'public'`; the signature
 * covers the SHA-256 of the body, so these routes parse JSON themselves from the raw bytes (at most 64 KB).
 */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { EMPTY_SHA256, receivedHeaders, sha256Hex, splitTarget } from '../../../sdk/src/canonical.ts';
import type { Ctx } from '../../core/context.ts';
import { isAppError } from '../../core/errors/index.ts';
import type { App } from '../../core/http/types.ts';
import type { Platform } from '../../core/platform.ts';
import type { AppCredential, SignedRequestParts, VerifiedCaller } from '../contracts.ts';
import { AuditBatcher } from './audit-batch.ts';
import { type AuthCore, applicationCtx } from './service.ts';

/** Largest body of the authentication routes. */
export const AUTH_BODY_LIMIT = 65_536;

const tags = ['lgsp'];
const Method = Type.String({ pattern: '^[A-Za-z]{1,16}$', examples: ['GET'] });
const Operations = Type.Array(
  Type.Union(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((m) => Type.Literal(m))),
  {
    maxItems: 7,
    uniqueItems: true,
  },
);
const ErrorCode = Type.String({ description: 'Mã lỗi (docs/lgsp/signing.md)' });

const SessionBody = Type.Object(
  {
    unitCode: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Mã định danh đơn vị đích (QCVN 102:2016)',
    }),
    service: Type.String({ minLength: 1, maxLength: 64, description: 'Mã dịch vụ đích' }),
    operations: Type.Optional(Operations),
  },
  { additionalProperties: false },
);

const SessionAnswer = Type.Object({
  sessionKey: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  destination: Type.Object({
    unitCode: Type.String(),
    service: Type.String(),
    name: Type.String(),
    protocol: Type.String(),
    gatewayPath: Type.String(),
  }),
  operations: Type.Array(Type.String()),
});

const IntrospectBody = Type.Object(
  {
    sessionKey: Type.String({ minLength: 1, maxLength: 4096 }),
    request: Type.Object(
      {
        method: Method,
        path: Type.String({ minLength: 1, maxLength: 8192 }),
        query: Type.Optional(Type.String({ maxLength: 8192 })),
        headers: Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 8192 }), {
          maxProperties: 200,
        }),
        bodySha256: Type.String({
          pattern: '^[0-9a-fA-F]{64}$',
          description: 'SHA-256 (hex) của nội dung dịch vụ đích nhận được',
          examples: [EMPTY_SHA256],
        }),
        remoteIp: Type.Optional(Type.String({ maxLength: 64, description: 'Địa chỉ của nguồn, nếu biết' })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const IntrospectAnswer = Type.Object({
  active: Type.Boolean(),
  code: Type.Optional(ErrorCode),
  message: Type.Optional(Type.String()),
  source: Type.Optional(
    Type.Object({ unitCode: Type.String(), applicationCode: Type.String(), applicationName: Type.String() }),
  ),
  operations: Type.Optional(Type.Array(Type.String())),
  expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
});

/** Registers the authentication routes on `app` (mounted at `/api/lgsp/auth`). */
export function authRoutes(core: AuthCore, platform: Platform) {
  return async (app: App) => {
    // The signature covers the body's digest: keep the bytes as received. This context is encapsulated
    // (src/lgsp/index.ts registers it on its own), so the platform's JSON parser elsewhere is untouched.
    const rawBodies = new WeakMap<FastifyRequest, Buffer>();
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: AUTH_BODY_LIMIT },
      (request: FastifyRequest, body: Buffer | string, done: (err: Error | null, body?: unknown) => void) => {
        const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
        rawBodies.set(request, bytes);
        try {
          done(null, JSON.parse(bytes.toString('utf8')));
        } catch (err) {
          // problem.ts maps a SyntaxError with status 400 to MALFORMED_REQUEST.
          (err as Error & { statusCode?: number }).statusCode = 400;
          done(err as Error);
        }
      },
    );

    const partsOf = (request: FastifyRequest): SignedRequestParts => {
      const { path, query } = splitTarget(request.raw.url ?? request.url);
      return {
        method: request.method,
        path,
        query,
        headers: receivedHeaders(request.raw),
        remoteIp: request.ip,
      };
    };
    const digestOf = (request: FastifyRequest) => sha256Hex(rawBodies.get(request) ?? Buffer.alloc(0));

    const audits = new AuditBatcher(platform.db);
    /** Audit entry of an authentication decision (LGSP-33); the reason code is always recorded. */
    const record = (
      ctx: Ctx,
      credential: AppCredential | null,
      action: string,
      description: string,
      outcome: 'success' | 'failure',
      details: Record<string, unknown>,
    ) =>
      audits.write(
        applicationCtx(ctx, credential),
        {
          category: 'lgsp',
          action,
          description,
          outcome,
          severity: outcome === 'success' ? 'info' : 'notice',
          unitId: credential?.unitId ?? null,
          target: credential ? { type: 'lgsp_application', id: credential.applicationId } : undefined,
          details,
        },
        platform.now(),
      );

    app.post(
      '/sessions',
      {
        config: { auth: 'public' },
        bodyLimit: AUTH_BODY_LIMIT,
        schema: {
          tags,
          summary:
            'Xin khóa phiên truy xuất dịch vụ đích (Điều 10, bước 1-2; yêu cầu được ký bởi dịch vụ nguồn)',
          body: SessionBody,
          response: { 201: SessionAnswer },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const asked = { unitCode: body.unitCode, service: body.service };
        let credential: AppCredential | null = null;
        try {
          const caller = await core.verify(partsOf(request), { bodySha256: digestOf(request) });
          credential = caller.credential;
          const issued = await core.issueSession(caller, body);
          await record(
            request.ctx,
            credential,
            'lgsp.auth.session.issue',
            `Cấp khóa phiên cho ứng dụng ${credential.applicationCode} truy xuất dịch vụ ${issued.service.serviceCode} của đơn vị ${issued.service.unitCode}`,
            'success',
            {
              ...asked,
              accessKey: credential.accessKey,
              sessionId: issued.claims.sessionId,
              operations: issued.claims.operations,
              algorithm: caller.algorithm,
              skewSeconds: caller.skewSeconds,
            },
          );
          reply.code(201);
          return {
            sessionKey: issued.sessionKey,
            expiresAt: issued.claims.expiresAt.toISOString(),
            destination: {
              unitCode: issued.service.unitCode,
              service: issued.service.serviceCode,
              name: issued.service.name,
              protocol: issued.service.protocol,
              gatewayPath: `/${issued.service.unitCode}/${issued.service.serviceCode}`,
            },
            operations: [...issued.claims.operations],
          };
        } catch (err) {
          if (isAppError(err)) {
            await record(
              request.ctx,
              credential,
              'lgsp.auth.session.deny',
              `Từ chối cấp khóa phiên (${err.code})`,
              'failure',
              { ...asked, code: err.code, accessKey: headerText(request, 'x-lgsp-access-key') },
            );
          }
          throw err;
        }
      },
    );

    app.post(
      '/introspect',
      {
        config: { auth: 'public' },
        bodyLimit: AUTH_BODY_LIMIT,
        schema: {
          tags,
          summary:
            'Dịch vụ đích xác thực yêu cầu nhận được (Điều 10, bước 4-5; yêu cầu được ký bởi dịch vụ đích)',
          body: IntrospectBody,
          response: { 200: IntrospectAnswer },
        },
      },
      async (request) => {
        let caller: VerifiedCaller;
        try {
          caller = await core.verify(partsOf(request), { bodySha256: digestOf(request) });
        } catch (err) {
          if (isAppError(err)) {
            await record(
              request.ctx,
              null,
              'lgsp.auth.introspect',
              `Từ chối yêu cầu xác thực của dịch vụ đích (${err.code})`,
              'failure',
              { code: err.code, accessKey: headerText(request, 'x-lgsp-access-key'), stage: 'destination' },
            );
          }
          throw err;
        }
        const destination = caller.credential;
        const body = request.body;
        try {
          const found = await core.introspect(caller, body.sessionKey, body.request);
          await record(
            request.ctx,
            destination,
            'lgsp.auth.introspect',
            `Xác thực yêu cầu của ứng dụng ${found.source.applicationCode} tới dịch vụ ${found.service.serviceCode}: hợp lệ`,
            'success',
            {
              code: null,
              sessionId: found.claims.sessionId,
              sourceApplicationCode: found.source.applicationCode,
              service: found.service.serviceCode,
              method: body.request.method.toUpperCase(),
            },
          );
          return {
            active: true,
            source: {
              unitCode: found.source.unitCode,
              applicationCode: found.source.applicationCode,
              applicationName: found.source.applicationName,
            },
            operations: [...found.claims.operations],
            expiresAt: found.claims.expiresAt.toISOString(),
          };
        } catch (err) {
          if (!isAppError(err)) throw err;
          await record(
            request.ctx,
            destination,
            'lgsp.auth.introspect',
            `Xác thực yêu cầu tới dịch vụ đích: không hợp lệ (${err.code})`,
            'failure',
            { code: err.code, method: body.request.method.toUpperCase(), stage: 'source' },
          );
          return { active: false, code: err.code, message: err.localized(request.ctx.lang) };
        }
      },
    );
  };
}

/** One header as text (for audit details; never a secret). */
function headerText(request: FastifyRequest, name: string): string | null {
  const v = request.headers[name];
  return typeof v === 'string' ? v.slice(0, 256) : null;
}
