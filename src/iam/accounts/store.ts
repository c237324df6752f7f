/**
 * @module iam/accounts/store
 * SQL of accounts, their roles, grants and password history.
 */
import { and, asc, desc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/index.ts';
import { accountGrants, accountRoles, accounts, passwordHistory } from '../tables.ts';

export type AccountRow = typeof accounts.$inferSelect;
export type NewAccountRow = typeof accounts.$inferInsert;

/** The account with its role ids and grants, as the service presents it. */
export interface AccountRecord extends AccountRow {
  roles: string[];
  grants: { permission: string; effect: 'allow' | 'deny' }[];
}

export interface AccountQuery {
  /** Folded search text matched against username and folded full name. */
  q?: string;
  unitIds?: string[] | 'all';
  status?: string;
  role?: string;
  offset: number;
  limit: number;
  sort: 'username' | 'fullName' | 'createdAt' | 'lastLoginAt';
  order: 'asc' | 'desc';
}

function whereOf(q: Omit<AccountQuery, 'offset' | 'limit' | 'sort' | 'order'>): SQL | undefined {
  const like = q.q ? `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  return and(
    like ? or(ilike(accounts.username, like), ilike(accounts.fullNameSearch, like)) : undefined,
    q.unitIds === undefined || q.unitIds === 'all'
      ? undefined
      : q.unitIds.length
        ? inArray(accounts.unitId, q.unitIds)
        : sql`false`,
    q.status ? eq(accounts.status, q.status as AccountRow['status']) : undefined,
    q.role
      ? sql`exists (select 1 from iam_account_roles r where r.account_id = ${accounts.id} and r.role_id = ${q.role})`
      : undefined,
  );
}

/** One page of accounts and the total matching. */
export async function findAccounts(db: Db, q: AccountQuery): Promise<{ rows: AccountRow[]; total: number }> {
  const where = whereOf(q);
  const column = {
    username: accounts.username,
    fullName: accounts.fullName,
    createdAt: accounts.createdAt,
    lastLoginAt: accounts.lastLoginAt,
  }[q.sort];
  const [rows, [count]] = await Promise.all([
    db
      .select()
      .from(accounts)
      .where(where)
      .orderBy(q.order === 'asc' ? asc(column) : desc(column), asc(accounts.id))
      .offset(q.offset)
      .limit(q.limit),
    db.select({ n: sql<number>`count(*)::int` }).from(accounts).where(where),
  ]);
  return { rows, total: count?.n ?? 0 };
}

/** What `searchAccounts` looks for, already normalised by the service. */
export interface AccountSearch {
  /** Words of the folded search text (`[a-z0-9]+` only), each matching the start of a word. */
  words: string[];
  /** The folded search text: a full name starting with it ranks before other matches. */
  folded: string;
  /** The search text in lower case: an equal username ranks first, one starting with it next. */
  username: string;
  unitIds: string[] | 'all';
  limit: number;
}

/**
 * The condition and rank of an account search: words of the folded full name and of the username (GIN index
 * iam_accounts_name_words; the expression must stay identical to migration 202611230640's). Rank 0: the
 * exact username; 1: a username or full name starting with the text; 2: any other match.
 */
export function accountSearchParts(s: AccountSearch): { match: SQL; rank: SQL<number> } {
  if (s.words.length === 0) return { match: sql`false`, rank: sql<number>`2` };
  const query = s.words.map((w) => `${w}:*`).join(' & ');
  const escapeLike = (v: string) => v.replace(/[\\%_]/g, (c) => `\\${c}`);
  return {
    match: sql`to_tsvector('simple', translate(${accounts.fullNameSearch} || ' ' || ${accounts.username}, '._-/', '    ')) @@ to_tsquery('simple', ${query})`,
    rank: sql<number>`(case when ${accounts.username} = ${s.username} then 0
      when ${accounts.username} like ${`${escapeLike(s.username)}%`} or ${accounts.fullNameSearch} like ${`${escapeLike(s.folded)}%`} then 1
      else 2 end)::int`,
  };
}

/** Accounts in `unitIds` matching a search, best first (rank, folded full name, username), at most `limit`. */
export async function searchAccounts(db: Db, s: AccountSearch): Promise<(AccountRow & { rank: number })[]> {
  if (s.words.length === 0 || (s.unitIds !== 'all' && s.unitIds.length === 0)) return [];
  const { match, rank } = accountSearchParts(s);
  const rows = await db
    .select({ account: accounts, rank })
    .from(accounts)
    .where(and(match, s.unitIds === 'all' ? undefined : inArray(accounts.unitId, s.unitIds)))
    .orderBy(rank, asc(accounts.fullNameSearch), asc(accounts.username))
    .limit(s.limit);
  return rows.map((r) => ({ ...r.account, rank: Number(r.rank) }));
}

/** Loads accounts with roles and grants in three set-based queries. */
export async function withRolesAndGrants(db: Db, rows: AccountRow[]): Promise<AccountRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [roleRows, grantRows] = await Promise.all([
    db.select().from(accountRoles).where(inArray(accountRoles.accountId, ids)),
    db.select().from(accountGrants).where(inArray(accountGrants.accountId, ids)),
  ]);
  return rows.map((r) => ({
    ...r,
    roles: roleRows
      .filter((x) => x.accountId === r.id)
      .map((x) => x.roleId)
      .sort(),
    grants: grantRows
      .filter((x) => x.accountId === r.id)
      .map((x) => ({ permission: x.permission, effect: x.effect }))
      .sort((a, b) => a.permission.localeCompare(b.permission)),
  }));
}

function recordQuery(db: Db) {
  return db
    .select({
      account: accounts,
      roles: sql<
        string[]
      >`array(select r.role_id from iam_account_roles r where r.account_id = ${accounts.id} order by r.role_id)`,
      grants: sql<
        AccountRecord['grants']
      >`coalesce((select json_agg(json_build_object('permission', g.permission, 'effect', g.effect) order by g.permission)
        from iam_account_grants g where g.account_id = ${accounts.id}), '[]'::json)`,
    })
    .from(accounts)
    .where(eq(accounts.id, sql.placeholder('id')))
    .prepare('iam_account_record');
}
// A named prepared statement per database: the hot read skips planning, which costs more than running it.
const preparedRecord = new WeakMap<Db, ReturnType<typeof recordQuery>>();

/** One account with its roles and grants, in one query (the hot read of the account API). */
export async function accountRecordById(db: Db, id: string): Promise<AccountRecord | undefined> {
  let query = preparedRecord.get(db);
  if (!query) {
    query = recordQuery(db);
    preparedRecord.set(db, query);
  }
  const [row] = await query.execute({ id });
  return row ? { ...row.account, roles: row.roles, grants: row.grants } : undefined;
}

/** One account by id. */
export async function accountById(db: Db, id: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(accounts).where(eq(accounts.id, id));
  return row;
}

/** One account by (lower-case) username. */
export async function accountByUsername(db: Db, username: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(accounts).where(eq(accounts.username, username));
  return row;
}

/**
 * True when `err` (or its cause, as Drizzle wraps driver errors) is the unique violation of a username
 * another transaction took between our check and our insert.
 */
export function isUsernameTaken(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    const { code, constraint } = e as { code?: unknown; constraint?: unknown };
    if (code === '23505' && constraint === 'iam_accounts_username_key') return true;
  }
  return false;
}

/** Inserts an account and its first password-history row. */
export async function insertAccount(db: Db, row: NewAccountRow): Promise<AccountRow> {
  const [created] = await db.insert(accounts).values(row).returning();
  await db.insert(passwordHistory).values({ accountId: created!.id, passwordHash: row.passwordHash });
  return created!;
}

/** Updates columns of an account. */
export async function updateAccount(
  db: Db,
  id: string,
  patch: Partial<NewAccountRow>,
): Promise<AccountRow | undefined> {
  const [row] = await db
    .update(accounts)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(accounts.id, id))
    .returning();
  return row;
}

/** Replaces the role set of an account. */
export async function replaceRoles(db: Db, accountId: string, roleIds: string[]): Promise<void> {
  await db.delete(accountRoles).where(eq(accountRoles.accountId, accountId));
  if (roleIds.length) await db.insert(accountRoles).values(roleIds.map((roleId) => ({ accountId, roleId })));
}

/** Replaces the per-account grants. */
export async function replaceGrants(
  db: Db,
  accountId: string,
  grants: { permission: string; effect: 'allow' | 'deny' }[],
): Promise<void> {
  await db.delete(accountGrants).where(eq(accountGrants.accountId, accountId));
  if (grants.length) await db.insert(accountGrants).values(grants.map((g) => ({ accountId, ...g })));
}

/** The most recent `n` password hashes of an account. */
export async function recentPasswordHashes(db: Db, accountId: string, n: number): Promise<string[]> {
  if (n <= 0) return [];
  const rows = await db
    .select({ h: passwordHistory.passwordHash })
    .from(passwordHistory)
    .where(eq(passwordHistory.accountId, accountId))
    .orderBy(desc(passwordHistory.createdAt))
    .limit(n);
  return rows.map((r) => r.h);
}

/** Sets a new password hash and records it in the history. */
export async function setPassword(
  db: Db,
  accountId: string,
  hash: string,
  mustChange: boolean,
  at: Date,
): Promise<void> {
  await db
    .update(accounts)
    .set({ passwordHash: hash, passwordChangedAt: at, mustChangePassword: mustChange, updatedAt: at })
    .where(eq(accounts.id, accountId));
  await db.insert(passwordHistory).values({ accountId, passwordHash: hash, createdAt: at });
}

/**
 * SQL for an account's effective permissions: role permissions and allow-grants, minus deny-grants.
 * The one definition used by the account API and by session and token resolution.
 */
export function effectivePermissionsSql(accountId: SQL) {
  return sql`array(
    select p from (
      select unnest(r.permissions) as p
        from iam_account_roles ar join iam_roles r on r.id = ar.role_id
       where ar.account_id = ${accountId}
      union
      select g.permission from iam_account_grants g where g.account_id = ${accountId} and g.effect = 'allow'
    ) x
    where p not in (select g.permission from iam_account_grants g where g.account_id = ${accountId} and g.effect = 'deny')
    order by p
  )`;
}

/** Effective permissions of one account. */
export async function effectivePermissions(db: Db, accountId: string): Promise<string[]> {
  const result = (await db.execute(
    sql`select ${effectivePermissionsSql(sql`${accountId}::uuid`)} as permissions`,
  )) as unknown as { rows: { permissions: string[] }[] };
  return result.rows[0]?.permissions ?? [];
}

/** Number of active accounts holding `permission` through a role or grant (to protect the last admin). */
export async function activeHoldersOf(db: Db, permission: string): Promise<string[]> {
  const result = (await db.execute(sql`
    select a.id from iam_accounts a
     where a.status = 'active'
       and not exists (select 1 from iam_account_grants g where g.account_id = a.id and g.permission = ${permission} and g.effect = 'deny')
       and (exists (select 1 from iam_account_roles ar join iam_roles r on r.id = ar.role_id
                     where ar.account_id = a.id and ${permission} = any(r.permissions))
            or exists (select 1 from iam_account_grants g where g.account_id = a.id and g.permission = ${permission} and g.effect = 'allow'))
  `)) as unknown as { rows: { id: string }[] };
  return result.rows.map((r) => r.id);
}

/**
 * Active accounts holding `permission` (roles and grants, through `effectivePermissionsSql`) whose data
 * scope covers a unit: with `unit` null (an event of no unit) every holder; otherwise scope `all`, the
 * unit's own accounts (scope `own` or `subtree`), and scope `subtree` accounts of one of its ancestors.
 * IAM does not read the organisation tree, so the caller passes the unit's ancestors.
 */
export async function activeHoldersCovering(
  db: Db,
  permission: string,
  unit: { id: string; ancestorIds: readonly string[] } | null,
): Promise<string[]> {
  const covers = unit
    ? sql`and (a.scope = 'all' or a.unit_id = ${unit.id}::uuid
          or (a.scope = 'subtree' and a.unit_id in
              (select x::uuid from jsonb_array_elements_text(${JSON.stringify(unit.ancestorIds)}::jsonb) x)))`
    : sql``;
  const result = (await db.execute(sql`
    select a.id from iam_accounts a
     where a.status = 'active' ${covers}
       and ${permission} = any(${effectivePermissionsSql(sql`a.id`)})
     order by a.id
  `)) as unknown as { rows: { id: string }[] };
  return result.rows.map((r) => r.id);
}

/**
 * Serialises, until the end of the transaction, the changes that can take the administrator role away
 * from accounts, so that two of them cannot each count the other as the remaining administrator.
 */
export async function lockAdminChanges(db: Db): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext('iam:admins'))`);
}

/** True when no account exists yet (first start). */
export async function noAccounts(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(accounts);
  return (row?.n ?? 0) === 0;
}
