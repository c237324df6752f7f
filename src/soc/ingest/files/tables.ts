/**
 * @module soc/ingest/files/tables
 * Drizzle definition of the import jobs (created by src/soc/migrations/202612070125_soc_imports.sql).
 */
import { bigint, boolean, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const socImports = pgTable('soc_imports', {
  id: uuid('id').primaryKey(),
  fileName: text('file_name').notNull(),
  requestedFormat: text('requested_format').notNull(),
  format: text('format'),
  encoding: text('encoding'),
  compressed: boolean('compressed'),
  sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
  bytesRead: bigint('bytes_read', { mode: 'number' }).notNull(),
  eventsSubmitted: bigint('events_submitted', { mode: 'number' }).notNull(),
  problemLines: bigint('problem_lines', { mode: 'number' }).notNull(),
  state: text('state').$type<ImportState>().notNull(),
  errorCode: text('error_code'),
  cancelRequested: boolean('cancel_requested').notNull(),
  node: text('node').notNull(),
  createdBy: uuid('created_by'),
  createdByName: text('created_by_name').notNull(),
  unitId: uuid('unit_id'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
});

/** Where a job is: waiting, being read, or ended one of three ways. */
export type ImportState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** A stored import job. */
export type ImportRow = typeof socImports.$inferSelect;
