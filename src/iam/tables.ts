/**
 * @module iam/tables
 * Drizzle definitions of the IAM tables (created by src/iam/migrations).
 */
import { bigint, bigserial, boolean, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const accounts = pgTable('iam_accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  username: text('username').notNull(),
  fullName: text('full_name').notNull(),
  fullNameSearch: text('full_name_search').notNull(),
  email: text('email'),
  unitId: uuid('unit_id'),
  scope: text('scope').$type<'own' | 'subtree' | 'all'>().notNull(),
  status: text('status').$type<'active' | 'locked' | 'disabled' | 'expired'>().notNull(),
  statusReason: text('status_reason'),
  passwordHash: text('password_hash').notNull(),
  passwordChangedAt: ts('password_changed_at').notNull(),
  mustChangePassword: boolean('must_change_password').notNull(),
  totpSecret: text('totp_secret'),
  totpEnabled: boolean('totp_enabled').notNull(),
  totpLastStep: bigint('totp_last_step', { mode: 'number' }),
  lang: text('lang').$type<'vi' | 'en'>().notNull(),
  theme: text('theme').$type<'light' | 'dark'>().notNull().default('light'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  lastLoginAt: ts('last_login_at'),
});

export const passwordHistory = pgTable('iam_password_history', {
  accountId: uuid('account_id').notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const roles = pgTable('iam_roles', {
  id: text('id').primaryKey(),
  nameVi: text('name_vi').notNull(),
  nameEn: text('name_en').notNull(),
  builtin: boolean('builtin').notNull(),
  permissions: text('permissions').array().notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const accountRoles = pgTable(
  'iam_account_roles',
  { accountId: uuid('account_id').notNull(), roleId: text('role_id').notNull() },
  (t) => [primaryKey({ columns: [t.accountId, t.roleId] })],
);

export const accountGrants = pgTable(
  'iam_account_grants',
  {
    accountId: uuid('account_id').notNull(),
    permission: text('permission').notNull(),
    effect: text('effect').$type<'allow' | 'deny'>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.permission] })],
);

export const sessions = pgTable('iam_sessions', {
  id: text('id').primaryKey(),
  accountId: uuid('account_id').notNull(),
  csrfToken: text('csrf_token').notNull(),
  stage: text('stage').$type<'full' | 'totp' | 'password_change'>().notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
  revokedAt: ts('revoked_at'),
  revokedReason: text('revoked_reason'),
  ip: text('ip'),
  userAgent: text('user_agent'),
});

export const loginFailures = pgTable('iam_login_failures', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  username: text('username').notNull(),
  at: ts('at').notNull().defaultNow(),
  ip: text('ip'),
});

export const apiTokens = pgTable('iam_api_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  accountId: uuid('account_id').notNull(),
  name: text('name').notNull(),
  prefix: text('prefix').notNull(),
  tokenHash: text('token_hash').notNull(),
  permissions: text('permissions').array(),
  createdAt: ts('created_at').notNull().defaultNow(),
  expiresAt: ts('expires_at'),
  lastUsedAt: ts('last_used_at'),
  revokedAt: ts('revoked_at'),
});
