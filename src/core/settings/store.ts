/**
 * @module core/settings/store
 * SQL of administrator-set settings (policies), one JSON value per key.
 */
import { eq, inArray } from 'drizzle-orm';
import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Db } from '../db/index.ts';

export const settingsTable = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by'),
});

/** Reads one setting's stored value, or undefined. */
export async function readSetting(db: Db, key: string): Promise<unknown> {
  const [row] = await db
    .select({ value: settingsTable.value })
    .from(settingsTable)
    .where(eq(settingsTable.key, key));
  return row?.value;
}

/** Inserts or replaces one setting. */
export async function writeSetting(db: Db, key: string, value: unknown, by: string): Promise<void> {
  await db
    .insert(settingsTable)
    .values({ key, value, updatedBy: by })
    .onConflictDoUpdate({ target: settingsTable.key, set: { value, updatedBy: by, updatedAt: new Date() } });
}

/** When each of `keys` was last set by an administrator; keys never set are absent. */
export async function settingTimes(db: Db, keys: string[]): Promise<Map<string, Date>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .select({ key: settingsTable.key, updatedAt: settingsTable.updatedAt })
    .from(settingsTable)
    .where(inArray(settingsTable.key, keys));
  return new Map(rows.map((r) => [r.key, r.updatedAt]));
}
