/**
 * @module soc/pipelines/tables
 * Drizzle definition of the operator pipelines table (src/soc/migrations/202612070130_soc_pipelines.sql).
 */
import { boolean, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Pipelines operators wrote (YAML source), possibly overriding shipped ones. */
export const socPipelines = pgTable('soc_pipelines', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  source: text('source').notNull(),
  enabled: boolean('enabled').notNull(),
  priority: integer('priority').notNull(),
  version: integer('version').notNull(),
  createdAt: ts('created_at').notNull(),
  createdBy: text('created_by').notNull(),
  updatedAt: ts('updated_at').notNull(),
  updatedBy: text('updated_by').notNull(),
});

export type PipelineRow = typeof socPipelines.$inferSelect;
