/**
 * @module console/setup
 * What the console's home page shows: the first-run checklist of a new province (name it, build the organisation
 * tree, set the security policies, create accounts, set the backup policy) and a summary with recent activity.
 * It reads other modules only through their exported services.
 */
import { Type } from 'typebox';
import { auditActivity } from '../core/audit/index.ts';
import { backupPolicySetting } from '../core/backup/index.ts';
import type { Ctx } from '../core/context.ts';
import { systemCtx } from '../core/context.ts';
import type { Platform } from '../core/platform.ts';
import { defineSetting } from '../core/settings/index.ts';
import { nfc } from '../core/text/vietnamese.ts';
import type { Iam } from '../iam/index.ts';
import {
  adminNetworkSetting,
  lockoutPolicySetting,
  passwordPolicySetting,
  sessionPolicySetting,
} from '../iam/index.ts';
import type { OrgService } from '../org/index.ts';

/** The province's name, shown in the console's header and reports. */
export const provinceSetting = defineSetting(
  'platform.province',
  Type.Object(
    { name: Type.String({ default: '', maxLength: 200 }) },
    { additionalProperties: false, default: {} },
  ),
  'Tên tỉnh',
);

export type SetupStep = 'province' | 'org' | 'policies' | 'accounts' | 'backup';

export interface SetupStatus {
  provinceName: string;
  steps: { key: SetupStep; done: boolean; link: string }[];
  done: number;
}

export interface Summary {
  units: number;
  accounts: number | null;
  /** Entries per day (dd/MM in the console) and category for the last 14 days, null without audit.read. */
  activity: { day: string; category: string; n: number }[] | null;
}

/** The home page's service. */
export function createConsoleService(platform: Platform, org: OrgService, iam: Iam) {
  const { db, settings } = platform;
  return {
    /** The first-run checklist: each step is done when an administrator has actually made that choice. */
    async setup(): Promise<SetupStatus> {
      const set = await settings.setSince([
        provinceSetting,
        passwordPolicySetting,
        lockoutPolicySetting,
        sessionPolicySetting,
        adminNetworkSetting,
        backupPolicySetting,
      ]);
      const province = await settings.get(provinceSetting);
      const ctx = systemCtx();
      const [units, accounts] = await Promise.all([
        org.listUnits(ctx, { limit: 1 }),
        iam.accounts.list(ctx, { offset: 0, limit: 1, sort: 'username', order: 'asc' }),
      ]);
      const policyKeys = [
        passwordPolicySetting,
        lockoutPolicySetting,
        sessionPolicySetting,
        adminNetworkSetting,
      ];
      const steps: SetupStatus['steps'] = [
        { key: 'province', done: province.name !== '', link: '/' },
        { key: 'org', done: units.total > 0, link: '/org' },
        { key: 'policies', done: policyKeys.some((d) => set.has(d.key)), link: '/iam/policies' },
        // The first administrator exists from the start; a second account means someone was added.
        { key: 'accounts', done: accounts.total > 1, link: '/iam/accounts' },
        { key: 'backup', done: set.has(backupPolicySetting.key), link: '/system/backups' },
      ];
      return { provinceName: province.name, steps, done: steps.filter((s) => s.done).length };
    },

    /** Names the province (audited as a configuration change). */
    async nameProvince(ctx: Ctx, name: string): Promise<{ name: string }> {
      const value = await db.transaction((tx) => settings.set(tx, ctx, provinceSetting, { name: nfc(name) }));
      return { name: value.name };
    },

    /** Counts the reader may see, and recent activity in their scope. */
    async summary(ctx: Ctx, now: Date = new Date()): Promise<Summary> {
      const perms = ctx.actor.permissions;
      const visible = await org.visibleUnitIds(ctx);
      const units = await org.listUnits(ctx, { limit: 1 });
      const accounts = perms.has('iam.account.read')
        ? (await iam.accounts.list(ctx, { offset: 0, limit: 1, sort: 'username', order: 'asc' })).total
        : null;
      const from = new Date(now.getTime() - 13 * 86_400_000);
      from.setUTCHours(-7, 0, 0, 0); // midnight in Vietnam (UTC+7) of the first day
      const activity = perms.has('audit.read')
        ? await auditActivity(db, from, visible === 'all' ? undefined : visible)
        : null;
      return { units: units.total, accounts, activity };
    },
  };
}

export type ConsoleService = ReturnType<typeof createConsoleService>;
