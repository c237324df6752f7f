/**
 * @module core/notifications/tables
 * Drizzle definition of the notifications table (created by migration 202611230610_core_notifications).
 */
import { bigserial, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** How serious a notification is; the console picks its colour and icon from it. */
export type NotificationSeverity = 'info' | 'warning' | 'error';

export const notifications = pgTable('core_notifications', {
  id: uuid('id').primaryKey().defaultRandom(),
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  recipientId: uuid('recipient_id').notNull(),
  kind: text('kind').notNull(),
  severity: text('severity').$type<NotificationSeverity>().notNull(),
  titleVi: text('title_vi').notNull(),
  titleEn: text('title_en').notNull(),
  bodyVi: text('body_vi').notNull(),
  bodyEn: text('body_en').notNull(),
  link: text('link'),
  createdAt: ts('created_at').notNull().defaultNow(),
  readAt: ts('read_at'),
});

/** A notification row as stored. */
export type NotificationRow = typeof notifications.$inferSelect;
