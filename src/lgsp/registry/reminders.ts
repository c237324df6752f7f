/**
 * @module lgsp/registry/reminders
 * Daily reminder of certificates about to end: an RSA key registered with a certificate stops working
 * when the certificate ends (X-Road's most complained-about outage is exactly this kind of validity
 * running out unnoticed), so the operators holding lgsp.keys.write over the unit are told 30, 7 and
 * 1 day(s) before, once per threshold.
 */
import type { NotificationService } from '../../core/notifications/index.ts';
import type { Platform } from '../../core/platform.ts';
import type { JobDefinition } from '../../core/scheduler/index.ts';
import { formatDateTimeVn } from '../../core/time/format.ts';
import { type ExpiringKeyRow, expiringKeys, markReminded } from './store.ts';

/** Name of the daily job. */
export const CERTIFICATE_REMINDER_JOB = 'lgsp.registry.certificate-reminders';
/** Days before a certificate ends at which operators are reminded, largest first. */
export const REMINDER_DAYS = [30, 7, 1] as const;
const DAY = 86_400_000;

/** The threshold a key has reached at `now` (the smallest one its remaining days fit in). */
export function thresholdOf(notAfter: Date, now: Date): number {
  const left = Math.ceil((notAfter.getTime() - now.getTime()) / DAY);
  return [...REMINDER_DAYS].reverse().find((d) => left <= d) ?? REMINDER_DAYS[0];
}

/** The reminder job: notifies per unit, then records the thresholds reached. */
export function certificateReminderJob(
  platform: Platform,
  notifications: Pick<NotificationService, 'notifyHolders'>,
): JobDefinition {
  return {
    name: CERTIFICATE_REMINDER_JOB,
    intervalMs: DAY,
    async run() {
      const now = platform.now();
      const rows = await expiringKeys(platform.db, now, new Date(now.getTime() + REMINDER_DAYS[0] * DAY));
      const due = rows
        .map((r) => ({ row: r, days: thresholdOf(r.certificateNotAfter, now) }))
        .filter(({ row, days }) => row.expiryRemindedDays === null || row.expiryRemindedDays > days);
      const byUnit = new Map<string, { row: ExpiringKeyRow; days: number }[]>();
      for (const d of due) byUnit.set(d.row.unitId, [...(byUnit.get(d.row.unitId) ?? []), d]);
      for (const [unitId, list] of byUnit) {
        const lines = list.map(
          ({ row }) =>
            `${row.applicationCode} (${row.accessKey}): ${formatDateTimeVn(row.certificateNotAfter)}${row.certificateSubject ? `, ${row.certificateSubject}` : ''}`,
        );
        const soonest = Math.min(...list.map((d) => d.days));
        await notifications.notifyHolders('lgsp.keys.write', unitId, {
          kind: 'lgsp.certificate.expiring',
          severity: soonest <= 7 ? 'error' : 'warning',
          title: {
            vi: `${list.length} chứng thư số LGSP sắp hết hạn (trong ${soonest} ngày)`,
            en: `${list.length} LGSP certificate(s) expire within ${soonest} day(s)`,
          },
          body: {
            vi: `Đăng ký chứng thư mới trước khi hết hạn, nếu không ứng dụng sẽ bị từ chối:\n${lines.join('\n')}`.slice(
              0,
              2000,
            ),
            en: `Register a new certificate before it ends, or the application will be refused:\n${lines.join('\n')}`.slice(
              0,
              2000,
            ),
          },
          link: '/lgsp/applications',
        });
      }
      await markReminded(
        platform.db,
        due.map(({ row, days }) => ({ accessKey: row.accessKey, days })),
      );
      return `${due.length} certificate reminder(s) for ${byUnit.size} unit(s)`;
    },
  };
}
