/**
 * @module iam
 * Identity and access management: accounts, roles and grants, policies, authentication, the access
 * gate on every route. Other modules use only what is exported here.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../core/context.ts';
import { AppError } from '../core/errors/index.ts';
import { postgresRateLimitStore } from '../core/http/rate-limit-store.ts';
import type { App } from '../core/http/types.ts';
import type { Platform } from '../core/platform.ts';
import { installAccessHook } from './access/hook.ts';
import { createAccountExport } from './accounts/export.ts';
import { accountRoutes } from './accounts/routes.ts';
import { type AccountSearchHit, createAccountService } from './accounts/service.ts';
import { authRoutes } from './auth/routes.ts';
import { createAuthService } from './auth/service.ts';
import { createBootstrap } from './bootstrap.ts';
import { isAdminPermission, type Permission } from './permissions.ts';
import { policyRoutes } from './policies/routes.ts';
import { createPolicyService } from './policies/service.ts';
import { roleRoutes } from './roles/routes.ts';
import { createRoleService } from './roles/service.ts';
import type { UnitDirectory } from './units.ts';

const ACCOUNT_READ: Permission = 'iam.account.read';

export { SESSION_COOKIE } from './access/hook.ts';
export type { AccountSearchHit, AccountService } from './accounts/service.ts';
export { activeHoldersCovering } from './accounts/store.ts';
export { autoLockNotice } from './auth/notices.ts';
export type { AuthService, AutoLockedAccount, Preferences, Profile } from './auth/service.ts';
export {
  allPermissions,
  builtinRoles,
  isAdminPermission,
  type Permission,
  permissions,
} from './permissions.ts';
export type { UnitDirectory } from './units.ts';

/** Creates the IAM services over the org module's unit directory. */
export function createIam(platform: Platform, units: UnitDirectory) {
  const policies = createPolicyService(platform);
  const roles = createRoleService(platform);
  const auth = createAuthService(platform, policies, units);
  const accounts = createAccountService(platform, units, auth);
  const bootstrap = createBootstrap(platform);
  return {
    policies,
    roles,
    accounts,
    auth,
    bootstrap,
    /**
     * The global search's account provider: `accounts.search` behind the checks the access gate makes for
     * the account list route (iam.account.read, and the admin networks, since that permission administers
     * the platform). Empty when they fail: the search shows other modules' results all the same.
     */
    async searchAccounts(ctx: Ctx, input: { q: string; limit?: number }): Promise<AccountSearchHit[]> {
      if (ctx.actor.kind !== 'system') {
        if (!ctx.actor.permissions.has(ACCOUNT_READ)) return [];
        if (isAdminPermission(ACCOUNT_READ) && !(ctx.ip && (await policies.adminAllowed(ctx.ip)))) return [];
      }
      return accounts.search(ctx, input);
    },
    /** Seeds the built-in roles; run at every start so they follow the code. */
    async init(): Promise<void> {
      await roles.ensureBuiltinRoles();
    },
    /** Installs the access gate on the root and registers the IAM routes under /api/iam. */
    async register(app: App): Promise<void> {
      await app.register(rateLimit, {
        global: false,
        store: postgresRateLimitStore(platform.db),
        errorResponseBuilder: (_request, context) =>
          new AppError('RATE_LIMITED', { retryAfter: Math.max(1, Math.ceil(context.ttl / 1000)) }),
      });
      installAccessHook(app, auth, policies);
      const options = {
        loginRateLimit: platform.config.http.loginRateLimit,
        cookieSecure: platform.config.security.cookieSecure,
      };
      await app.register(
        async (iam: App) => {
          await iam.register(authRoutes(auth, policies, options));
          await iam.register(accountRoutes(accounts, createAccountExport(platform.db, units, accounts)));
          await iam.register(roleRoutes(roles));
          await iam.register(policyRoutes(policies));
        },
        { prefix: '/api/iam' },
      );
    },
  };
}

export type Iam = ReturnType<typeof createIam>;

/**
 * Whether the credentials a long-lived request (the notification stream) came with still hold: the API
 * token, or the session checked without counting as activity, so that an open stream neither outlives a
 * logout, lock or expiry nor keeps an idle session alive (SEC-06).
 */
export async function credentialsStillValid(
  iam: Pick<Iam, 'auth'>,
  request: FastifyRequest,
): Promise<boolean> {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    return iam.auth.resolveToken(header.slice(7).trim()).then(
      () => true,
      () => false,
    );
  }
  return request.session ? iam.auth.sessionStillValid(request.session.sessionId) : false;
}
export {
  adminNetworkSetting,
  lockoutPolicySetting,
  passwordPolicySetting,
  sessionPolicySetting,
} from './policies/schema.ts';
