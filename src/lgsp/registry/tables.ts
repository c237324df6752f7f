/**
 * @module lgsp/registry/tables
 * Drizzle definitions of the registry tables, mirroring migrations/202611231000_lgsp_registry.sql.
 * Only src/lgsp/registry/store.ts reads them; the other LGSP parts use the registry's lookup.
 */
import { bigserial, boolean, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { CredentialKind, ServiceProtocol, SignatureAlgorithm } from '../contracts.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Applications of connected units (WSO2 "applications", X-Road subsystems). */
export const applications = pgTable('lgsp_applications', {
  id: uuid('id').primaryKey(),
  unitId: uuid('unit_id').notNull(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  nameSearch: text('name_search').notNull(),
  description: text('description'),
  kind: text('kind').$type<CredentialKind>().notNull(),
  algorithms: text('algorithms').array().$type<SignatureAlgorithm[]>().notNull(),
  allowedNetworks: text('allowed_networks').array().notNull(),
  rateLimitPerMinute: integer('rate_limit_per_minute'),
  quotaPerDay: integer('quota_per_day'),
  status: text('status').$type<'active' | 'suspended'>().notNull(),
  statusReason: text('status_reason'),
  contactName: text('contact_name'),
  contactEmail: text('contact_email'),
  contactPhone: text('contact_phone'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/** Access keys: HMAC secrets (sealed) or RSA public keys. */
export const keys = pgTable('lgsp_keys', {
  accessKey: text('access_key').primaryKey(),
  applicationId: uuid('application_id').notNull(),
  status: text('status').$type<'active' | 'rotated' | 'revoked'>().notNull(),
  secretSealed: text('secret_sealed'),
  publicKeyPem: text('public_key_pem'),
  keyBits: integer('key_bits'),
  certificatePem: text('certificate_pem'),
  certificateSubject: text('certificate_subject'),
  certificateSerial: text('certificate_serial'),
  certificateNotBefore: ts('certificate_not_before'),
  certificateNotAfter: ts('certificate_not_after'),
  createdAt: ts('created_at').notNull(),
  createdBy: text('created_by').notNull(),
  validUntil: ts('valid_until'),
  revokedAt: ts('revoked_at'),
  revokedReason: text('revoked_reason'),
  expiryRemindedDays: integer('expiry_reminded_days'),
});

/** Destination services provided by applications. */
export const services = pgTable('lgsp_services', {
  id: uuid('id').primaryKey(),
  unitId: uuid('unit_id').notNull(),
  applicationId: uuid('application_id').notNull(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  nameSearch: text('name_search').notNull(),
  description: text('description'),
  dataTypes: text('data_types').array().notNull(),
  dataTypesSearch: text('data_types_search').array().notNull(),
  protocol: text('protocol').$type<ServiceProtocol>().notNull(),
  baseUrl: text('base_url').notNull(),
  healthPath: text('health_path'),
  timeoutMs: integer('timeout_ms').notNull(),
  allowedMethods: text('allowed_methods').array().notNull(),
  active: boolean('active').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/** Access rights: application → service, with the operations (HTTP methods) allowed. */
export const rights = pgTable(
  'lgsp_rights',
  {
    applicationId: uuid('application_id').notNull(),
    serviceId: uuid('service_id').notNull(),
    operations: text('operations').array().notNull(),
    reason: text('reason'),
    grantedAt: ts('granted_at').notNull(),
    grantedBy: text('granted_by').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.applicationId, t.serviceId] })],
);

/** History of every grant, change and revocation of a right. */
export const rightsHistory = pgTable('lgsp_rights_history', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  applicationId: uuid('application_id').notNull(),
  serviceId: uuid('service_id').notNull(),
  action: text('action').$type<'grant' | 'change' | 'revoke'>().notNull(),
  operationsBefore: text('operations_before').array(),
  operationsAfter: text('operations_after').array(),
  reason: text('reason'),
  actorId: uuid('actor_id'),
  actorName: text('actor_name').notNull(),
  at: ts('at').notNull(),
});

export type ApplicationRow = typeof applications.$inferSelect;
export type KeyRow = typeof keys.$inferSelect;
export type ServiceRow = typeof services.$inferSelect;
export type RightRow = typeof rights.$inferSelect;
export type RightHistoryRow = typeof rightsHistory.$inferSelect;
