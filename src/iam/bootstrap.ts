/**
 * @module iam/bootstrap
 * First start and the CLI's admin commands: the first technical administrator with a one-time
 * password, and password reset or unlock by username.
 */
import { audit } from '../core/audit/index.ts';
import { systemCtx } from '../core/context.ts';
import { AppError } from '../core/errors/index.ts';
import type { Platform } from '../core/platform.ts';
import { foldForSearch } from '../core/text/vietnamese.ts';
import {
  accountByUsername,
  insertAccount,
  noAccounts,
  replaceRoles,
  setPassword,
  updateAccount,
} from './accounts/store.ts';
import { clearFailures, revokeAccountSessions } from './auth/store.ts';
import { hashPassword } from './passwords/hash.ts';
import { generatePassword } from './passwords/rules.ts';
import { passwordPolicySetting } from './policies/schema.ts';

/** Creates the admin-facing bootstrap operations. */
export function createBootstrap(platform: Platform) {
  const { db, settings } = platform;
  const ctx = systemCtx('tinhso-cli');

  async function oneTimePassword(): Promise<{ password: string; hash: string }> {
    const password = generatePassword(await settings.get(passwordPolicySetting));
    return { password, hash: await hashPassword(password) };
  }

  return {
    /** On an empty database, creates `admin` (technical administrator, all units); returns its one-time password. */
    async ensureFirstAdmin(): Promise<{ username: string; password: string } | null> {
      if (!(await noAccounts(db))) return null;
      return this.createAdmin('admin', 'Quản trị hệ thống');
    },

    /** Creates a technical administrator with a one-time password that must be changed at first login. */
    async createAdmin(
      username: string,
      fullName = username,
    ): Promise<{ username: string; password: string }> {
      const name = username.trim().toLowerCase();
      const { password, hash } = await oneTimePassword();
      await db.transaction(async (tx) => {
        if (await accountByUsername(tx, name)) throw new AppError('IAM_USERNAME_TAKEN', { username: name });
        const account = await insertAccount(tx, {
          username: name,
          fullName,
          fullNameSearch: foldForSearch(fullName),
          scope: 'all',
          status: 'active',
          passwordHash: hash,
          passwordChangedAt: platform.now(),
          mustChangePassword: true,
          totpEnabled: false,
          lang: 'vi',
        });
        await replaceRoles(tx, account.id, ['tech_admin']);
        await audit(tx, ctx, {
          category: 'account',
          action: 'iam.account.create_admin',
          description: `Tạo quản trị viên kỹ thuật ${name} từ dòng lệnh`,
          severity: 'warning',
          target: { type: 'account', id: account.id },
          unitId: null,
        });
      });
      return { username: name, password };
    },

    /** Sets a one-time password for a user, unlocks the account and ends its sessions. */
    async resetPassword(username: string): Promise<{ username: string; password: string }> {
      const name = username.trim().toLowerCase();
      const { password, hash } = await oneTimePassword();
      await db.transaction(async (tx) => {
        const account = await accountByUsername(tx, name);
        if (!account) throw new AppError('NOT_FOUND');
        await setPassword(tx, account.id, hash, true, platform.now());
        await updateAccount(tx, account.id, { status: 'active', statusReason: null });
        await revokeAccountSessions(tx, account.id, 'password reset');
        await clearFailures(tx, name);
        await audit(tx, ctx, {
          category: 'account',
          action: 'iam.account.reset_password',
          description: `Đặt lại mật khẩu ${name} từ dòng lệnh`,
          severity: 'warning',
          target: { type: 'account', id: account.id },
          unitId: account.unitId,
        });
      });
      return { username: name, password };
    },

    /** Unlocks a locked or expired account and clears its failed logins. */
    async unlock(username: string): Promise<void> {
      const name = username.trim().toLowerCase();
      await db.transaction(async (tx) => {
        const account = await accountByUsername(tx, name);
        if (!account) throw new AppError('NOT_FOUND');
        await updateAccount(tx, account.id, { status: 'active', statusReason: null });
        await clearFailures(tx, name);
        await audit(tx, ctx, {
          category: 'account',
          action: 'iam.account.unlock',
          description: `Mở khóa tài khoản ${name} từ dòng lệnh`,
          severity: 'warning',
          target: { type: 'account', id: account.id },
          unitId: account.unitId,
        });
      });
    },
  };
}

export type Bootstrap = ReturnType<typeof createBootstrap>;
