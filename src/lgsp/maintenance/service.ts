/**
 * @module lgsp/maintenance/service
 * Maintenance notices (LGSP-34): an operator announces a window before maintenance or an upgrade; every
 * account that follows LGSP (its registry or its exchanges) is notified at once, reminded an hour before
 * it starts, and told when it is cancelled. Agency systems read the upcoming windows without logging in.
 */
import { audit } from '../../core/audit/index.ts';
import type { Ctx } from '../../core/context.ts';
import type { Db } from '../../core/db/index.ts';
import { AppError } from '../../core/errors/index.ts';
import type { HolderLookup, NotificationInput, NotificationService } from '../../core/notifications/index.ts';
import type { JobDefinition } from '../../core/scheduler/index.ts';
import { nfc } from '../../core/text/vietnamese.ts';
import { formatDateTimeVn } from '../../core/time/format.ts';
import {
  cancelWindow,
  claimDueReminders,
  insertWindow,
  pastWindows,
  type WindowRow,
  windowById,
  windowsEndingAfter,
} from './store.ts';

/** A maintenance window as the API shows it. */
export interface MaintenanceWindow {
  id: string;
  title: string;
  message: string;
  startsAt: string;
  endsAt: string;
  status: 'scheduled' | 'in_progress' | 'finished' | 'cancelled';
  createdBy: string;
  createdAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
}

/** What agency systems see of an upcoming window: no names of the platform's staff. */
export type PublicMaintenanceWindow = Pick<
  MaintenanceWindow,
  'id' | 'title' | 'message' | 'startsAt' | 'endsAt' | 'status'
>;

/** The permissions whose holders follow LGSP and hear of its maintenance. */
export const FOLLOWER_PERMISSIONS = ['lgsp.registry.read', 'lgsp.exchange.read'] as const;
/** Reminders go out this long before a window starts. */
export const REMINDER_LEAD_MS = 60 * 60 * 1000;
/** A window is announced at least this long before it starts, so units can prepare. */
const MIN_NOTICE_MS = 5 * 60 * 1000;
/** Longer windows are split by the operator: a week without the platform is not maintenance. */
const MAX_LENGTH_MS = 7 * 24 * 60 * 60 * 1000;
const LINK = '/lgsp/maintenance';

/** What the maintenance service needs from the platform. */
export interface MaintenanceDeps {
  readonly db: Db;
  now(): Date;
  readonly notifications: Pick<NotificationService, 'notify'>;
  /** Active account ids holding a permission (any unit). */
  readonly holders: HolderLookup;
}

function statusOf(row: WindowRow, now: Date): MaintenanceWindow['status'] {
  if (row.cancelledAt) return 'cancelled';
  if (now < row.startsAt) return 'scheduled';
  return now < row.endsAt ? 'in_progress' : 'finished';
}

function present(row: WindowRow, now: Date): MaintenanceWindow {
  return {
    id: row.id,
    title: row.title,
    message: row.message,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    status: statusOf(row, now),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    cancelledAt: row.cancelledAt?.toISOString() ?? null,
    cancelReason: row.cancelReason,
  };
}

function span(row: WindowRow): string {
  return `${formatDateTimeVn(row.startsAt)} – ${formatDateTimeVn(row.endsAt)}`;
}

/** The notice for a new, imminent or cancelled window. */
export function maintenanceNotice(
  row: WindowRow,
  kind: 'scheduled' | 'reminder' | 'cancelled',
): NotificationInput {
  const when = span(row);
  const message = row.message ? `\n${row.message}` : '';
  if (kind === 'cancelled') {
    return {
      kind: 'lgsp.maintenance.cancelled',
      severity: 'info',
      title: {
        vi: `Hủy bảo trì: ${row.title}`.slice(0, 200),
        en: `Maintenance cancelled: ${row.title}`.slice(0, 200),
      },
      body: {
        vi: `Đợt bảo trì ${when} (giờ Việt Nam) đã được hủy: ${row.cancelReason ?? ''}`.slice(0, 2000),
        en: `The maintenance of ${when} (Vietnam time) has been cancelled: ${row.cancelReason ?? ''}`.slice(
          0,
          2000,
        ),
      },
      link: LINK,
    };
  }
  const soon = kind === 'reminder';
  return {
    kind: soon ? 'lgsp.maintenance.reminder' : 'lgsp.maintenance.scheduled',
    severity: 'warning',
    title: {
      vi: `${soon ? 'Sắp bảo trì' : 'Lịch bảo trì'}: ${row.title}`.slice(0, 200),
      en: `${soon ? 'Maintenance soon' : 'Maintenance scheduled'}: ${row.title}`.slice(0, 200),
    },
    body: {
      vi: `Nền tảng LGSP bảo trì từ ${when} (giờ Việt Nam); các kết nối có thể bị gián đoạn.${message}`.slice(
        0,
        2000,
      ),
      en: `The LGSP platform is under maintenance ${when} (Vietnam time); connections may be interrupted.${message}`.slice(
        0,
        2000,
      ),
    },
    link: LINK,
  };
}

/** Creates the maintenance service. */
export function createMaintenanceService(deps: MaintenanceDeps) {
  const { db } = deps;

  async function followers(): Promise<string[]> {
    const lists = await Promise.all(FOLLOWER_PERMISSIONS.map((p) => deps.holders(p, null)));
    return [...new Set(lists.flat())];
  }

  // Recipients are read before a transaction opens: on the embedded database a read outside the
  // transaction would wait for the one connection the transaction holds.
  async function tell(
    tx: Db,
    row: WindowRow,
    kind: 'scheduled' | 'reminder' | 'cancelled',
    recipients: readonly string[],
  ): Promise<void> {
    await deps.notifications.notify(tx, { ...maintenanceNotice(row, kind), recipients });
  }

  const reminderJob: JobDefinition = {
    name: 'lgsp.maintenance.remind',
    intervalMs: 5 * 60 * 1000,
    async run() {
      const now = deps.now();
      const recipients = await followers();
      return db.transaction(async (tx) => {
        const due = await claimDueReminders(tx, now, REMINDER_LEAD_MS);
        for (const row of due) await tell(tx, row, 'reminder', recipients);
        return `${due.length} reminder(s)`;
      });
    },
  };

  return {
    reminderJob,

    /** Announces a window; every LGSP follower is notified in the same transaction. */
    async schedule(
      ctx: Ctx,
      input: { title: string; message?: string; startsAt: string; endsAt: string },
    ): Promise<MaintenanceWindow> {
      const now = deps.now();
      const startsAt = new Date(input.startsAt);
      const endsAt = new Date(input.endsAt);
      const invalid = (reason: string) => new AppError('LGSP_MAINTENANCE_WINDOW_INVALID', { reason });
      if (Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime()))
        throw invalid('startsAt/endsAt');
      if (startsAt.getTime() < now.getTime() + MIN_NOTICE_MS)
        throw invalid('must start at least 5 minutes from now');
      if (endsAt <= startsAt) throw invalid('must end after it starts');
      if (endsAt.getTime() - startsAt.getTime() > MAX_LENGTH_MS) throw invalid('at most 7 days long');
      const recipients = await followers();
      return db.transaction(async (tx) => {
        const row = await insertWindow(tx, {
          title: nfc(input.title.trim()),
          message: nfc((input.message ?? '').trim()),
          startsAt,
          endsAt,
          createdBy: ctx.actor.name,
          createdAt: now,
        });
        await audit(
          tx,
          ctx,
          {
            category: 'lgsp',
            action: 'lgsp.maintenance.schedule',
            description: `Thông báo bảo trì LGSP "${row.title}" ${span(row)}`,
            severity: 'notice',
            target: { type: 'lgsp_maintenance', id: row.id },
            details: { startsAt: input.startsAt, endsAt: input.endsAt },
          },
          now,
        );
        await tell(tx, row, 'scheduled', recipients);
        return present(row, now);
      });
    },

    /** Cancels a window that has not ended; followers are told. */
    async cancel(ctx: Ctx, id: string, reason: string): Promise<MaintenanceWindow> {
      const now = deps.now();
      const recipients = await followers();
      return db.transaction(async (tx) => {
        const row = await windowById(tx, id, true);
        if (!row) throw new AppError('LGSP_MAINTENANCE_NOT_FOUND', { id });
        if (row.cancelledAt) throw new AppError('LGSP_MAINTENANCE_ALREADY_CANCELLED', { id });
        if (row.endsAt <= now)
          throw new AppError('LGSP_MAINTENANCE_WINDOW_INVALID', { reason: 'it has ended' });
        const cancelled = await cancelWindow(tx, id, {
          at: now,
          by: ctx.actor.name,
          reason: nfc(reason.trim()),
        });
        await audit(
          tx,
          ctx,
          {
            category: 'lgsp',
            action: 'lgsp.maintenance.cancel',
            description: `Hủy thông báo bảo trì LGSP "${row.title}"`,
            severity: 'notice',
            target: { type: 'lgsp_maintenance', id },
            details: { reason: cancelled.cancelReason },
          },
          now,
        );
        await tell(tx, cancelled, 'cancelled', recipients);
        return present(cancelled, now);
      });
    },

    /** Windows not yet ended (cancelled ones included, marked) and the 20 latest past ones. */
    async list(_ctx: Ctx): Promise<{ current: MaintenanceWindow[]; past: MaintenanceWindow[] }> {
      const now = deps.now();
      const [current, past] = await Promise.all([
        windowsEndingAfter(db, now, { includeCancelled: true, limit: 200 }),
        pastWindows(db, now, 20),
      ]);
      return { current: current.map((r) => present(r, now)), past: past.map((r) => present(r, now)) };
    },

    /** Upcoming and running windows for agency systems (no staff names, no cancelled ones). */
    async upcoming(): Promise<PublicMaintenanceWindow[]> {
      const now = deps.now();
      const rows = await windowsEndingAfter(db, now, { includeCancelled: false, limit: 50 });
      return rows.map((r) => {
        const { id, title, message, startsAt, endsAt, status } = present(r, now);
        return { id, title, message, startsAt, endsAt, status };
      });
    },
  };
}

/** The maintenance service. */
export type MaintenanceService = ReturnType<typeof createMaintenanceService>;
