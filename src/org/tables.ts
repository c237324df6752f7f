/**
 * @module org/tables
 * Drizzle definitions of the organisation tables, mirroring migrations/202611230310_org_init.sql.
 * Only src/org/store.ts reads them; other modules use the org service.
 */
import {
  bigserial,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/** Units of the tree, current state (closed units stay as history). */
export const orgUnits = pgTable(
  'org_units',
  {
    id: uuid('id').primaryKey(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    nameSearch: text('name_search').notNull(),
    shortName: text('short_name'),
    kind: text('kind').notNull(),
    parentId: uuid('parent_id'),
    // Collation "C" (migration 202611230320): byte order makes a subtree one index range.
    path: text('path').notNull().unique(),
    depth: integer('depth').notNull(),
    status: text('status').notNull().default('active'),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }),
    address: text('address'),
    email: text('email'),
    phone: text('phone'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('org_units_parent').on(t.parentId)],
);

/** Every code ever issued and the unit that held it; the primary key keeps codes unique forever. */
export const orgUnitCodes = pgTable(
  'org_unit_codes',
  {
    code: text('code').primaryKey(),
    unitId: uuid('unit_id').notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }),
  },
  (t) => [index('org_unit_codes_unit').on(t.unitId)],
);

/** Successor links written by split, merge and dissolve. */
export const orgUnitSuccessors = pgTable(
  'org_unit_successors',
  {
    predecessorId: uuid('predecessor_id').notNull(),
    successorId: uuid('successor_id').notNull(),
    operationId: uuid('operation_id').notNull(),
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.predecessorId, t.successorId] }),
    index('org_unit_successors_successor').on(t.successorId),
  ],
);

/** History rows, one per unit touched by an operation. */
export const orgUnitEvents = pgTable(
  'org_unit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    operationId: uuid('operation_id').notNull(),
    operation: text('operation').notNull(),
    unitId: uuid('unit_id').notNull(),
    eventType: text('event_type').notNull(),
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
    decisionRef: text('decision_ref'),
    oldCode: text('old_code'),
    newCode: text('new_code'),
    before: jsonb('before').$type<Record<string, unknown> | null>(),
    after: jsonb('after').$type<Record<string, unknown> | null>(),
    relatedUnitIds: jsonb('related_unit_ids').$type<string[]>().notNull().default([]),
    actorId: uuid('actor_id'),
    actorName: text('actor_name').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    index('org_unit_events_unit').on(t.unitId, t.id),
    index('org_unit_events_operation').on(t.operationId),
  ],
);
