/**
 * @module iam/auth/notices
 * What account administrators are told when the lockout policy locks an account (the composition root
 * sends it to the holders of iam.account.write whose scope covers the account's unit).
 */
import type { NotificationInput } from '../../core/notifications/index.ts';
import type { AutoLockedAccount } from './service.ts';

/** The notification of an automatic lock: `account.locked`, linking to the account in the console. */
export function autoLockNotice(account: AutoLockedAccount): NotificationInput {
  return {
    kind: 'account.locked',
    severity: 'warning',
    title: { vi: 'Tài khoản bị khóa tự động', en: 'Account locked automatically' },
    body: {
      vi: `Tài khoản ${account.username} (${account.fullName}) bị khóa sau ${account.failures} lần đăng nhập sai trong ${account.windowMinutes} phút. Hãy liên hệ người dùng trước khi mở khóa.`,
      en: `The account ${account.username} (${account.fullName}) was locked after ${account.failures} failed logins within ${account.windowMinutes} minutes. Check with its owner before unlocking it.`,
    },
    link: `/iam/accounts/${account.id}`,
  };
}
