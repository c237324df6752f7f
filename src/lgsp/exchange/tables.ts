/**
 * @module lgsp/exchange/tables
 * Drizzle definition of the exchange records (created by src/lgsp/migrations/202611231010_lgsp_exchange.sql).
 */
import { bigint, bigserial, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const lgspExchange = pgTable('lgsp_exchange', {
  id: uuid('id').primaryKey(),
  requestId: text('request_id').notNull(),
  timeIn: timestamp('time_in', { withTimezone: true, mode: 'date' }).notNull(),
  timeOut: timestamp('time_out', { withTimezone: true, mode: 'date' }).notNull(),
  sourceApplicationId: uuid('source_application_id'),
  sourceApplicationCode: text('source_application_code'),
  sourceUnitId: uuid('source_unit_id'),
  sourceUnitCode: text('source_unit_code'),
  destinationServiceId: uuid('destination_service_id'),
  serviceCode: text('service_code').notNull(),
  destinationUnitId: uuid('destination_unit_id'),
  destinationUnitCode: text('destination_unit_code').notNull(),
  method: text('method').notNull(),
  path: text('path').notNull(),
  requestBytes: bigint('request_bytes', { mode: 'number' }).notNull(),
  responseBytes: bigint('response_bytes', { mode: 'number' }).notNull(),
  status: integer('status').notNull(),
  errorCode: text('error_code'),
  latencyMs: integer('latency_ms').notNull(),
  node: text('node').notNull(),
  mode: text('mode').notNull(),
  /** Insert order, for followers (202612070200_lgsp_exchange_seq.sql). */
  seq: bigserial('seq', { mode: 'number' }).notNull(),
});
