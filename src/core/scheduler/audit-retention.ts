/**
 * @module core/scheduler/audit-retention
 * The log retention policy of SEC-11: days to keep per audit category, set in the console, applied by a
 * daily job. What the job removes is itself recorded in each category it trimmed, so a reader of that
 * category sees why its oldest entries are gone and the chain anchor explains where it now starts.
 */
import { type Static, type TInteger, Type } from 'typebox';
import {
  type AuditCategory,
  applyRetention,
  audit,
  auditCategories,
  auditCategoryNames,
} from '../audit/index.ts';
import type { Ctx } from '../context.ts';
import type { Platform } from '../platform.ts';
import { defineSetting } from '../settings/index.ts';
import { nextDailyAt } from './calendar.ts';
import type { JobDefinition } from './scheduler.ts';

/** Shortest retention an administrator may set: a slip of the keyboard must not erase the log. */
export const MIN_RETENTION_DAYS = 30;
/** Longest retention (100 years): effectively "keep". */
export const MAX_RETENTION_DAYS = 36_500;

const properties = Object.fromEntries(
  auditCategoryNames.map((c) => [
    c,
    Type.Integer({
      minimum: MIN_RETENTION_DAYS,
      maximum: MAX_RETENTION_DAYS,
      default: auditCategories[c].defaultRetentionDays,
      description: auditCategories[c].vi,
    }),
  ]),
) as { [K in AuditCategory]: TInteger };

/** Days to keep, per audit category (the body of a policy change: omitted categories get their default). */
export const AuditRetentionBody = Type.Object(properties, { additionalProperties: false });

/** The stored setting: as the body, and an absent setting means every default. */
export const AuditRetentionSchema = Type.Object(properties, { additionalProperties: false, default: {} });

/** Days to keep, per audit category. */
export type AuditRetention = Static<typeof AuditRetentionSchema>;

/** The `audit.retention` setting. */
export const auditRetentionSetting = defineSetting(
  'audit.retention',
  AuditRetentionSchema,
  'Thời hạn lưu giữ nhật ký hệ thống',
);

/** Name of the daily retention job. */
export const AUDIT_RETENTION_JOB = 'core.audit.retention';
/** The job runs at this Vietnam time, when the platform is quiet. */
export const AUDIT_RETENTION_TIME = '01:00';

/** The current retention policy, defaults filled in. */
export function getAuditRetention(platform: Platform): Promise<AuditRetention> {
  return platform.settings.get(auditRetentionSetting);
}

/** Validates, stores and audits (as a configuration change) a new retention policy. */
export function setAuditRetention(platform: Platform, ctx: Ctx, input: unknown): Promise<AuditRetention> {
  return platform.db.transaction((tx) => platform.settings.set(tx, ctx, auditRetentionSetting, input));
}

/** Deletes entries older than the policy allows and records, per category, how many went. */
export async function applyAuditRetention(platform: Platform, ctx: Ctx): Promise<Record<string, number>> {
  const days = await getAuditRetention(platform);
  const now = platform.now();
  const removed = await applyRetention(platform.db, days, now);
  const trimmed = Object.entries(removed).filter(([, n]) => n > 0);
  if (trimmed.length > 0) {
    await platform.db.transaction(async (tx) => {
      for (const [category, count] of trimmed) {
        const keep = days[category as AuditCategory];
        await audit(
          tx,
          ctx,
          {
            category: category as AuditCategory,
            action: 'audit.retention.apply',
            description: `Xóa ${count} bản ghi nhật ký quá thời hạn lưu giữ ${keep} ngày`,
            severity: 'notice',
            details: {
              removed: count,
              retentionDays: keep,
              before: new Date(now.getTime() - keep * 86_400_000).toISOString(),
            },
          },
          now,
        );
      }
    });
  }
  return removed;
}

/** The daily job applying the retention policy. */
export function auditRetentionJob(platform: Platform): JobDefinition {
  return {
    name: AUDIT_RETENTION_JOB,
    intervalMs: 86_400_000,
    nextRunAt: (after) => nextDailyAt(after, AUDIT_RETENTION_TIME),
    run: async (ctx) => {
      const removed = await applyAuditRetention(platform, ctx);
      const parts = Object.entries(removed).map(([c, n]) => `${c}: ${n}`);
      return parts.length > 0 ? `removed ${parts.join(', ')}` : 'nothing to remove';
    },
  };
}
