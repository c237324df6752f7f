/**
 * @module iam/policies/service
 * Reading and changing the security policies; a change is validated, audited as a configuration
 * change, and an admin-network list that would lock out the administrator making it is refused.
 */
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors/index.ts';
import { ipInRanges, normaliseCidr } from '../../core/http/client-ip.ts';
import type { Platform } from '../../core/platform.ts';
import {
  type AdminNetworkPolicy,
  adminNetworkSetting,
  type LockoutPolicy,
  lockoutPolicySetting,
  type PasswordPolicy,
  passwordPolicySetting,
  type SessionPolicy,
  sessionPolicySetting,
} from './schema.ts';

export interface Policies {
  password: PasswordPolicy;
  lockout: LockoutPolicy;
  session: SessionPolicy;
  adminNetworks: AdminNetworkPolicy;
}

/** Creates the policy service. */
export function createPolicyService(platform: Platform) {
  const { settings, db } = platform;
  return {
    /** All four policies. */
    async all(): Promise<Policies> {
      const [password, lockout, session, adminNetworks] = await Promise.all([
        settings.get(passwordPolicySetting),
        settings.get(lockoutPolicySetting),
        settings.get(sessionPolicySetting),
        settings.get(adminNetworkSetting),
      ]);
      return { password, lockout, session, adminNetworks };
    },
    password: () => settings.get(passwordPolicySetting),
    lockout: () => settings.get(lockoutPolicySetting),
    session: () => settings.get(sessionPolicySetting),
    adminNetworks: () => settings.get(adminNetworkSetting),

    /** Sets the password policy (SEC-03). */
    setPassword: (ctx: Ctx, value: PasswordPolicy) =>
      db.transaction((tx) => settings.set(tx, ctx, passwordPolicySetting, value)),
    /** Sets the failed-login policy (SEC-04). */
    setLockout: (ctx: Ctx, value: LockoutPolicy) =>
      db.transaction((tx) => settings.set(tx, ctx, lockoutPolicySetting, value)),
    /** Sets the idle timeout (SEC-06). */
    setSession: (ctx: Ctx, value: SessionPolicy) =>
      db.transaction((tx) => settings.set(tx, ctx, sessionPolicySetting, value)),

    /** Sets the admin networks (SEC-07); refuses a list that excludes the caller's own address. */
    async setAdminNetworks(ctx: Ctx, value: AdminNetworkPolicy): Promise<AdminNetworkPolicy> {
      const cidrs: string[] = [];
      const invalid: string[] = [];
      for (const c of value.cidrs) {
        const n = normaliseCidr(c);
        if (n) cidrs.push(n);
        else invalid.push(c);
      }
      if (invalid.length) {
        throw new AppError('VALIDATION_FAILED', {
          summary: `not an IP address or CIDR: ${invalid.join(', ')}`,
          errors: invalid.map((c) => ({ field: 'cidrs', message: `not an IP address or CIDR: ${c}` })),
        });
      }
      if (ctx.ip && !ipInRanges(ctx.ip, cidrs)) {
        throw new AppError('IAM_SELF_LOCKOUT', { ip: ctx.ip });
      }
      return db.transaction((tx) =>
        settings.set(tx, ctx, adminNetworkSetting, { cidrs: [...new Set(cidrs)] }),
      );
    },

    /**
     * True when `ip` is in the allow-list. Loopback gets no exception: behind a local reverse proxy
     * every request would look like loopback unless `http.trustedProxies` is configured.
     */
    async adminAllowed(ip: string): Promise<boolean> {
      const { cidrs } = await settings.get(adminNetworkSetting);
      return ipInRanges(ip, cidrs);
    },
  };
}

export type PolicyService = ReturnType<typeof createPolicyService>;
