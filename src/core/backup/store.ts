/**
 * @module core/backup/store
 * SQL of the backup history (`backups`): one row per attempt, whatever its outcome.
 */
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { bigint, boolean, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Db } from '../db/index.ts';

/** How a backup was started. */
export type BackupTrigger = 'manual' | 'scheduled' | 'cli';
/** Where a backup attempt stands. */
export type BackupStatus = 'running' | 'success' | 'failure';

export const backupsTable = pgTable('backups', {
  id: uuid('id').primaryKey().defaultRandom(),
  file: text('file').notNull(),
  trigger: text('trigger').$type<BackupTrigger>().notNull(),
  status: text('status').$type<BackupStatus>().notNull(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  sizeBytes: bigint('size_bytes', { mode: 'number' }),
  sha256: text('sha256'),
  verified: boolean('verified').notNull().default(false),
  rowCount: bigint('row_count', { mode: 'number' }),
  message: text('message'),
  actorName: text('actor_name'),
  deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
});

/** One backup attempt as recorded. */
export type BackupRecord = typeof backupsTable.$inferSelect;

/** Records the start of a backup and returns its row. */
export async function insertBackup(
  db: Db,
  values: { file: string; trigger: BackupTrigger; startedAt: Date; actorName: string },
): Promise<BackupRecord> {
  const [row] = await db
    .insert(backupsTable)
    .values({ ...values, status: 'running' })
    .returning();
  return row!;
}

/** Records how a backup ended. */
export async function finishBackup(
  db: Db,
  id: string,
  values: Partial<
    Pick<BackupRecord, 'status' | 'finishedAt' | 'sizeBytes' | 'sha256' | 'verified' | 'rowCount' | 'message'>
  >,
): Promise<BackupRecord> {
  const [row] = await db.update(backupsTable).set(values).where(eq(backupsTable.id, id)).returning();
  return row!;
}

/**
 * Closes attempts left `running` by a process that died. Called only while holding the backup lease,
 * so no other attempt can be running anywhere.
 */
export async function failAbandonedBackups(
  db: Db,
  now: Date,
  message = 'interrupted: the process stopped before it finished',
): Promise<void> {
  await db
    .update(backupsTable)
    .set({ status: 'failure', finishedAt: now, message })
    .where(eq(backupsTable.status, 'running'));
}

/** Marks the rows of files the retention policy deleted. */
export async function markDeleted(db: Db, files: string[], now: Date): Promise<void> {
  if (files.length === 0) return;
  await db
    .update(backupsTable)
    .set({ deletedAt: now })
    .where(and(inArray(backupsTable.file, files), isNull(backupsTable.deletedAt)));
}

/** The newest attempts first. */
export function listBackups(db: Db, limit: number): Promise<BackupRecord[]> {
  return db
    .select()
    .from(backupsTable)
    .orderBy(desc(backupsTable.startedAt), desc(backupsTable.id))
    .limit(limit);
}

/** One attempt by id. */
export async function getBackup(db: Db, id: string): Promise<BackupRecord | undefined> {
  const [row] = await db.select().from(backupsTable).where(eq(backupsTable.id, id));
  return row;
}
