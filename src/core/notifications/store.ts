/**
 * @module core/notifications/store
 * SQL of notifications. Every read and write names the recipient, so one account's rows can never be
 * reached through another's request.
 */
import { and, asc, count, desc, eq, gt, inArray, isNull, lt, max, or, sql } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { type NotificationRow, type NotificationSeverity, notifications } from './tables.ts';

/** The content of one notification, sent to several recipients. */
export interface NewNotifications {
  recipients: readonly string[];
  kind: string;
  severity: NotificationSeverity;
  titleVi: string;
  titleEn: string;
  bodyVi: string;
  bodyEn: string;
  link: string | null;
  createdAt: Date;
}

// 9 parameters a row: 1000 rows stay far below PostgreSQL's 65 535 parameters per statement.
const INSERT_CHUNK = 1000;

/** Inserts one row per recipient (one statement per thousand recipients) and returns them in seq order. */
export async function insertNotifications(db: Db, n: NewNotifications): Promise<NotificationRow[]> {
  const out: NotificationRow[] = [];
  for (let i = 0; i < n.recipients.length; i += INSERT_CHUNK) {
    const rows = await db
      .insert(notifications)
      .values(
        n.recipients.slice(i, i + INSERT_CHUNK).map((recipientId) => ({
          recipientId,
          kind: n.kind,
          severity: n.severity,
          titleVi: n.titleVi,
          titleEn: n.titleEn,
          bodyVi: n.bodyVi,
          bodyEn: n.bodyEn,
          link: n.link,
          createdAt: n.createdAt,
        })),
      )
      .returning();
    out.push(...rows);
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** One page of an account's notifications, newest first, before the keyset `beforeSeq`. */
export function pageOf(
  db: Db,
  recipientId: string,
  q: { beforeSeq?: number; limit: number; unreadOnly: boolean },
): Promise<NotificationRow[]> {
  return db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.recipientId, recipientId),
        q.beforeSeq !== undefined ? lt(notifications.seq, q.beforeSeq) : undefined,
        q.unreadOnly ? isNull(notifications.readAt) : undefined,
      ),
    )
    .orderBy(desc(notifications.seq))
    .limit(q.limit);
}

/** How many notifications of an account are unread. */
export async function unreadCount(db: Db, recipientId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.recipientId, recipientId), isNull(notifications.readAt)));
  return Number(row?.n ?? 0);
}

/** Marks one of the account's notifications read (keeping the first reading time); undefined if not its own. */
export async function markRead(
  db: Db,
  recipientId: string,
  id: string,
  at: Date,
): Promise<NotificationRow | undefined> {
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, ${at})` })
    .where(and(eq(notifications.id, id), eq(notifications.recipientId, recipientId)))
    .returning();
  return row;
}

/** Marks every unread notification of the account read; returns how many changed. */
export async function markAllRead(db: Db, recipientId: string, at: Date): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: at })
    .where(and(eq(notifications.recipientId, recipientId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

/** The rows among `ids` (a bus message's references), in seq order. */
export function rowsByIds(db: Db, ids: readonly string[]): Promise<NotificationRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(notifications)
    .where(inArray(notifications.id, [...ids]))
    .orderBy(asc(notifications.seq));
}

/**
 * Rows of the given accounts after a seq per account (what a stream missed), oldest first, at most `limit`.
 * One query for all the accounts a node streams to.
 */
export function rowsAfter(
  db: Db,
  after: ReadonlyMap<string, number>,
  limit: number,
): Promise<NotificationRow[]> {
  if (after.size === 0) return Promise.resolve([]);
  return db
    .select()
    .from(notifications)
    .where(
      or(
        ...[...after].map(([recipientId, seq]) =>
          and(eq(notifications.recipientId, recipientId), gt(notifications.seq, seq)),
        ),
      ),
    )
    .orderBy(asc(notifications.seq))
    .limit(limit);
}

/** The newest seq of an account's notifications (0 when it has none). */
export async function latestSeq(db: Db, recipientId: string): Promise<number> {
  const [row] = await db
    .select({ seq: max(notifications.seq) })
    .from(notifications)
    .where(eq(notifications.recipientId, recipientId));
  return Number(row?.seq ?? 0);
}

/** Deletes read notifications created before `readBefore` and any created before `anyBefore`. */
export async function pruneNotifications(db: Db, readBefore: Date, anyBefore: Date): Promise<number> {
  const rows = await db
    .delete(notifications)
    .where(
      or(
        and(lt(notifications.createdAt, readBefore), sql`${notifications.readAt} is not null`),
        lt(notifications.createdAt, anyBefore),
      ),
    )
    .returning({ id: notifications.id });
  return rows.length;
}
