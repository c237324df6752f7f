/**
 * @module lgsp/maintenance/tables
 * Drizzle definition of the maintenance windows (created by migration 202611231030_lgsp_maintenance).
 */
import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const maintenanceWindows = pgTable('lgsp_maintenance_windows', {
  id: uuid('id').primaryKey().defaultRandom(),
  title: text('title').notNull(),
  message: text('message').notNull(),
  startsAt: ts('starts_at').notNull(),
  endsAt: ts('ends_at').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: ts('created_at').notNull(),
  remindedAt: ts('reminded_at'),
  cancelledAt: ts('cancelled_at'),
  cancelledBy: text('cancelled_by'),
  cancelReason: text('cancel_reason'),
});

/** A maintenance window as stored. */
export type WindowRow = typeof maintenanceWindows.$inferSelect;
