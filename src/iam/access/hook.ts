/**
 * @module iam/access/hook
 * The server-side gate every /api route passes (deny by default): authenticate by session cookie or
 * bearer token, enforce the session stage, the route's permission (SEC-08/09), the admin networks
 * (SEC-07) and CSRF for cookie-authenticated state changes.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors/index.ts';
import type { App } from '../../core/http/types.ts';
import type { AuthService, ResolvedSession } from '../auth/service.ts';
import { isAdminPermission } from '../permissions.ts';
import type { PolicyService } from '../policies/service.ts';

export const SESSION_COOKIE = 'tinhso_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The session behind a cookie-authenticated request. */
    session: ResolvedSession | null;
  }
  interface FastifyContextConfig {
    /** Session stages besides `full` that may call this route (password change, TOTP step, logout). */
    stages?: ('totp' | 'password_change')[];
  }
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Installs the gate on the root instance so it covers every module's routes. */
export function installAccessHook(app: App, auth: AuthService, policies: PolicyService): void {
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const config = request.routeOptions.config;
    const url = request.routeOptions.url ?? '';
    // Public operational endpoints marked admin (Prometheus /metrics) answer only the admin networks.
    if (config.admin && config.auth === 'public' && !(await policies.adminAllowed(request.ip))) {
      throw new AppError('IAM_ADMIN_NETWORK_DENIED', { ip: request.ip });
    }
    if (!url.startsWith('/api/') || url.startsWith('/api/docs') || config.auth === 'public') return;

    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const actor = await auth.resolveToken(header.slice(7).trim());
      request.ctx = { ...request.ctx, actor };
    } else {
      const token = request.cookies[SESSION_COOKIE];
      if (!token) throw new AppError('IAM_UNAUTHENTICATED');
      const session = await auth.resolveSession(token, request.ip);
      request.session = session;
      request.ctx = { ...request.ctx, actor: session.actor, lang: session.lang };
      if (session.stage !== 'full' && !config.stages?.includes(session.stage)) {
        throw session.stage === 'totp'
          ? new AppError('IAM_TOTP_REQUIRED')
          : new AppError('IAM_PASSWORD_CHANGE_REQUIRED', { reason: 'first login or password age' });
      }
      if (!SAFE_METHODS.has(request.method)) {
        const sent = request.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !sameToken(sent, session.csrfToken))
          throw new AppError('CSRF_TOKEN_INVALID');
      }
    }

    const permission = config.permission;
    if (permission && !request.ctx.actor.permissions.has(permission)) {
      throw new AppError('IAM_FORBIDDEN');
    }
    if (
      (config.admin || (permission && isAdminPermission(permission))) &&
      !(await policies.adminAllowed(request.ip))
    ) {
      throw new AppError('IAM_ADMIN_NETWORK_DENIED', { ip: request.ip });
    }
  });
}
