/**
 * @module core/audit/tables
 * Drizzle definitions of the audit tables (created by src/core/migrations).
 */
import { bigint, bigserial, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const auditLog = pgTable('audit_log', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  category: text('category').notNull(),
  action: text('action').notNull(),
  description: text('description').notNull(),
  actorId: uuid('actor_id'),
  actorName: text('actor_name').notNull(),
  unitId: uuid('unit_id'),
  severity: text('severity').notNull(),
  sourceIp: text('source_ip'),
  outcome: text('outcome').notNull(),
  requestId: text('request_id'),
  targetType: text('target_type'),
  targetId: text('target_id'),
  details: jsonb('details').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

export const auditChainAnchor = pgTable('audit_chain_anchor', {
  category: text('category').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});
