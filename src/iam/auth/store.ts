/**
 * @module iam/auth/store
 * SQL of sessions, failed logins and API tokens. Session and token ids are stored as SHA-256 hashes,
 * so a leaked table does not hand out live sessions.
 */
import { and, eq, gte, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/index.ts';
import { effectivePermissionsSql } from '../accounts/store.ts';
import { apiTokens, loginFailures, sessions } from '../tables.ts';

export type SessionRow = typeof sessions.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;

/** What a request needs to know about its session and account, loaded in one query. */
export interface SessionPrincipal {
  sessionId: string;
  csrfToken: string;
  stage: 'full' | 'totp' | 'password_change';
  createdAt: Date;
  lastSeenAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
  accountId: string;
  username: string;
  fullName: string;
  unitId: string | null;
  scope: 'own' | 'subtree' | 'all';
  status: string;
  lang: 'vi' | 'en';
  permissions: string[];
}

/** Inserts a session. */
export async function insertSession(db: Db, row: typeof sessions.$inferInsert): Promise<void> {
  await db.insert(sessions).values(row);
}

/** Loads a session with its account and effective permissions. */
export async function loadSessionPrincipal(db: Db, sessionId: string): Promise<SessionPrincipal | undefined> {
  const result = (await db.execute(sql`
    select s.id as "sessionId", s.csrf_token as "csrfToken", s.stage, s.created_at as "createdAt",
           s.last_seen_at as "lastSeenAt", s.revoked_at as "revokedAt", s.revoked_reason as "revokedReason",
           a.id as "accountId", a.username, a.full_name as "fullName", a.unit_id as "unitId", a.scope,
           a.status, a.lang, ${effectivePermissionsSql(sql`a.id`)} as permissions
      from iam_sessions s join iam_accounts a on a.id = s.account_id
     where s.id = ${sessionId}`)) as unknown as { rows: SessionPrincipal[] };
  const row = result.rows[0];
  if (!row) return undefined;
  // pg returns timestamptz as Date; PGlite too. Normalise defensively for string drivers.
  return {
    ...row,
    createdAt: new Date(row.createdAt),
    lastSeenAt: new Date(row.lastSeenAt),
    revokedAt: row.revokedAt ? new Date(row.revokedAt) : null,
  };
}

/** Moves the idle clock of a session forward. */
export async function touchSession(db: Db, sessionId: string, at: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, sessionId));
}

/** Revokes one session. */
export async function revokeSession(
  db: Db,
  sessionId: string,
  reason: string,
  at = new Date(),
): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: at, revokedReason: reason })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/**
 * Replaces an open session by a new one at `stage` (same account, login time, address and browser) and
 * revokes the old one, in one statement. Returns false when the old session was no longer open.
 */
export async function replaceSession(
  db: Db,
  oldId: string,
  next: { id: string; csrfToken: string; stage: SessionRow['stage'] },
  at: Date,
): Promise<boolean> {
  const result = (await db.execute(sql`
    with old as (
      update iam_sessions set revoked_at = ${at.toISOString()}::timestamptz, revoked_reason = 'replaced at a new stage'
       where id = ${oldId} and revoked_at is null
      returning account_id, created_at, ip, user_agent
    )
    insert into iam_sessions (id, account_id, csrf_token, stage, created_at, last_seen_at, ip, user_agent)
    select ${next.id}, account_id, ${next.csrfToken}, ${next.stage}, created_at, ${at.toISOString()}::timestamptz, ip, user_agent
      from old`)) as unknown as { rowCount?: number | null; affectedRows?: number };
  return (result.rowCount ?? result.affectedRows ?? 0) === 1;
}

/** Revokes every open session of an account. */
export async function revokeAccountSessions(
  db: Db,
  accountId: string,
  reason: string,
  exceptId?: string,
): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(
      and(
        eq(sessions.accountId, accountId),
        isNull(sessions.revokedAt),
        exceptId ? sql`${sessions.id} <> ${exceptId}` : undefined,
      ),
    );
}

/** Records a failed login for a username (known or not, so the two cannot be told apart). */
export async function recordFailure(db: Db, username: string, ip: string | null, at: Date): Promise<void> {
  await db.insert(loginFailures).values({ username, ip, at });
}

/** Failed logins of a username since `since`. */
export async function failuresSince(db: Db, username: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(loginFailures)
    .where(and(eq(loginFailures.username, username), gte(loginFailures.at, since)));
  return row?.n ?? 0;
}

/** Forgets the failures of a username (successful login or admin unlock). */
export async function clearFailures(db: Db, username: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.username, username));
}

/** Inserts an API token. */
export async function insertToken(db: Db, row: typeof apiTokens.$inferInsert): Promise<ApiTokenRow> {
  const [saved] = await db.insert(apiTokens).values(row).returning();
  return saved!;
}

/** The tokens of an account. */
export function tokensOf(db: Db, accountId: string): Promise<ApiTokenRow[]> {
  return db.select().from(apiTokens).where(eq(apiTokens.accountId, accountId)).orderBy(apiTokens.createdAt);
}

/** Revokes a token of an account; false if it was not found. */
export async function revokeToken(db: Db, accountId: string, id: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: at })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.accountId, accountId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

/** What a request authenticated by an API token needs, in one query. */
export interface TokenPrincipal {
  tokenId: string;
  tokenPermissions: string[] | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  accountId: string;
  username: string;
  unitId: string | null;
  scope: 'own' | 'subtree' | 'all';
  status: string;
  lang: 'vi' | 'en';
  permissions: string[];
}

/** Loads a token by hash with its account and the account's effective permissions. */
export async function loadTokenPrincipal(db: Db, tokenHash: string): Promise<TokenPrincipal | undefined> {
  const result = (await db.execute(sql`
    select t.id as "tokenId", t.permissions as "tokenPermissions", t.expires_at as "expiresAt",
           t.revoked_at as "revokedAt", t.last_used_at as "lastUsedAt",
           a.id as "accountId", a.username, a.unit_id as "unitId", a.scope, a.status, a.lang,
           ${effectivePermissionsSql(sql`a.id`)} as permissions
      from iam_api_tokens t join iam_accounts a on a.id = t.account_id
     where t.token_hash = ${tokenHash}`)) as unknown as { rows: TokenPrincipal[] };
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    ...row,
    expiresAt: row.expiresAt ? new Date(row.expiresAt) : null,
    revokedAt: row.revokedAt ? new Date(row.revokedAt) : null,
    lastUsedAt: row.lastUsedAt ? new Date(row.lastUsedAt) : null,
  };
}

/** Records token use (throttled by the caller). */
export async function touchToken(db: Db, id: string, at: Date): Promise<void> {
  await db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id));
}
