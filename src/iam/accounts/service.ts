/**
 * @module iam/accounts/service
 * Account management (SEC-01, SEC-08, SEC-09): create, edit, lock and unlock, reset passwords,
 * roles, per-account grants and data scope, every row limited to the actor's units.
 */
import { audit } from '../../core/audit/index.ts';
import type { Ctx, DataScope } from '../../core/context.ts';
import { AppError } from '../../core/errors/index.ts';
import type { Platform } from '../../core/platform.ts';
import { foldForSearch, nfc } from '../../core/text/vietnamese.ts';
import { clearFailures, revokeAccountSessions } from '../auth/store.ts';
import { hashPassword } from '../passwords/hash.ts';
import { generatePassword } from '../passwords/rules.ts';
import { passwordPolicySetting } from '../policies/schema.ts';
import { assertCanDelegate, assertKnownPermissions, guardLastAdmin } from '../roles/service.ts';
import { rolesByIds } from '../roles/store.ts';
import type { UnitDirectory } from '../units.ts';
import type { AccountQueryInput, AccountView, CreateAccountInput, UpdateAccountInput } from './schema.ts';
import {
  type AccountRecord,
  type AccountRow,
  accountByUsername,
  accountRecordById,
  effectivePermissions,
  findAccounts,
  insertAccount,
  isUsernameTaken,
  replaceGrants,
  replaceRoles,
  searchAccounts,
  setPassword,
  updateAccount,
  withRolesAndGrants,
} from './store.ts';

const scopeRank: Record<DataScope, number> = { own: 0, subtree: 1, all: 2 };

/** One account found by `search`, with how well it matched. */
export interface AccountSearchHit {
  account: { id: string; username: string; fullName: string; unitId: string | null; status: string };
  /** 0: the exact username; 1: a username or full name starting with the text; 2: any other match. */
  rank: 0 | 1 | 2;
}

/** The JSON shape of an account (never the hash or TOTP secret). */
export function presentAccount(a: AccountRecord): AccountView {
  return {
    id: a.id,
    username: a.username,
    fullName: a.fullName,
    email: a.email,
    unitId: a.unitId,
    scope: a.scope,
    status: a.status,
    statusReason: a.statusReason,
    mustChangePassword: a.mustChangePassword,
    totpEnabled: a.totpEnabled,
    lang: a.lang,
    roles: a.roles,
    grants: a.grants,
    passwordChangedAt: a.passwordChangedAt.toISOString(),
    createdAt: a.createdAt.toISOString(),
    lastLoginAt: a.lastLoginAt?.toISOString() ?? null,
  };
}

/** What the account service needs from authentication: ending cached sessions at once. */
export interface SessionCache {
  forgetAccount(accountId: string): void;
}

/** Creates the account service over the unit directory of the org module. */
export function createAccountService(platform: Platform, units: UnitDirectory, sessions: SessionCache) {
  const { db, settings } = platform;

  /** Loads an account the actor may see, or NOT_FOUND (never revealing which). */
  async function visible(ctx: Ctx, id: string): Promise<AccountRecord> {
    const row = await accountRecordById(db, id);
    if (!row) throw new AppError('NOT_FOUND');
    if (ctx.actor.scope === 'all' || ctx.actor.kind === 'system') return row;
    if (!row.unitId) throw new AppError('NOT_FOUND');
    await units.assertUnitInScope(ctx, row.unitId);
    return row;
  }

  async function assertUnitAssignable(ctx: Ctx, unitId: string | null | undefined): Promise<void> {
    if (unitId === undefined) return;
    if (unitId === null) {
      // Accounts outside every unit are platform-wide; only an actor with scope 'all' may create them.
      if (ctx.actor.scope !== 'all' && ctx.actor.kind !== 'system') throw new AppError('IAM_FORBIDDEN');
      return;
    }
    await units.assertUnitInScope(ctx, unitId);
  }

  function assertScopeAssignable(ctx: Ctx, scope: DataScope | undefined): void {
    if (scope && ctx.actor.kind !== 'system' && scopeRank[scope] > scopeRank[ctx.actor.scope]) {
      throw new AppError('IAM_FORBIDDEN', { reason: 'scope wider than your own' });
    }
  }

  async function assertRolesAssignable(ctx: Ctx, roleIds: string[]): Promise<void> {
    const found = await rolesByIds(db, roleIds);
    if (found.length !== roleIds.length) {
      const missing = roleIds.filter((r) => !found.some((f) => f.id === r));
      throw new AppError('VALIDATION_FAILED', { summary: `unknown role(s): ${missing.join(', ')}` });
    }
    assertCanDelegate(
      ctx,
      found.flatMap((r) => r.permissions),
    );
  }

  /**
   * Loads an account the actor may change: visible to it, and holding no permission and no data scope
   * the actor lacks. Otherwise a business administrator could reset a technical administrator's
   * password and log in as them, or lock and demote accounts more powerful than its own.
   */
  async function manageable(ctx: Ctx, id: string): Promise<AccountRecord> {
    const row = await visible(ctx, id);
    if (ctx.actor.kind === 'system') return row;
    const missing = (await effectivePermissions(db, id)).filter((p) => !ctx.actor.permissions.has(p));
    if (missing.length > 0 || scopeRank[row.scope] > scopeRank[ctx.actor.scope]) {
      throw new AppError('IAM_FORBIDDEN', { reason: 'the account holds permissions or a scope you do not' });
    }
    return row;
  }

  async function record(id: string): Promise<AccountView> {
    const row = await accountRecordById(db, id);
    if (!row) throw new AppError('NOT_FOUND');
    return presentAccount(row);
  }

  return {
    /** Accounts in the actor's units, filtered, sorted and paged. */
    async list(ctx: Ctx, q: AccountQueryInput): Promise<{ items: AccountView[]; total: number }> {
      let unitIds: string[] | 'all' =
        ctx.actor.scope === 'all' || ctx.actor.kind === 'system' ? 'all' : await units.visibleUnitIds(ctx);
      if (q.unitId) unitIds = unitIds === 'all' || unitIds.includes(q.unitId) ? [q.unitId] : [];
      const { rows, total } = await findAccounts(db, {
        q: q.q ? foldForSearch(q.q) : undefined,
        unitIds,
        status: q.status,
        role: q.role,
        offset: q.offset,
        limit: q.limit,
        sort: q.sort as 'username',
        order: q.order,
      });
      return { items: (await withRolesAndGrants(db, rows)).map(presentAccount), total };
    },

    /**
     * Accounts in the actor's units matching a search text, best first: words of the full name typed with or
     * without diacritics, or of the username, each matching the start of a word. The caller checks the
     * permission (see `searchAccounts` of createIam), as routes do for `list`.
     */
    async search(ctx: Ctx, input: { q: string; limit?: number }): Promise<AccountSearchHit[]> {
      const text = nfc(input.q.replaceAll('\u0000', '')).slice(0, 100);
      const folded = foldForSearch(text);
      // Ten words are more than any name needs; the cap bounds the query a long text builds.
      const words = folded
        .split(/[^a-z0-9]+/u)
        .filter(Boolean)
        .slice(0, 10);
      if (words.length === 0) return [];
      const unitIds =
        ctx.actor.scope === 'all' || ctx.actor.kind === 'system' ? 'all' : await units.visibleUnitIds(ctx);
      const rows = await searchAccounts(db, {
        words,
        folded,
        username: text.toLowerCase(),
        unitIds,
        limit: Math.min(Math.max(input.limit ?? 10, 1), 100),
      });
      return rows.map((r) => ({
        account: { id: r.id, username: r.username, fullName: r.fullName, unitId: r.unitId, status: r.status },
        rank: r.rank as AccountSearchHit['rank'],
      }));
    },

    /** One account the actor may see. */
    async get(ctx: Ctx, id: string): Promise<AccountView> {
      return presentAccount(await visible(ctx, id));
    },

    /**
     * Creates an account with a generated one-time password, returned once; the user must change it
     * at first login (SEC-03 a).
     */
    async create(
      ctx: Ctx,
      input: CreateAccountInput,
    ): Promise<{ account: AccountView; oneTimePassword: string }> {
      const username = input.username.toLowerCase();
      // An explicit null asks for an account outside every unit; only an omitted unit means the actor's.
      const unitId = input.unitId === undefined ? ctx.actor.unitId : input.unitId;
      await assertUnitAssignable(ctx, unitId);
      assertScopeAssignable(ctx, input.scope);
      const roleIds = input.roles ?? ['user'];
      await assertRolesAssignable(ctx, roleIds);
      const oneTimePassword = generatePassword(await settings.get(passwordPolicySetting));
      const passwordHash = await hashPassword(oneTimePassword);
      const taken = () => new AppError('IAM_USERNAME_TAKEN', { username });
      const id = await db
        .transaction(async (tx) => {
          if (await accountByUsername(tx, username)) throw taken();
          const fullName = nfc(input.fullName);
          const created = await insertAccount(tx, {
            username,
            fullName,
            fullNameSearch: foldForSearch(fullName),
            email: input.email ?? null,
            unitId,
            scope: input.scope ?? 'own',
            status: 'active',
            passwordHash,
            passwordChangedAt: platform.now(),
            mustChangePassword: true,
            totpEnabled: false,
            lang: 'vi',
          });
          await replaceRoles(tx, created.id, roleIds);
          await audit(tx, ctx, {
            category: 'account',
            action: 'iam.account.create',
            description: `Tạo tài khoản ${username} (${fullName})`,
            severity: 'notice',
            target: { type: 'account', id: created.id },
            unitId: created.unitId,
            details: { roles: roleIds, scope: created.scope },
          });
          return created.id;
        })
        .catch((err: unknown) => {
          // A simultaneous request took the name after our check: the unique index refuses the insert.
          throw isUsernameTaken(err) ? taken() : err;
        });
      return { account: await record(id), oneTimePassword };
    },

    /** Edits name, e-mail, unit, scope or language. */
    async update(ctx: Ctx, id: string, patch: UpdateAccountInput): Promise<AccountView> {
      const before = await manageable(ctx, id);
      await assertUnitAssignable(ctx, patch.unitId);
      assertScopeAssignable(ctx, patch.scope);
      await db.transaction(async (tx) => {
        const fullName = patch.fullName === undefined ? undefined : nfc(patch.fullName);
        await updateAccount(tx, id, {
          ...patch,
          ...(fullName === undefined ? {} : { fullName, fullNameSearch: foldForSearch(fullName) }),
        });
        await audit(tx, ctx, {
          category: 'account',
          action: 'iam.account.update',
          description: `Sửa tài khoản ${before.username}`,
          target: { type: 'account', id },
          unitId: patch.unitId === undefined ? before.unitId : patch.unitId,
          details: { changes: Object.keys(patch) },
        });
      });
      return record(id);
    },

    /** Locks, unlocks, disables or re-enables an account; unlocking clears failed-login history. */
    async setStatus(
      ctx: Ctx,
      id: string,
      action: 'lock' | 'unlock' | 'disable' | 'enable',
      reason?: string,
    ): Promise<AccountView> {
      const before = await manageable(ctx, id);
      if (id === ctx.actor.id && (action === 'lock' || action === 'disable')) {
        throw new AppError('CONFLICT', { reason: 'you cannot lock your own account' });
      }
      const status = action === 'lock' ? 'locked' : action === 'disable' ? 'disabled' : 'active';
      await db.transaction(async (tx) => {
        const change = () => updateAccount(tx, id, { status, statusReason: reason ?? null });
        if (status === 'active') {
          await change();
          await clearFailures(tx, before.username);
        } else {
          await guardLastAdmin(tx, change);
          await revokeAccountSessions(tx, id, `account ${status}`);
        }
        await audit(tx, ctx, {
          category: 'account',
          action: `iam.account.${action}`,
          description: `${{ lock: 'Khóa', unlock: 'Mở khóa', disable: 'Vô hiệu hóa', enable: 'Kích hoạt' }[action]} tài khoản ${before.username}`,
          severity: 'warning',
          target: { type: 'account', id },
          unitId: before.unitId,
          details: { reason: reason ?? null, from: before.status, to: status },
        });
      });
      // After the commit, so a request in between cannot cache the account as still active.
      if (status !== 'active') sessions.forgetAccount(id);
      return record(id);
    },

    /** Sets a new one-time password (returned once) and forces a change at next login. */
    async resetPassword(ctx: Ctx, id: string): Promise<{ oneTimePassword: string }> {
      const before = await manageable(ctx, id);
      const oneTimePassword = generatePassword(await settings.get(passwordPolicySetting));
      const hash = await hashPassword(oneTimePassword);
      await db.transaction(async (tx) => {
        await setPassword(tx, id, hash, true, platform.now());
        if (before.status === 'expired' || before.status === 'locked') {
          await updateAccount(tx, id, { status: 'active', statusReason: null });
        }
        await revokeAccountSessions(tx, id, 'password reset');
        await audit(tx, ctx, {
          category: 'account',
          action: 'iam.account.reset_password',
          description: `Đặt lại mật khẩu tài khoản ${before.username}`,
          severity: 'warning',
          target: { type: 'account', id },
          unitId: before.unitId,
        });
      });
      sessions.forgetAccount(id);
      return { oneTimePassword };
    },

    /** Replaces the roles of an account (SEC-08). */
    async setRoles(ctx: Ctx, id: string, roleIds: string[]): Promise<AccountView> {
      const before = await manageable(ctx, id);
      await assertRolesAssignable(ctx, roleIds);
      await db.transaction(async (tx) => {
        await guardLastAdmin(tx, () => replaceRoles(tx, id, roleIds));
        await audit(tx, ctx, {
          category: 'account',
          action: 'iam.account.roles',
          description: `Phân vai trò cho ${before.username}: ${roleIds.join(', ') || '(không)'}`,
          severity: 'notice',
          target: { type: 'account', id },
          unitId: before.unitId,
          details: { before: before.roles, after: roleIds },
        });
      });
      return record(id);
    },

    /** Replaces the per-account grants (SEC-09). */
    async setGrants(
      ctx: Ctx,
      id: string,
      grants: { permission: string; effect: 'allow' | 'deny' }[],
    ): Promise<AccountView> {
      const before = await manageable(ctx, id);
      assertKnownPermissions(grants.map((g) => g.permission));
      const twice = grants.map((g) => g.permission).filter((p, i, all) => all.indexOf(p) !== i);
      if (twice.length > 0) {
        throw new AppError('VALIDATION_FAILED', {
          summary: `more than one grant for: ${[...new Set(twice)].join(', ')}`,
          errors: [...new Set(twice)].map((p) => ({
            field: 'body.grants',
            message: `more than one grant for ${p}`,
          })),
        });
      }
      assertCanDelegate(
        ctx,
        grants.filter((g) => g.effect === 'allow').map((g) => g.permission),
      );
      await db.transaction(async (tx) => {
        await guardLastAdmin(tx, () => replaceGrants(tx, id, grants));
        await audit(tx, ctx, {
          category: 'account',
          action: 'iam.account.grants',
          description: `Phân quyền riêng cho ${before.username}`,
          severity: 'notice',
          target: { type: 'account', id },
          unitId: before.unitId,
          details: { grants },
        });
      });
      return record(id);
    },

    /** Finds an account by username for the CLI (system context only). */
    async byUsername(username: string): Promise<AccountRow | undefined> {
      return accountByUsername(db, username.toLowerCase());
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
