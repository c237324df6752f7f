/**
 * @module iam/auth/routes
 * Login, TOTP, logout, the current user, password changes and API tokens.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../core/errors/index.ts';
import { isSecureRequest } from '../../core/http/server.ts';
import type { App } from '../../core/http/types.ts';
import { SESSION_COOKIE } from '../access/hook.ts';
import type { PolicyService } from '../policies/service.ts';
import type { AuthService } from './service.ts';

const tags = ['iam'];
const Password = Type.String({ minLength: 1, maxLength: 256 });
const Code = Type.String({ pattern: '^[0-9]{6}$' });
const Ok = Type.Object({ ok: Type.Boolean() });
const Lang = Type.Union([Type.Literal('vi'), Type.Literal('en')], { description: 'Ngôn ngữ giao diện' });
const Theme = Type.Union([Type.Literal('light'), Type.Literal('dark')], {
  description: 'Giao diện sáng/tối',
});

/** Auth routes under /api/iam. */
export function authRoutes(
  auth: AuthService,
  policies: PolicyService,
  options: { loginRateLimit: number; cookieSecure: 'auto' | 'always' },
) {
  /** The session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS (or always, when configured). */
  const setSessionCookie = (request: FastifyRequest, reply: FastifyReply, token: string) => {
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: options.cookieSecure === 'always' || isSecureRequest(request),
    });
  };
  return async (app: App) => {
    app.post(
      '/auth/login',
      {
        config: {
          auth: 'public',
          credentials: true,
          rateLimit: { max: options.loginRateLimit, timeWindow: 60_000 },
        },
        schema: {
          tags,
          summary: 'Đăng nhập',
          body: Type.Object(
            { username: Type.String({ minLength: 1, maxLength: 64 }), password: Password },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              stage: Type.String(),
              reason: Type.Optional(Type.String()),
              csrfToken: Type.String(),
              account: Type.Object({
                id: Type.String(),
                username: Type.String(),
                fullName: Type.String(),
                lang: Type.String(),
              }),
            }),
          },
        },
      },
      async (request, reply) => {
        const result = await auth.login(request.ctx, request.body, request.headers['user-agent'] ?? null);
        setSessionCookie(request, reply, result.sessionToken);
        return {
          stage: result.stage,
          reason: result.reason,
          csrfToken: result.csrfToken,
          account: result.account,
        };
      },
    );

    app.post(
      '/auth/totp',
      {
        config: {
          stages: ['totp'],
          credentials: true,
          rateLimit: { max: options.loginRateLimit, timeWindow: 60_000 },
        },
        schema: {
          tags,
          summary: 'Xác thực mã TOTP',
          body: Type.Object({ code: Code }, { additionalProperties: false }),
          response: { 200: Type.Object({ stage: Type.String(), csrfToken: Type.String() }) },
        },
      },
      async (request, reply) => {
        // The second step of a session login; a bearer token has no session to promote.
        if (!request.session) throw new AppError('IAM_FORBIDDEN');
        const next = await auth.verifyTotp(request.ctx, request.session, request.body.code);
        setSessionCookie(request, reply, next.sessionToken);
        return { stage: next.stage, csrfToken: next.csrfToken };
      },
    );

    app.post(
      '/auth/logout',
      {
        config: { stages: ['totp', 'password_change'] },
        schema: { tags, summary: 'Đăng xuất', response: { 200: Ok } },
      },
      async (request, reply) => {
        if (request.session) await auth.logout(request.ctx, request.session);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return { ok: true };
      },
    );

    app.get(
      '/auth/me',
      {
        config: { stages: ['totp', 'password_change'] },
        schema: {
          tags,
          summary: 'Người dùng hiện tại',
          response: {
            200: Type.Object({
              id: Type.Union([Type.String(), Type.Null()]),
              username: Type.String(),
              unitId: Type.Union([Type.String(), Type.Null()]),
              scope: Type.String(),
              permissions: Type.Array(Type.String()),
              stage: Type.String(),
              csrfToken: Type.Union([Type.String(), Type.Null()]),
              lang: Type.String(),
              idleTimeoutMinutes: Type.Integer(),
              fullName: Type.String(),
              theme: Theme,
              unitName: Type.Union([Type.String(), Type.Null()]),
              unitCode: Type.Union([Type.String(), Type.Null()]),
              passwordExpiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
                description: 'Khi mật khẩu hết hiệu lực theo chính sách; null khi chính sách không giới hạn',
              }),
            }),
          },
        },
      },
      async (request) => {
        const { actor } = request.ctx;
        const [profile, session] = await Promise.all([auth.profile(request.ctx), policies.session()]);
        return {
          id: actor.id,
          username: actor.name,
          unitId: actor.unitId,
          scope: actor.scope,
          permissions: [...actor.permissions].sort(),
          stage: request.session?.stage ?? 'full',
          csrfToken: request.session?.csrfToken ?? null,
          lang: request.ctx.lang,
          idleTimeoutMinutes: session.idleTimeoutMinutes,
          fullName: profile.fullName,
          theme: profile.theme,
          unitName: profile.unitName,
          unitCode: profile.unitCode,
          passwordExpiresAt: profile.passwordExpiresAt?.toISOString() ?? null,
        };
      },
    );

    app.patch(
      '/auth/me/preferences',
      {
        schema: {
          tags,
          summary: 'Lưu tùy chọn của người dùng: ngôn ngữ, giao diện sáng/tối',
          body: Type.Object(
            { lang: Type.Optional(Lang), theme: Type.Optional(Theme) },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: Type.Object({ lang: Lang, theme: Theme }, { additionalProperties: false }) },
        },
      },
      async (request) => auth.setPreferences(request.ctx, request.body),
    );

    app.post(
      '/auth/change-password',
      {
        config: { stages: ['password_change'], credentials: true },
        schema: {
          tags,
          summary: 'Đổi mật khẩu',
          body: Type.Object(
            { currentPassword: Password, newPassword: Password },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ ok: Type.Boolean(), csrfToken: Type.String() }) },
        },
      },
      async (request, reply) => {
        if (!request.session) throw new AppError('IAM_FORBIDDEN');
        const next = await auth.changePassword(
          request.ctx,
          request.session,
          request.body.currentPassword,
          request.body.newPassword,
        );
        setSessionCookie(request, reply, next.sessionToken);
        return { ok: true, csrfToken: next.csrfToken };
      },
    );

    app.post(
      '/auth/change-expired-password',
      {
        config: {
          auth: 'public',
          credentials: true,
          rateLimit: { max: options.loginRateLimit, timeWindow: 60_000 },
        },
        schema: {
          tags,
          summary: 'Đổi mật khẩu đã hết hiệu lực (mở khóa tài khoản)',
          body: Type.Object(
            {
              username: Type.String({ minLength: 1, maxLength: 64 }),
              currentPassword: Password,
              newPassword: Password,
            },
            { additionalProperties: false },
          ),
          response: { 200: Ok },
        },
      },
      async (request) => {
        await auth.changeExpiredPassword(request.ctx, request.body);
        return { ok: true };
      },
    );

    app.post(
      '/me/totp/setup',
      {
        config: { credentials: true },
        schema: {
          tags,
          summary: 'Bắt đầu đăng ký TOTP',
          response: { 200: Type.Object({ uri: Type.String(), secret: Type.String() }) },
        },
      },
      async (request) => auth.beginTotp(request.ctx),
    );
    app.post(
      '/me/totp/enable',
      {
        schema: {
          tags,
          summary: 'Bật TOTP',
          body: Type.Object({ code: Code }, { additionalProperties: false }),
          response: { 200: Ok },
        },
      },
      async (request) => {
        await auth.enableTotp(request.ctx, request.body.code);
        return { ok: true };
      },
    );

    const TokenView = Type.Object({
      id: Type.String(),
      name: Type.String(),
      prefix: Type.String(),
      permissions: Type.Union([Type.Array(Type.String()), Type.Null()]),
      createdAt: Type.String(),
      expiresAt: Type.Union([Type.String(), Type.Null()]),
      lastUsedAt: Type.Union([Type.String(), Type.Null()]),
      revokedAt: Type.Union([Type.String(), Type.Null()]),
    });
    app.get(
      '/me/tokens',
      { schema: { tags, summary: 'Mã truy cập API của tôi', response: { 200: Type.Array(TokenView) } } },
      async (request) => auth.listTokens(request.ctx),
    );
    app.post(
      '/me/tokens',
      {
        config: { credentials: true },
        schema: {
          tags,
          summary: 'Tạo mã truy cập API (hiển thị một lần)',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100 }),
              expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 730 })),
              permissions: Type.Optional(
                Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100, uniqueItems: true }),
              ),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              id: Type.String(),
              token: Type.String(),
              expiresAt: Type.Union([Type.String(), Type.Null()]),
            }),
          },
        },
      },
      async (request) => auth.createToken(request.ctx, request.body),
    );
    app.delete(
      '/me/tokens/:id',
      {
        schema: {
          tags,
          summary: 'Thu hồi mã truy cập API',
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
          response: { 200: Ok },
        },
      },
      async (request) => {
        await auth.revokeToken(request.ctx, request.params.id);
        return { ok: true };
      },
    );
  };
}
