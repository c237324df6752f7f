/**
 * @module soc/pipelines/store
 * SQL of the operator pipelines.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../core/db/index.ts';
import { type PipelineRow, socPipelines } from './tables.ts';

/** Every operator pipeline, by id. */
export function allPipelines(db: Db): Promise<PipelineRow[]> {
  return db.select().from(socPipelines).orderBy(asc(socPipelines.id));
}

/** The enabled operator pipelines (what a node loads). */
export function enabledPipelines(db: Db): Promise<PipelineRow[]> {
  return db.select().from(socPipelines).where(eq(socPipelines.enabled, true)).orderBy(asc(socPipelines.id));
}

/** One pipeline, locked for update when `lock`. */
export async function findPipeline(db: Db, id: string, lock = false): Promise<PipelineRow | null> {
  const q = db.select().from(socPipelines).where(eq(socPipelines.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row ?? null;
}

/** Inserts a pipeline; false when the id is taken. */
export async function insertPipeline(db: Db, row: PipelineRow): Promise<boolean> {
  const inserted = await db
    .insert(socPipelines)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: socPipelines.id });
  return inserted.length === 1;
}

/** Replaces a pipeline's source and flags, bumping its version. */
export async function updatePipeline(
  db: Db,
  id: string,
  change: Pick<
    PipelineRow,
    'name' | 'source' | 'enabled' | 'priority' | 'updatedAt' | 'updatedBy' | 'version'
  >,
): Promise<PipelineRow | null> {
  const [row] = await db
    .update(socPipelines)
    .set(change)
    .where(and(eq(socPipelines.id, id), eq(socPipelines.version, change.version - 1)))
    .returning();
  return row ?? null;
}

/** Deletes a pipeline; the deleted row, or null. */
export async function deletePipeline(db: Db, id: string): Promise<PipelineRow | null> {
  const [row] = await db.delete(socPipelines).where(eq(socPipelines.id, id)).returning();
  return row ?? null;
}
