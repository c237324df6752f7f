/**
 * @module core/notifications/service
 * Notifications to people: stored per recipient account, listed and marked read by their owner only,
 * and pushed in real time to the owner's open streams on every node through the event bus. Other
 * modules notify through `notify` (inside their own transaction) or `notifyHolders` (everyone holding a
 * permission over a unit, resolved by IAM through the `HolderLookup` the composition root provides).
 */
import type { Bus } from '../bus/index.ts';
import type { Ctx } from '../context.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { JobDefinition } from '../scheduler/index.ts';
import { NOTIFICATIONS_TOPIC, NotificationHub, REFS_PER_MESSAGE } from './hub.ts';
import {
  insertNotifications,
  markAllRead,
  markRead,
  pageOf,
  pruneNotifications,
  unreadCount,
} from './store.ts';
import type { NotificationRow, NotificationSeverity } from './tables.ts';

/** A stored notification. */
export type Notification = NotificationRow;

/** What a notification says, in Vietnamese and English. */
export interface NotificationInput {
  /** Stable machine name of the event, e.g. `backup.completed`. */
  kind: string;
  severity: NotificationSeverity;
  /** At most 200 characters each. */
  title: { vi: string; en: string };
  /** At most 2000 characters each. */
  body?: { vi: string; en: string };
  /** A path of the console, e.g. `/system/backups`; never an address elsewhere. */
  link?: string | null;
}

/** Active account ids holding `permission` with a data scope covering `unitId` (null: every holder). */
export type HolderLookup = (permission: string, unitId: string | null) => Promise<string[]>;

/** One page of the list. */
export interface NotificationPage {
  items: Notification[];
  unreadCount: number;
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** What the service needs of the platform. */
export interface NotificationPlatform {
  readonly db: Db;
  readonly log: Logger;
  now(): Date;
}

/** How long notifications are kept: read ones 90 days, any 365 days. */
export const KEEP_READ_DAYS = 90;
export const KEEP_ANY_DAYS = 365;
/** Name of the daily job deleting old notifications. */
export const PRUNE_NOTIFICATIONS_JOB = 'core.notifications.prune';

const KIND = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
const LINK = /^\/(?:[^/\\\s][^\\\s]*)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEVERITIES = new Set<string>(['info', 'warning', 'error']);

/** The notification service of one node. */
export interface NotificationService {
  /**
   * Notifies accounts, writing on `db` (pass the caller's transaction to notify only if it commits) and
   * then announcing the rows on the bus. A failed announcement is logged, not thrown: the rows are stored
   * and the list shows them.
   */
  notify(db: Db, input: NotificationInput & { recipients: readonly string[] }): Promise<Notification[]>;
  /** Notifies every active account holding `permission` whose scope covers `unitId` (null: all holders). */
  notifyHolders(permission: string, unitId: string | null, input: NotificationInput): Promise<Notification[]>;
  /** The actor's own notifications, newest first, with the unread count. */
  list(ctx: Ctx, query: { limit?: number; cursor?: string; unreadOnly?: boolean }): Promise<NotificationPage>;
  /** Marks one of the actor's notifications read; NOT_FOUND for anyone else's. */
  markRead(ctx: Ctx, id: string): Promise<{ notification: Notification; unreadCount: number }>;
  /** Marks all of the actor's notifications read. */
  markAllRead(ctx: Ctx): Promise<{ updated: number; unreadCount: number }>;
  /**
   * Calls `listener` with each new notification of the account until the returned function is called;
   * with `afterSeq` (a resuming stream's Last-Event-ID) the ones after it come first.
   */
  watch(accountId: string, listener: (n: Notification) => void, afterSeq?: number): () => void;
  /** Number of streams open on this node. */
  readonly streams: number;
  /** The daily deletion of old notifications, for the scheduler. */
  readonly pruneJob: JobDefinition;
  /** Stops listening to the bus. */
  close(): void;
}

function invalid(summary: string): AppError {
  return new AppError('VALIDATION_FAILED', { summary });
}

function text(value: string, field: string, min: number, maxLength: number): string {
  const v = value.normalize('NFC').trim();
  if (v.length < min || v.length > maxLength || v.includes('\u0000')) {
    throw invalid(`notification ${field} must have ${min} to ${maxLength} characters`);
  }
  return v;
}

/** Checks and normalises what a notification says; a mistake here is a programming error of the caller. */
function checked(input: NotificationInput) {
  if (!KIND.test(input.kind) || input.kind.length > 100)
    throw invalid(`invalid notification kind ${input.kind}`);
  if (!SEVERITIES.has(input.severity)) throw invalid(`invalid notification severity ${input.severity}`);
  const link = input.link ?? null;
  if (link !== null && (!LINK.test(link) || link.length > 500)) {
    throw invalid('a notification link is a path of the console, such as /system/backups');
  }
  return {
    kind: input.kind,
    severity: input.severity,
    titleVi: text(input.title.vi, 'title.vi', 1, 200),
    titleEn: text(input.title.en, 'title.en', 1, 200),
    bodyVi: text(input.body?.vi ?? '', 'body.vi', 0, 2000),
    bodyEn: text(input.body?.en ?? '', 'body.en', 0, 2000),
    link,
  };
}

/** The account a request reads notifications for: its own, always. */
function ownerOf(ctx: Ctx): string | null {
  return (ctx.actor.kind === 'user' || ctx.actor.kind === 'token') && ctx.actor.id ? ctx.actor.id : null;
}

/** Creates the notification service over the platform, the bus and IAM's holder lookup. */
export function createNotificationService(
  platform: NotificationPlatform,
  bus: Bus,
  holders: HolderLookup,
): NotificationService {
  const { db, log } = platform;
  const hub = new NotificationHub(db, bus, log);

  const announce = async (rows: Notification[]) => {
    for (let i = 0; i < rows.length; i += REFS_PER_MESSAGE) {
      const refs = rows.slice(i, i + REFS_PER_MESSAGE).map((r) => [r.recipientId, r.id]);
      try {
        await bus.publish(NOTIFICATIONS_TOPIC, { r: refs });
      } catch (err) {
        log.error(
          { err },
          'new notifications could not be announced on the bus; they are listed all the same',
        );
      }
    }
  };

  const notify: NotificationService['notify'] = async (on, input) => {
    const content = checked(input);
    const recipients = [...new Set(input.recipients)];
    const bad = recipients.find((r) => !UUID.test(r));
    if (bad !== undefined) throw invalid('notification recipients are account ids');
    if (recipients.length === 0) return [];
    const rows = await insertNotifications(on, { ...content, recipients, createdAt: platform.now() });
    await announce(rows);
    return rows;
  };

  return {
    notify,
    async notifyHolders(permission, unitId, input) {
      // A malformed notification is refused even when nobody holds the permission.
      checked(input);
      return notify(db, { ...input, recipients: await holders(permission, unitId) });
    },
    async list(ctx, query) {
      const owner = ownerOf(ctx);
      if (!owner) return { items: [], unreadCount: 0, nextCursor: null };
      const limit = Math.min(Math.max(query.limit ?? 20, 1), 100);
      const beforeSeq = query.cursor === undefined ? undefined : Number(query.cursor);
      if (beforeSeq !== undefined && !(Number.isSafeInteger(beforeSeq) && beforeSeq > 0)) {
        throw invalid('cursor is the nextCursor of a previous page');
      }
      const [rows, unread] = await Promise.all([
        pageOf(db, owner, { beforeSeq, limit: limit + 1, unreadOnly: query.unreadOnly ?? false }),
        unreadCount(db, owner),
      ]);
      const items = rows.slice(0, limit);
      return {
        items,
        unreadCount: unread,
        nextCursor: rows.length > limit ? String(items[items.length - 1]!.seq) : null,
      };
    },
    async markRead(ctx, id) {
      const owner = ownerOf(ctx);
      const row = owner && UUID.test(id) ? await markRead(db, owner, id, platform.now()) : undefined;
      if (!row || !owner) throw new AppError('NOT_FOUND');
      return { notification: row, unreadCount: await unreadCount(db, owner) };
    },
    async markAllRead(ctx) {
      const owner = ownerOf(ctx);
      if (!owner) return { updated: 0, unreadCount: 0 };
      const updated = await markAllRead(db, owner, platform.now());
      return { updated, unreadCount: await unreadCount(db, owner) };
    },
    watch: (accountId, listener, afterSeq) => hub.watch(accountId, listener, afterSeq),
    get streams() {
      return hub.size;
    },
    pruneJob: {
      name: PRUNE_NOTIFICATIONS_JOB,
      intervalMs: 86_400_000,
      run: async () => {
        const now = platform.now().getTime();
        const n = await pruneNotifications(
          db,
          new Date(now - KEEP_READ_DAYS * 86_400_000),
          new Date(now - KEEP_ANY_DAYS * 86_400_000),
        );
        return `${n} old notifications deleted`;
      },
    },
    close: () => hub.close(),
  };
}
