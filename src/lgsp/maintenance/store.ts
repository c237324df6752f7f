/**
 * @module lgsp/maintenance/store
 * SQL of maintenance windows.
 */
import { and, asc, desc, eq, gt, isNull, lte } from 'drizzle-orm';
import type { Db } from '../../core/db/index.ts';
import { type WindowRow, maintenanceWindows as w } from './tables.ts';

export type { WindowRow } from './tables.ts';

/** Inserts a window. */
export async function insertWindow(db: Db, row: typeof w.$inferInsert): Promise<WindowRow> {
  const [created] = await db.insert(w).values(row).returning();
  return created!;
}

/** One window, locked for update when `forUpdate`. */
export async function windowById(db: Db, id: string, forUpdate = false): Promise<WindowRow | undefined> {
  const query = db.select().from(w).where(eq(w.id, id));
  const [row] = forUpdate ? await query.for('update') : await query;
  return row;
}

/** Marks a window cancelled. */
export async function cancelWindow(
  db: Db,
  id: string,
  c: { at: Date; by: string; reason: string },
): Promise<WindowRow> {
  const [row] = await db
    .update(w)
    .set({ cancelledAt: c.at, cancelledBy: c.by, cancelReason: c.reason })
    .where(eq(w.id, id))
    .returning();
  return row!;
}

/** Windows that end after `after`, soonest first; with `includeCancelled` the cancelled ones too. */
export async function windowsEndingAfter(
  db: Db,
  after: Date,
  options: { includeCancelled: boolean; limit: number },
): Promise<WindowRow[]> {
  return db
    .select()
    .from(w)
    .where(and(gt(w.endsAt, after), options.includeCancelled ? undefined : isNull(w.cancelledAt)))
    .orderBy(asc(w.startsAt), asc(w.id))
    .limit(options.limit);
}

/** The most recent windows that have ended, latest first. */
export async function pastWindows(db: Db, before: Date, limit: number): Promise<WindowRow[]> {
  return db.select().from(w).where(lte(w.endsAt, before)).orderBy(desc(w.startsAt), asc(w.id)).limit(limit);
}

/**
 * Claims the windows starting within `leadMs` of `now` that were not reminded yet (one statement, so two
 * nodes never remind twice) and returns them.
 */
export async function claimDueReminders(db: Db, now: Date, leadMs: number): Promise<WindowRow[]> {
  return db
    .update(w)
    .set({ remindedAt: now })
    .where(
      and(
        isNull(w.remindedAt),
        isNull(w.cancelledAt),
        gt(w.startsAt, now),
        lte(w.startsAt, new Date(now.getTime() + leadMs)),
      ),
    )
    .returning();
}
