/**
 * @module iam/roles/store
 * SQL of roles.
 */
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/index.ts';
import { roles } from '../tables.ts';

export type RoleRow = typeof roles.$inferSelect;

/** All roles, built-in first. */
export function listRoles(db: Db): Promise<RoleRow[]> {
  return db.select().from(roles).orderBy(sql`${roles.builtin} desc`, asc(roles.id));
}

/** Roles by id. */
export function rolesByIds(db: Db, ids: string[]): Promise<RoleRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.select().from(roles).where(inArray(roles.id, ids));
}

/** Inserts or updates a role. */
export async function upsertRole(db: Db, row: Omit<RoleRow, 'updatedAt'>): Promise<RoleRow> {
  const [saved] = await db
    .insert(roles)
    .values(row)
    .onConflictDoUpdate({
      target: roles.id,
      set: { nameVi: row.nameVi, nameEn: row.nameEn, permissions: row.permissions, updatedAt: new Date() },
    })
    .returning();
  return saved!;
}

/** Deletes a role (its assignments cascade). */
export async function deleteRole(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(roles).where(eq(roles.id, id)).returning({ id: roles.id });
  return rows.length > 0;
}
