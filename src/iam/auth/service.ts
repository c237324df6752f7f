/**
 * @module iam/auth/service
 * Authentication (SEC-01, SEC-03, SEC-04, SEC-06): login with lockout, optional TOTP, forced and
 * expired password changes, server-side sessions with idle timeout, API tokens for machine clients.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { audit, auditAlone } from '../../core/audit/index.ts';
import type { Actor, Ctx } from '../../core/context.ts';
import type { Db } from '../../core/db/index.ts';
import { AppError, isAppError } from '../../core/errors/index.ts';
import type { Platform } from '../../core/platform.ts';
import { open, seal } from '../../core/security/secret-box.ts';
import {
  type AccountRow,
  accountById,
  accountByUsername,
  recentPasswordHashes,
  setPassword,
  updateAccount,
} from '../accounts/store.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../passwords/hash.ts';
import { passwordProblems } from '../passwords/rules.ts';
import type { PolicyService } from '../policies/service.ts';
import type { UnitDirectory } from '../units.ts';
import {
  clearFailures,
  failuresSince,
  insertSession,
  insertToken,
  loadSessionPrincipal,
  loadTokenPrincipal,
  recordFailure,
  replaceSession,
  revokeAccountSessions,
  revokeSession,
  revokeToken,
  tokensOf,
  touchSession,
  touchToken,
} from './store.ts';

/** sha256 hex: how session ids and API tokens are stored. */
export function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export type SessionStage = 'full' | 'totp' | 'password_change';

export interface LoginResult {
  sessionToken: string;
  csrfToken: string;
  stage: SessionStage;
  /** Why a password change is required, when stage is password_change. */
  reason?: 'first_login' | 'password_age';
  account: { id: string; username: string; fullName: string; lang: 'vi' | 'en' };
}

/** The console's preferences of a user. */
export interface Preferences {
  lang: 'vi' | 'en';
  theme: 'light' | 'dark';
}

/** Who the logged-in user is, beyond the session: name, unit, preferences, password expiry. */
export interface Profile extends Preferences {
  fullName: string;
  unitName: string | null;
  unitCode: string | null;
  /** When the password stops being valid under the password policy; null when the policy sets no limit. */
  passwordExpiresAt: Date | null;
}

/** An account the lockout policy has just locked, as told to `onAutoLock` listeners. */
export interface AutoLockedAccount {
  id: string;
  username: string;
  fullName: string;
  unitId: string | null;
  /** Failed logins counted in the window. */
  failures: number;
  windowMinutes: number;
}

export interface ResolvedSession {
  actor: Actor;
  sessionId: string;
  csrfToken: string;
  stage: SessionStage;
  lang: 'vi' | 'en';
}

const TOUCH_EVERY_MS = 15_000;
/**
 * How long a resolved session is trusted without asking the database. Revocations made on this node
 * apply at once; those made on another node (or a changed role) apply within this time.
 */
const SESSION_CACHE_MS = 2_000;
const SESSION_CACHE_MAX = 10_000;

interface CachedSession {
  session: ResolvedSession;
  fetchedAt: number;
  createdAt: number;
  lastSeenAt: number;
  persistedSeenAt: number;
}
const TOKEN_PREFIX = 'tsk_';

/** A new session's cookie token, its CSRF token, and the id stored for it (the token's digest). */
function newSessionTokens(): { sessionToken: string; csrfToken: string; sessionId: string } {
  const sessionToken = randomBytes(32).toString('base64url');
  return { sessionToken, csrfToken: randomBytes(24).toString('base64url'), sessionId: digest(sessionToken) };
}

/** Creates the authentication service. */
export function createAuthService(
  platform: Platform,
  policies: PolicyService,
  units: Pick<UnitDirectory, 'unitLabels'>,
) {
  const { db } = platform;
  const now = () => platform.now();
  const cache = new Map<string, CachedSession>();
  // Sessions being loaded: requests of one session that miss the cache together (a console page's parallel
  // calls, every client when the entry ages out under load) share one load, so an idle expiry is closed and
  // audited once and the database sees one read and one touch instead of one per request.
  const loading = new Map<string, Promise<ResolvedSession>>();
  const autoLockListeners = new Set<(account: AutoLockedAccount) => Promise<void> | void>();

  function totpFor(secretBase32: string, label: string) {
    return new TOTP({
      issuer: 'Tỉnh Số',
      label,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      secret: Secret.fromBase32(secretBase32),
    });
  }

  function passwordAgeReason(a: AccountRow, changeAfterDays: number): LoginResult['reason'] | undefined {
    if (a.mustChangePassword) return 'first_login';
    if (
      changeAfterDays > 0 &&
      now().getTime() - a.passwordChangedAt.getTime() > changeAfterDays * 86_400_000
    ) {
      return 'password_age';
    }
    return undefined;
  }

  async function loginFailed(ctx: Ctx, username: string, account: AccountRow | undefined, reason: string) {
    await auditAlone(db, ctx, {
      category: 'login',
      action: 'iam.login.failure',
      description: `Đăng nhập không thành công: ${username} (${reason})`,
      severity: 'warning',
      outcome: 'failure',
      unitId: account?.unitId ?? null,
      target: account ? { type: 'account', id: account.id } : undefined,
      details: { username, reason },
    });
  }

  /**
   * Checks a username and password under the lockout policy. Unknown usernames are counted and timed
   * like known ones, so neither the message nor the timing reveals which accounts exist.
   */
  async function checkCredentials(ctx: Ctx, rawUsername: string, password: string): Promise<AccountRow> {
    const username = rawUsername.trim().toLowerCase();
    const policy = await policies.lockout();
    const since = new Date(now().getTime() - policy.windowMinutes * 60_000);
    const account = await accountByUsername(db, username);
    if (account?.status === 'disabled') {
      await verifyAgainstDummy(password);
      await loginFailed(ctx, username, account, 'disabled');
      throw new AppError('IAM_ACCOUNT_DISABLED');
    }
    const failures = await failuresSince(db, username, since);
    if (account?.status === 'locked' || failures >= policy.maxFailures) {
      // Blocked before any password check, so automated guessing gets nothing more (SEC-04 c).
      await verifyAgainstDummy(password);
      await loginFailed(ctx, username, account, 'locked');
      throw new AppError('IAM_ACCOUNT_LOCKED', { limit: policy.maxFailures });
    }
    let ok = false;
    if (account) ok = await verifyPassword(account.passwordHash, password);
    else await verifyAgainstDummy(password);
    if (!ok) {
      await recordFailure(db, username, ctx.ip, now());
      const count = failures + 1;
      if (count >= policy.maxFailures) {
        if (account) {
          await db.transaction(async (tx) => {
            await updateAccount(tx, account.id, { status: 'locked', statusReason: 'too many failed logins' });
            await revokeAccountSessions(tx, account.id, 'account locked');
            await audit(tx, ctx, {
              category: 'account',
              action: 'iam.account.auto_lock',
              description: `Tự động khóa tài khoản ${username} do đăng nhập sai ${count} lần trong ${policy.windowMinutes} phút`,
              severity: 'error',
              outcome: 'success',
              unitId: account.unitId,
              target: { type: 'account', id: account.id },
            });
          });
          forgetAccount(account.id);
          await announceAutoLock({
            id: account.id,
            username,
            fullName: account.fullName,
            unitId: account.unitId,
            failures: count,
            windowMinutes: policy.windowMinutes,
          });
        }
        await loginFailed(ctx, username, account, 'locked now');
        throw new AppError('IAM_ACCOUNT_LOCKED', { limit: policy.maxFailures });
      }
      await loginFailed(ctx, username, account, 'wrong password');
      throw new AppError('IAM_INVALID_CREDENTIALS', { remaining: policy.maxFailures - count });
    }
    return account!;
  }

  async function assertPasswordAcceptable(account: AccountRow, newPassword: string): Promise<void> {
    const policy = await policies.password();
    const problems = passwordProblems(newPassword, policy, account.username);
    if (problems.length) {
      throw new AppError('IAM_PASSWORD_POLICY', {
        rules: problems.map((p) => p.vi).join(', '),
        rules_en: problems.map((p) => p.en).join(', '),
        errors: problems.map((p) => ({ field: 'newPassword', message: p.en })),
      });
    }
    const recent = await recentPasswordHashes(db, account.id, Math.max(policy.historyCount, 1));
    for (const hash of recent) {
      if (await verifyPassword(hash, newPassword)) {
        throw new AppError('IAM_PASSWORD_REUSED', { count: Math.max(policy.historyCount, 1) });
      }
    }
  }

  async function openSession(ctx: Ctx, account: AccountRow, stage: SessionStage, userAgent: string | null) {
    const { sessionToken, csrfToken, sessionId } = newSessionTokens();
    await db.transaction(async (tx) => {
      await insertSession(tx, {
        id: sessionId,
        accountId: account.id,
        csrfToken,
        stage,
        createdAt: now(),
        lastSeenAt: now(),
        ip: ctx.ip,
        userAgent: userAgent?.slice(0, 300) ?? null,
      });
      await updateAccount(tx, account.id, { lastLoginAt: now() });
      await clearFailures(tx, account.username);
      await audit(
        tx,
        { ...ctx, actor: { ...ctx.actor, id: account.id, name: account.username, unitId: account.unitId } },
        {
          category: 'login',
          action: 'iam.login.success',
          description: `Đăng nhập thành công: ${account.username}`,
          unitId: account.unitId,
          target: { type: 'account', id: account.id },
          details: { stage },
        },
      );
    });
    return { sessionToken, csrfToken };
  }

  /** Tells the listeners (notifications) of an automatic lock; their failure never undoes or hides the lock. */
  async function announceAutoLock(account: AutoLockedAccount): Promise<void> {
    for (const listener of autoLockListeners) {
      try {
        await listener(account);
      } catch (err) {
        platform.log.error({ err, accountId: account.id }, 'an automatic-lock listener failed');
      }
    }
  }

  /** Drops the cached sessions of an account (password change on this node). */
  function forgetAccount(accountId: string): void {
    for (const [key, entry] of cache) if (entry.session.actor.id === accountId) cache.delete(key);
    // A load in flight may have read the account before the change; later requests must not join it.
    loading.clear();
  }

  /** Drops one session from the cache, and any load of it in flight, after a change to it on this node. */
  function forgetSession(sessionId: string): void {
    cache.delete(sessionId);
    loading.delete(sessionId);
  }

  /**
   * Moves a session to a higher stage under a new token and CSRF token (the old ones are revoked), so a
   * token seen before the step (a fixed or stolen cookie) is worth nothing after it.
   */
  async function advanceSession(
    tx: Db,
    session: ResolvedSession,
    stage: SessionStage,
  ): Promise<{ sessionToken: string; csrfToken: string; sessionId: string }> {
    const { sessionToken, csrfToken, sessionId } = newSessionTokens();
    if (!(await replaceSession(tx, session.sessionId, { id: sessionId, csrfToken, stage }, now())))
      throw new AppError('IAM_UNAUTHENTICATED');
    forgetSession(session.sessionId);
    return { sessionToken, csrfToken, sessionId };
  }

  /** Loads a session from the database, enforcing idle and absolute timeouts; returns its cache entry. */
  async function loadSession(id: string, ip: string | null): Promise<CachedSession> {
    const p = await loadSessionPrincipal(db, id);
    if (!p) throw new AppError('IAM_UNAUTHENTICATED');
    const policy = await policies.session();
    if (p.revokedAt) {
      if (p.revokedReason === 'idle timeout')
        throw new AppError('IAM_SESSION_EXPIRED', { minutes: policy.idleTimeoutMinutes });
      throw new AppError('IAM_UNAUTHENTICATED');
    }
    const t = now().getTime();
    const idle = t - p.lastSeenAt.getTime() > policy.idleTimeoutMinutes * 60_000;
    const tooOld = t - p.createdAt.getTime() > policy.absoluteHours * 3_600_000;
    if (idle || tooOld) {
      await db.transaction(async (tx) => {
        await revokeSession(tx, id, 'idle timeout', now());
        await audit(
          tx,
          {
            actor: {
              kind: 'user',
              id: p.accountId,
              name: p.username,
              unitId: p.unitId,
              permissions: new Set(),
              scope: p.scope,
            },
            ip,
            requestId: null,
            lang: p.lang,
          },
          {
            category: 'login',
            action: 'iam.session.expired',
            description: `Phiên làm việc của ${p.username} hết hạn (${idle ? 'không hoạt động' : 'quá thời gian tối đa'})`,
            severity: 'notice',
          },
        );
      });
      throw new AppError('IAM_SESSION_EXPIRED', { minutes: policy.idleTimeoutMinutes });
    }
    if (p.status !== 'active') {
      await revokeSession(db, id, `account ${p.status}`, now());
      throw new AppError('IAM_UNAUTHENTICATED');
    }
    let persistedSeenAt = p.lastSeenAt.getTime();
    if (t - persistedSeenAt > TOUCH_EVERY_MS) {
      await touchSession(db, id, now());
      persistedSeenAt = t;
    }
    const session: ResolvedSession = {
      sessionId: id,
      csrfToken: p.csrfToken,
      stage: p.stage,
      lang: p.lang,
      actor: {
        kind: 'user',
        id: p.accountId,
        name: p.username,
        unitId: p.unitId,
        scope: p.scope,
        permissions: new Set(p.permissions),
      },
    };
    return { session, fetchedAt: t, createdAt: p.createdAt.getTime(), lastSeenAt: t, persistedSeenAt };
  }

  return {
    /**
     * Drops the cached sessions of an account, so that a lock, disable or password reset made on this
     * node ends them at the next request rather than up to SESSION_CACHE_MS later.
     */
    forgetAccount,

    /** Calls `listener` after the lockout policy locks an account; returns the function that stops it. */
    onAutoLock(listener: (account: AutoLockedAccount) => Promise<void> | void): () => void {
      autoLockListeners.add(listener);
      return () => autoLockListeners.delete(listener);
    },

    /**
     * Whether a session still holds (not revoked, account active, full stage, neither idle nor too old)
     * without touching it: a long-lived request such as the notification stream must not keep an idle
     * session alive (SEC-06), so it re-checks with this instead of `resolveSession`.
     */
    async sessionStillValid(sessionId: string): Promise<boolean> {
      const p = await loadSessionPrincipal(db, sessionId);
      if (!p || p.revokedAt || p.status !== 'active' || p.stage !== 'full') return false;
      const policy = await policies.session();
      const t = now().getTime();
      return (
        t - p.lastSeenAt.getTime() <= policy.idleTimeoutMinutes * 60_000 &&
        t - p.createdAt.getTime() <= policy.absoluteHours * 3_600_000
      );
    },

    /** Logs in with username and password; returns a session, possibly limited to a TOTP or password step. */
    async login(
      ctx: Ctx,
      input: { username: string; password: string },
      userAgent: string | null,
    ): Promise<LoginResult> {
      const account = await checkCredentials(ctx, input.username, input.password);
      const pw = await policies.password();
      if (
        account.status === 'expired' ||
        (pw.validityDays > 0 &&
          now().getTime() - account.passwordChangedAt.getTime() > pw.validityDays * 86_400_000)
      ) {
        if (account.status !== 'expired') {
          await updateAccount(db, account.id, {
            status: 'expired',
            statusReason: 'password validity expired',
          });
        }
        await loginFailed(ctx, account.username, account, 'password expired');
        throw new AppError('IAM_PASSWORD_EXPIRED', { days: pw.validityDays });
      }
      const reason = passwordAgeReason(account, pw.changeAfterDays);
      const stage: SessionStage = account.totpEnabled ? 'totp' : reason ? 'password_change' : 'full';
      const { sessionToken, csrfToken } = await openSession(ctx, account, stage, userAgent);
      return {
        sessionToken,
        csrfToken,
        stage,
        reason,
        account: {
          id: account.id,
          username: account.username,
          fullName: account.fullName,
          lang: account.lang,
        },
      };
    },

    /** Completes a TOTP step; replays of an already used code are refused. */
    async verifyTotp(
      ctx: Ctx,
      session: ResolvedSession,
      code: string,
    ): Promise<{ stage: SessionStage; sessionToken: string; csrfToken: string }> {
      const account = await accountById(db, session.actor.id!);
      if (!account?.totpEnabled || !account.totpSecret) throw new AppError('IAM_TOTP_INVALID');
      const totp = totpFor(open(platform.masterKey, account.totpSecret), account.username);
      const delta = totp.validate({ token: code, window: 1, timestamp: now().getTime() });
      const step = Math.floor(now().getTime() / 30_000) + (delta ?? 0);
      if (delta === null || (account.totpLastStep !== null && step <= account.totpLastStep)) {
        await loginFailed(ctx, account.username, account, 'wrong TOTP code');
        throw new AppError('IAM_TOTP_INVALID');
      }
      const reason = passwordAgeReason(account, (await policies.password()).changeAfterDays);
      const stage: SessionStage = reason ? 'password_change' : 'full';
      const next = await db.transaction(async (tx) => {
        await updateAccount(tx, account.id, { totpLastStep: step });
        return advanceSession(tx, session, stage);
      });
      return { stage, sessionToken: next.sessionToken, csrfToken: next.csrfToken };
    },

    /** Starts TOTP enrolment: stores a new sealed secret (not yet enabled) and returns the otpauth URI. */
    async beginTotp(ctx: Ctx): Promise<{ uri: string; secret: string }> {
      // Only an interactive session may enrol, and an enabled second factor is never replaced silently:
      // otherwise any session or API token could switch its owner's second factor off.
      if (ctx.actor.kind !== 'user') throw new AppError('IAM_FORBIDDEN');
      const account = await accountById(db, ctx.actor.id!);
      if (!account) throw new AppError('IAM_UNAUTHENTICATED');
      if (account.totpEnabled) {
        throw new AppError('CONFLICT', {
          reason: 'two-factor authentication is already on; an administrator resets it',
        });
      }
      const secret = new Secret({ size: 20 });
      await updateAccount(db, account.id, {
        totpSecret: seal(platform.masterKey, secret.base32),
        totpEnabled: false,
      });
      return { uri: totpFor(secret.base32, account.username).toString(), secret: secret.base32 };
    },

    /** Enables TOTP once the user proves the authenticator works. */
    async enableTotp(ctx: Ctx, code: string): Promise<void> {
      const account = await accountById(db, ctx.actor.id!);
      if (!account?.totpSecret) throw new AppError('IAM_TOTP_INVALID');
      const totp = totpFor(open(platform.masterKey, account.totpSecret), account.username);
      if (totp.validate({ token: code, window: 1, timestamp: now().getTime() }) === null) {
        throw new AppError('IAM_TOTP_INVALID');
      }
      await db.transaction(async (tx) => {
        await updateAccount(tx, account.id, { totpEnabled: true });
        await audit(tx, ctx, {
          category: 'account',
          action: 'iam.totp.enable',
          description: `Bật xác thực hai yếu tố cho ${account.username}`,
          target: { type: 'account', id: account.id },
        });
      });
    },

    /** Changes the password of the logged-in user; ends the forced-change stage and other sessions. */
    async changePassword(
      ctx: Ctx,
      session: ResolvedSession,
      currentPassword: string,
      newPassword: string,
    ): Promise<{ sessionToken: string; csrfToken: string }> {
      const account = await accountById(db, session.actor.id!);
      if (!account) throw new AppError('IAM_UNAUTHENTICATED');
      // The same check as a login: a stolen session guessing the password meets the same limit, warning,
      // lock, audit entry and notice to the administrators.
      try {
        await checkCredentials(ctx, account.username, currentPassword);
      } catch (err) {
        if (!isAppError(err, 'IAM_INVALID_CREDENTIALS')) throw err;
        throw new AppError('IAM_CURRENT_PASSWORD_WRONG', { remaining: err.details.remaining });
      }
      await assertPasswordAcceptable(account, newPassword);
      const hash = await hashPassword(newPassword);
      return db.transaction(async (tx) => {
        await setPassword(tx, account.id, hash, false, now());
        const next = await advanceSession(tx, session, 'full');
        await revokeAccountSessions(tx, account.id, 'password changed', next.sessionId);
        forgetAccount(account.id);
        await audit(tx, ctx, {
          category: 'account',
          action: 'iam.password.change',
          description: `Đổi mật khẩu: ${account.username}`,
          target: { type: 'account', id: account.id },
        });
        return { sessionToken: next.sessionToken, csrfToken: next.csrfToken };
      });
    },

    /** Changes an expired password without a session; success unlocks the account (SEC-03 e). */
    async changeExpiredPassword(
      ctx: Ctx,
      input: { username: string; currentPassword: string; newPassword: string },
    ): Promise<void> {
      const account = await checkCredentials(ctx, input.username, input.currentPassword);
      await assertPasswordAcceptable(account, input.newPassword);
      const hash = await hashPassword(input.newPassword);
      await db.transaction(async (tx) => {
        await setPassword(tx, account.id, hash, false, now());
        const unlock = account.status === 'expired';
        if (unlock) await updateAccount(tx, account.id, { status: 'active', statusReason: null });
        await audit(
          tx,
          { ...ctx, actor: { ...ctx.actor, id: account.id, name: account.username, unitId: account.unitId } },
          {
            category: 'account',
            action: 'iam.password.change_expired',
            description: `Đổi mật khẩu hết hạn${unlock ? ' và mở khóa' : ''}: ${account.username}`,
            target: { type: 'account', id: account.id },
            unitId: account.unitId,
          },
        );
      });
    },

    /** The actor's own account as the console shows it: full name, unit, preferences, password expiry. */
    async profile(ctx: Ctx): Promise<Profile> {
      const account = ctx.actor.id ? await accountById(db, ctx.actor.id) : undefined;
      if (!account) throw new AppError('IAM_UNAUTHENTICATED');
      const [[unit], policy] = await Promise.all([
        account.unitId ? units.unitLabels([account.unitId]) : Promise.resolve([]),
        policies.password(),
      ]);
      return {
        fullName: account.fullName,
        lang: account.lang,
        theme: account.theme,
        unitName: unit?.name ?? null,
        unitCode: unit?.code ?? null,
        passwordExpiresAt:
          policy.validityDays > 0
            ? new Date(account.passwordChangedAt.getTime() + policy.validityDays * 86_400_000)
            : null,
      };
    },

    /**
     * Remembers the logged-in user's language and theme. Only an interactive session may: they are the
     * console's settings, and an API token (possibly limited to reading) should not change its owner's
     * account. The account's cached sessions on this node are dropped after the commit, so the next request
     * already speaks the new language instead of the cached one for up to SESSION_CACHE_MS.
     */
    async setPreferences(ctx: Ctx, input: Partial<Preferences>): Promise<Preferences> {
      if (ctx.actor.kind !== 'user' || !ctx.actor.id) throw new AppError('IAM_FORBIDDEN');
      const id = ctx.actor.id;
      const saved = await db.transaction(async (tx) => {
        const before = await accountById(tx, id);
        if (!before) throw new AppError('IAM_UNAUTHENTICATED');
        const next: Preferences = { lang: input.lang ?? before.lang, theme: input.theme ?? before.theme };
        if (next.lang === before.lang && next.theme === before.theme) return next;
        await updateAccount(tx, id, next);
        await audit(tx, ctx, {
          category: 'account',
          action: 'iam.account.preferences',
          description: `Đổi tùy chọn giao diện của ${before.username}: ngôn ngữ ${next.lang}, giao diện ${next.theme === 'dark' ? 'tối' : 'sáng'}`,
          target: { type: 'account', id },
          unitId: before.unitId,
          details: { before: { lang: before.lang, theme: before.theme }, after: next },
        });
        return next;
      });
      forgetAccount(id);
      return saved;
    },

    /** Ends a session. */
    async logout(ctx: Ctx, session: ResolvedSession): Promise<void> {
      forgetSession(session.sessionId);
      await db.transaction(async (tx) => {
        await revokeSession(tx, session.sessionId, 'logout', now());
        await audit(tx, ctx, {
          category: 'login',
          action: 'iam.logout',
          description: `Đăng xuất: ${session.actor.name}`,
        });
      });
    },

    /**
     * Resolves a session cookie to an actor, enforcing idle and absolute timeouts (SEC-06): an idle
     * session is closed and answered with IAM_SESSION_EXPIRED so the console can say why.
     */
    async resolveSession(token: string, ip: string | null): Promise<ResolvedSession> {
      const id = digest(token);
      const t = now().getTime();
      const hit = cache.get(id);
      if (hit && t - hit.fetchedAt < SESSION_CACHE_MS && t >= hit.fetchedAt) {
        const policy = await policies.session();
        const idle = t - hit.lastSeenAt > policy.idleTimeoutMinutes * 60_000;
        const tooOld = t - hit.createdAt > policy.absoluteHours * 3_600_000;
        if (!idle && !tooOld) {
          hit.lastSeenAt = t;
          if (t - hit.persistedSeenAt > TOUCH_EVERY_MS) {
            hit.persistedSeenAt = t;
            await touchSession(db, id, now());
          }
          return hit.session;
        }
      }
      cache.delete(id);
      const joined = loading.get(id);
      if (joined) return joined;
      const pending: Promise<ResolvedSession> = loadSession(id, ip)
        .then((entry) => {
          // Cached only if nothing on this node changed the session or its account while it loaded.
          if (loading.get(id) === pending) {
            if (cache.size >= SESSION_CACHE_MAX) cache.delete(cache.keys().next().value as string);
            cache.set(id, entry);
          }
          return entry.session;
        })
        .finally(() => {
          if (loading.get(id) === pending) loading.delete(id);
        });
      loading.set(id, pending);
      return pending;
    },

    /** Resolves a bearer API token to an actor: the account's permissions, narrowed by the token's own list. */
    async resolveToken(token: string): Promise<Actor> {
      if (!token.startsWith(TOKEN_PREFIX)) throw new AppError('IAM_TOKEN_INVALID');
      const p = await loadTokenPrincipal(db, digest(token));
      const t = now().getTime();
      if (!p || p.revokedAt || (p.expiresAt && p.expiresAt.getTime() < t) || p.status !== 'active') {
        throw new AppError('IAM_TOKEN_INVALID');
      }
      if (!p.lastUsedAt || t - p.lastUsedAt.getTime() > 60_000) await touchToken(db, p.tokenId, now());
      const granted = p.tokenPermissions
        ? p.permissions.filter((x) => p.tokenPermissions!.includes(x))
        : p.permissions;
      return {
        kind: 'token',
        id: p.accountId,
        name: p.username,
        unitId: p.unitId,
        scope: p.scope,
        permissions: new Set(granted),
      };
    },

    /** Creates an API token for the actor; the token is shown once and stored only as a hash. */
    async createToken(
      ctx: Ctx,
      input: { name: string; expiresInDays?: number; permissions?: string[] },
    ): Promise<{ id: string; token: string; expiresAt: string | null }> {
      if (ctx.actor.kind !== 'user' || !ctx.actor.id) throw new AppError('IAM_FORBIDDEN');
      const missing = (input.permissions ?? []).filter((x) => !ctx.actor.permissions.has(x));
      if (missing.length) throw new AppError('IAM_FORBIDDEN', { missing });
      const secret = randomBytes(32).toString('base64url');
      const token = `${TOKEN_PREFIX}${secret}`;
      const expiresAt = input.expiresInDays
        ? new Date(now().getTime() + input.expiresInDays * 86_400_000)
        : null;
      const saved = await db.transaction(async (tx) => {
        const row = await insertToken(tx, {
          accountId: ctx.actor.id!,
          name: input.name,
          prefix: token.slice(0, 10),
          tokenHash: digest(token),
          permissions: input.permissions ?? null,
          expiresAt,
        });
        await audit(tx, ctx, {
          category: 'account',
          action: 'iam.token.create',
          description: `Tạo mã truy cập API "${input.name}" cho ${ctx.actor.name}`,
          severity: 'notice',
          target: { type: 'api_token', id: row.id },
        });
        return row;
      });
      return { id: saved.id, token, expiresAt: expiresAt?.toISOString() ?? null };
    },

    /** The actor's API tokens (never the secrets). */
    async listTokens(ctx: Ctx) {
      if (!ctx.actor.id) return [];
      return (await tokensOf(db, ctx.actor.id)).map((t) => ({
        id: t.id,
        name: t.name,
        prefix: t.prefix,
        permissions: t.permissions,
        createdAt: t.createdAt.toISOString(),
        expiresAt: t.expiresAt?.toISOString() ?? null,
        lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
        revokedAt: t.revokedAt?.toISOString() ?? null,
      }));
    },

    /** Revokes one of the actor's API tokens at once. */
    async revokeToken(ctx: Ctx, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        if (!ctx.actor.id || !(await revokeToken(tx, ctx.actor.id, id, now())))
          throw new AppError('NOT_FOUND');
        await audit(tx, ctx, {
          category: 'account',
          action: 'iam.token.revoke',
          description: `Thu hồi mã truy cập API của ${ctx.actor.name}`,
          severity: 'notice',
          target: { type: 'api_token', id },
        });
      });
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
