/**
 * @module soc/ingest/files/store
 * SQL of the import jobs: create, claim, progress (one statement that also reads a cancel request from any
 * node), finish, cancel, and the scoped list.
 */
import { and, asc, desc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../../core/db/index.ts';
import { type ImportRow, type ImportState, socImports as t } from './tables.ts';

export type NewImport = Pick<
  ImportRow,
  | 'id'
  | 'fileName'
  | 'requestedFormat'
  | 'sizeBytes'
  | 'node'
  | 'createdBy'
  | 'createdByName'
  | 'unitId'
  | 'createdAt'
> & { compressed: boolean | null };

/** Figures a running job reports. */
export interface ImportFigures {
  bytesRead: number;
  eventsSubmitted: number;
  problemLines: number;
  format: string | null;
  encoding: string | null;
  compressed: boolean | null;
}

/** Stores a queued job. */
export async function insertImport(db: Db, job: NewImport): Promise<ImportRow> {
  const [row] = await db
    .insert(t)
    .values({
      ...job,
      bytesRead: 0,
      eventsSubmitted: 0,
      problemLines: 0,
      state: 'queued',
      cancelRequested: false,
    })
    .returning();
  return row!;
}

/** Marks a queued job running; undefined when it is no longer queued (cancelled meanwhile). */
export async function claimImport(db: Db, id: string, at: Date): Promise<ImportRow | undefined> {
  const [row] = await db
    .update(t)
    .set({ state: 'running', startedAt: at })
    .where(and(eq(t.id, id), eq(t.state, 'queued')))
    .returning();
  return row;
}

/** Writes a running job's figures; answers whether a cancel was asked for (possibly on another node). */
export async function updateProgress(db: Db, id: string, f: ImportFigures): Promise<boolean> {
  const [row] = await db
    .update(t)
    .set(f)
    .where(and(eq(t.id, id), eq(t.state, 'running')))
    .returning({ cancelRequested: t.cancelRequested });
  return row?.cancelRequested ?? false;
}

/** Ends a job with its final figures. */
export async function finishImport(
  db: Db,
  id: string,
  end: ImportFigures & {
    state: Exclude<ImportState, 'queued' | 'running'>;
    errorCode: string | null;
    at: Date;
  },
): Promise<ImportRow | undefined> {
  const { state, errorCode, at, ...figures } = end;
  const [row] = await db
    .update(t)
    .set({ ...figures, state, errorCode, finishedAt: at })
    .where(and(eq(t.id, id), inArray(t.state, ['queued', 'running'])))
    .returning();
  return row;
}

/** Cancels a job at once when still queued, else flags a running one; undefined when it has ended. */
export async function cancelImport(db: Db, id: string, at: Date): Promise<ImportRow | undefined> {
  const [queued] = await db
    .update(t)
    .set({ state: 'cancelled', cancelRequested: true, finishedAt: at })
    .where(and(eq(t.id, id), eq(t.state, 'queued')))
    .returning();
  if (queued) return queued;
  const [running] = await db
    .update(t)
    .set({ cancelRequested: true })
    .where(and(eq(t.id, id), eq(t.state, 'running')))
    .returning();
  return running;
}

/** One job. */
export async function getImport(db: Db, id: string): Promise<ImportRow | undefined> {
  const [row] = await db.select().from(t).where(eq(t.id, id));
  return row;
}

/** Who may see which jobs: their own, and those of these units (undefined = every unit). */
export interface ImportVisibility {
  actorId: string | null;
  unitIds: readonly string[] | undefined;
}

function visible(v: ImportVisibility): SQL | undefined {
  if (!v.unitIds) return undefined;
  const own = v.actorId ? eq(t.createdBy, v.actorId) : sql`false`;
  return v.unitIds.length ? or(own, inArray(t.unitId, [...v.unitIds])) : own;
}

/** True when the job is one the viewer may see. */
export function isVisible(row: ImportRow, v: ImportVisibility): boolean {
  if (!v.unitIds) return true;
  if (v.actorId && row.createdBy === v.actorId) return true;
  return row.unitId !== null && v.unitIds.includes(row.unitId);
}

/** Jobs newest first, after the keyset cursor. */
export function listImports(
  db: Db,
  f: ImportVisibility & { state?: ImportState; before?: { createdAt: Date; id: string }; limit: number },
): Promise<ImportRow[]> {
  const where: (SQL | undefined)[] = [visible(f)];
  if (f.state) where.push(eq(t.state, f.state));
  if (f.before) {
    where.push(
      sql`(${t.createdAt}, ${t.id}) < (${f.before.createdAt.toISOString()}::timestamptz, ${f.before.id}::uuid)`,
    );
  }
  return db
    .select()
    .from(t)
    .where(and(...where))
    .orderBy(desc(t.createdAt), desc(t.id))
    .limit(f.limit);
}

/** This node's jobs that had not ended when it stopped, oldest first. */
export function pendingImports(db: Db, node: string): Promise<ImportRow[]> {
  return db
    .select()
    .from(t)
    .where(and(eq(t.node, node), inArray(t.state, ['queued', 'running'])))
    .orderBy(asc(t.createdAt));
}
