/**
 * @module lgsp/availability/tables
 * Drizzle definitions of the availability tables (created by migration 202611231005_lgsp_availability).
 */
import { bigserial, boolean, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** What decided a state change: an active probe, the gateway's forwarded calls, or the registry. */
export type AvailabilityCause = 'probe' | 'traffic' | 'registry';

export const availabilityStates = pgTable('lgsp_availability_states', {
  serviceId: text('service_id').primaryKey(),
  unitId: uuid('unit_id').notNull(),
  online: boolean('online'),
  since: ts('since'),
  cause: text('cause').$type<AvailabilityCause>(),
  detail: text('detail'),
  probeOkStreak: integer('probe_ok_streak').notNull().default(0),
  probeFailStreak: integer('probe_fail_streak').notNull().default(0),
  lastOkAt: ts('last_ok_at'),
  lastFailureAt: ts('last_failure_at'),
  lastError: text('last_error'),
  notifiedAt: ts('notified_at'),
  updatedAt: ts('updated_at').notNull(),
});

export const availabilityEvents = pgTable('lgsp_availability_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  serviceId: text('service_id').notNull(),
  unitId: uuid('unit_id').notNull(),
  online: boolean('online').notNull(),
  since: ts('since').notNull(),
  until: ts('until'),
  cause: text('cause').$type<AvailabilityCause>().notNull(),
  detail: text('detail'),
});

/** A state row as stored. */
export type StateRow = typeof availabilityStates.$inferSelect;
/** A history row as stored. */
export type EventRow = typeof availabilityEvents.$inferSelect;
