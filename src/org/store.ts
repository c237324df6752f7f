/**
 * @module org/store
 * All SQL of the organisation module. Scope is always applied in SQL as a materialised-path range
 * (the actor unit's path and everything after it that starts with it), so a subtree costs one indexed
 * query, never one query per unit.
 * Bulk writes pass their rows as one JSON parameter (`jsonb_to_recordset`) to stay clear of the
 * 65 535-parameter limit of the PostgreSQL protocol.
 */
import { and, asc, desc, eq, gt, inArray, like, lt, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { type Db, pgErrorOf, queryRows } from '../core/db/index.ts';
import { orgUnitCodes, orgUnitEvents, orgUnitSuccessors, orgUnits } from './tables.ts';

/** A unit row as stored, including its materialised path. */
export type UnitRow = typeof orgUnits.$inferSelect;

/** A new unit row. */
export type NewUnitRow = typeof orgUnits.$inferInsert;

/** A history row to write. */
export type NewEventRow = typeof orgUnitEvents.$inferInsert;

/** A history row as stored. */
export type EventRow = typeof orgUnitEvents.$inferSelect;

/** The reach of a reader, resolved from the actor: everything, one unit, a unit's subtree, or nothing. */
export type Scope = { kind: 'all' } | { kind: 'own' | 'subtree'; unitId: string } | { kind: 'none' };

const CHUNK = 500;

/** The SQL condition restricting `org_units` rows to a scope. */
export function scopeCondition(scope: Scope): SQL {
  switch (scope.kind) {
    case 'all':
      return sql`true`;
    case 'none':
      return sql`false`;
    case 'own':
      return eq(orgUnits.id, scope.unitId);
    case 'subtree':
      return inSubtreeOf(scope.unitId);
  }
}

/**
 * Units in the subtree of `unitId` (itself included): the path range [path, path || '~'), which the
 * "C"-collated unique index on path answers directly (see migration 202611230320). An unknown unit makes
 * both bounds null, and the condition matches nothing: deny by default.
 */
export function inSubtreeOf(unitId: string): SQL {
  return sql`(${orgUnits.path} >= (select p.path from org_units p where p.id = ${unitId})
    and ${orgUnits.path} < (select p.path || '~' from org_units p where p.id = ${unitId}))`;
}

/**
 * Serialises every write to the tree within the transaction. Tree changes are rare, and checks such as
 * "the new parent is not inside the moved subtree" or "this code is still free" are only sound when no
 * other change to the tree runs between the check and the write.
 */
export async function lockTree(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('org:tree'))`);
}

/** Units by id (any status), in no particular order. */
export async function findUnits(db: Db, ids: readonly string[]): Promise<UnitRow[]> {
  if (ids.length === 0) return [];
  const out: UnitRow[] = [];
  for (const part of chunks(ids)) {
    out.push(
      ...(await db
        .select()
        .from(orgUnits)
        .where(inArray(orgUnits.id, [...part]))),
    );
  }
  return out;
}

/** One unit by id, or null. */
export async function findUnit(db: Db, id: string): Promise<UnitRow | null> {
  const [row] = await db.select().from(orgUnits).where(eq(orgUnits.id, id));
  return row ?? null;
}

/** The units among `ids` that lie within `scope`, in one query. */
export async function findUnitsInScope(db: Db, scope: Scope, ids: readonly string[]): Promise<UnitRow[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const out: UnitRow[] = [];
  for (const part of chunks(unique)) {
    out.push(
      ...(await db
        .select()
        .from(orgUnits)
        .where(and(inArray(orgUnits.id, [...part]), scopeCondition(scope)))),
    );
  }
  return out;
}

/** Units whose current code is one of `codes`. */
export async function findUnitsByCode(db: Db, codes: readonly string[]): Promise<UnitRow[]> {
  if (codes.length === 0) return [];
  const out: UnitRow[] = [];
  for (const part of chunks(codes)) {
    out.push(
      ...(await db
        .select()
        .from(orgUnits)
        .where(inArray(orgUnits.code, [...part]))),
    );
  }
  return out;
}

/** The subset of `ids` that exist and lie within `scope`, in one query. */
export async function idsInScope(db: Db, scope: Scope, ids: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Set();
  const found = new Set<string>();
  for (const part of chunks(unique)) {
    const rows = await db
      .select({ id: orgUnits.id })
      .from(orgUnits)
      .where(and(inArray(orgUnits.id, [...part]), scopeCondition(scope)));
    for (const r of rows) found.add(r.id);
  }
  return found;
}

/** Ids of every unit within `scope` (any status). */
export async function visibleIds(db: Db, scope: Scope): Promise<string[]> {
  const rows = await db.select({ id: orgUnits.id }).from(orgUnits).where(scopeCondition(scope));
  return rows.map((r) => r.id);
}

/** Ids of a unit and all its descendants (any status); empty when the unit does not exist. */
export async function subtreeIds(db: Db, unitId: string, activeOnly = false): Promise<string[]> {
  const rows = await db
    .select({ id: orgUnits.id })
    .from(orgUnits)
    .where(and(inSubtreeOf(unitId), activeOnly ? eq(orgUnits.status, 'active') : undefined));
  return rows.map((r) => r.id);
}

/** Filters of `listUnits`, already normalised by the service. */
export interface ListFilter {
  /** Folded search text (see foldForSearch). */
  search?: string;
  /** Upper-cased part of a code (codes read right to left, so `31.H23` is a useful search). */
  codePart?: string;
  status?: 'active' | 'closed';
  kind?: string;
  parentId?: string;
  limit: number;
  offset: number;
}

/** One page of units within `scope`, ordered by folded name then code, and the total count. */
export async function listUnits(
  db: Db,
  scope: Scope,
  f: ListFilter,
): Promise<{ rows: UnitRow[]; total: number }> {
  const text: SQL[] = [];
  if (f.search) text.push(like(orgUnits.nameSearch, `%${escapeLike(f.search)}%`));
  if (f.codePart) text.push(like(orgUnits.code, `%${escapeLike(f.codePart)}%`));
  const where = and(
    scopeCondition(scope),
    text.length ? or(...text) : undefined,
    f.status ? eq(orgUnits.status, f.status) : undefined,
    f.kind ? eq(orgUnits.kind, f.kind) : undefined,
    f.parentId ? eq(orgUnits.parentId, f.parentId) : undefined,
  );
  const rows = await db
    .select()
    .from(orgUnits)
    .where(where)
    .orderBy(asc(orgUnits.nameSearch), asc(orgUnits.code))
    .limit(f.limit)
    .offset(f.offset);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(orgUnits).where(where);
  return { rows, total: count?.n ?? 0 };
}

/** What `searchUnits` looks for, already normalised by the service. */
export interface UnitSearch {
  /** Words of the folded search text (`[a-z0-9]+` only), each matching the start of a word of the name. */
  words: string[];
  /** The folded search text: a name starting with it ranks before other matches. */
  folded: string;
  /** The canonical code the text names, when it is one (ranked first). */
  exactCode: string | null;
  /** An upper-cased code ending (`31.H23`): the units whose codes end with it, i.e. that unit's subtree. */
  codeSuffix: string | null;
  limit: number;
}

/**
 * The condition and rank of a unit search: matches by name words (GIN index org_units_name_words), exact
 * code (unique index) or code ending (index org_units_code_reversed). The expressions must stay identical to
 * those of migration 202611230640 for the indexes to apply. Rank 0: the exact code; 1: a name starting with
 * the text, or a code ending with it; 2: any other match.
 */
export function unitSearchParts(s: UnitSearch): { match: SQL; rank: SQL<number> } {
  const match: SQL[] = [];
  const first: SQL[] = [];
  if (s.words.length > 0) {
    const query = s.words.map((w) => `${w}:*`).join(' & ');
    match.push(
      sql`to_tsvector('simple', translate(${orgUnits.nameSearch}, '._-/', '    ')) @@ to_tsquery('simple', ${query})`,
    );
    first.push(sql`${orgUnits.nameSearch} like ${`${escapeLike(s.folded)}%`}`);
  }
  if (s.exactCode) match.push(sql`${orgUnits.code} = ${s.exactCode}`);
  if (s.codeSuffix) {
    const reversed = sql`reverse(${orgUnits.code}) like ${`${escapeLike([...s.codeSuffix].reverse().join(''))}%`}`;
    match.push(reversed);
    first.push(reversed);
  }
  const when: SQL[] = [];
  if (s.exactCode) when.push(sql`when ${orgUnits.code} = ${s.exactCode} then 0`);
  if (first.length) when.push(sql`when ${or(...first)} then 1`);
  return {
    match: match.length ? or(...match)! : sql`false`,
    // A CASE needs at least one WHEN.
    rank: when.length ? sql<number>`(case ${sql.join(when, sql` `)} else 2 end)::int` : sql<number>`2`,
  };
}

/**
 * Active units within `scope` matching a search, best first (rank, then folded name, then code), at most
 * `limit`. One statement; the scope is the usual path range.
 */
export async function searchUnits(
  db: Db,
  scope: Scope,
  s: UnitSearch,
): Promise<(UnitRow & { rank: number; parentName: string | null })[]> {
  if (s.words.length === 0 && !s.exactCode && !s.codeSuffix) return [];
  const { match, rank } = unitSearchParts(s);
  const parent = alias(orgUnits, 'parent');
  const rows = await db
    .select({ unit: orgUnits, rank, parentName: parent.name })
    .from(orgUnits)
    .leftJoin(parent, eq(parent.id, orgUnits.parentId))
    .where(and(scopeCondition(scope), eq(orgUnits.status, 'active'), match))
    .orderBy(rank, asc(orgUnits.nameSearch), asc(orgUnits.code))
    .limit(s.limit);
  return rows.map((r) => ({ ...r.unit, rank: Number(r.rank), parentName: r.parentName }));
}

/** Code and name of units by id (any status, no scope): for labelling rows the caller may already see. */
export async function unitLabels(
  db: Db,
  ids: readonly string[],
): Promise<{ id: string; code: string; name: string }[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const out: { id: string; code: string; name: string }[] = [];
  for (const part of chunks(unique)) {
    out.push(
      ...(await db
        .select({ id: orgUnits.id, code: orgUnits.code, name: orgUnits.name })
        .from(orgUnits)
        .where(inArray(orgUnits.id, [...part]))),
    );
  }
  return out;
}

/** Every unit within `scope` (and under `rootId` when given), for building the tree. */
export async function listTree(
  db: Db,
  scope: Scope,
  options: { rootId?: string; includeClosed: boolean },
): Promise<UnitRow[]> {
  return db
    .select()
    .from(orgUnits)
    .where(
      and(
        scopeCondition(scope),
        options.rootId ? inSubtreeOf(options.rootId) : undefined,
        options.includeClosed ? undefined : eq(orgUnits.status, 'active'),
      ),
    );
}

/** Active units directly under any of `parentIds`. */
export async function activeChildren(db: Db, parentIds: readonly string[]): Promise<UnitRow[]> {
  if (parentIds.length === 0) return [];
  return db
    .select()
    .from(orgUnits)
    .where(and(inArray(orgUnits.parentId, [...parentIds]), eq(orgUnits.status, 'active')));
}

/** Active units strictly below the unit with materialised path `path`. */
export async function activeDescendants(db: Db, path: string): Promise<UnitRow[]> {
  return db
    .select()
    .from(orgUnits)
    .where(and(gt(orgUnits.path, path), lt(orgUnits.path, `${path}~`), eq(orgUnits.status, 'active')));
}

/** Codes ever issued (any status) matching any of the LIKE `patterns` (see childCodeLikePattern). */
export async function issuedCodesLike(db: Db, patterns: readonly string[]): Promise<string[]> {
  if (patterns.length === 0) return [];
  const rows = await db
    .select({ code: orgUnitCodes.code })
    .from(orgUnitCodes)
    .where(or(...patterns.map((p) => like(orgUnitCodes.code, p))));
  return rows.map((r) => r.code);
}

/** Registry entries of `codes`: which unit holds or held each one. */
export async function codeRecords(
  db: Db,
  codes: readonly string[],
): Promise<{ code: string; unitId: string; validTo: string | null }[]> {
  if (codes.length === 0) return [];
  const out: { code: string; unitId: string; validTo: string | null }[] = [];
  for (const part of chunks(codes)) {
    out.push(
      ...(await db
        .select({ code: orgUnitCodes.code, unitId: orgUnitCodes.unitId, validTo: orgUnitCodes.validTo })
        .from(orgUnitCodes)
        .where(inArray(orgUnitCodes.code, [...part]))),
    );
  }
  return out;
}

/** Every code a unit has held, oldest first. */
export function codesOfUnit(
  db: Db,
  unitId: string,
): Promise<{ code: string; validFrom: string; validTo: string | null }[]> {
  return db
    .select({ code: orgUnitCodes.code, validFrom: orgUnitCodes.validFrom, validTo: orgUnitCodes.validTo })
    .from(orgUnitCodes)
    .where(eq(orgUnitCodes.unitId, unitId))
    .orderBy(asc(orgUnitCodes.validFrom), sql`${orgUnitCodes.validTo} nulls last`, asc(orgUnitCodes.code));
}

/** Inserts units; callers insert parents before children. */
export async function insertUnits(tx: Db, rows: readonly NewUnitRow[]): Promise<void> {
  for (const part of chunks(rows)) await tx.insert(orgUnits).values([...part]);
}

/** The editable fields of a unit, as written by `updateUnitFields`. */
export interface UnitFieldsRow {
  id: string;
  name: string;
  nameSearch: string;
  shortName: string | null;
  kind: string;
  address: string | null;
  email: string | null;
  phone: string | null;
}

/** Overwrites the editable fields of many units in one statement per chunk. */
export async function updateUnitFields(tx: Db, rows: readonly UnitFieldsRow[], now: Date): Promise<void> {
  for (const part of chunks(rows)) {
    const json = JSON.stringify(
      part.map((r) => ({
        id: r.id,
        name: r.name,
        name_search: r.nameSearch,
        short_name: r.shortName,
        kind: r.kind,
        address: r.address,
        email: r.email,
        phone: r.phone,
      })),
    );
    await tx.execute(sql`
      update org_units u set
        name = x.name, name_search = x.name_search, short_name = x.short_name, kind = x.kind,
        address = x.address, email = x.email, phone = x.phone, updated_at = ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${json}::jsonb) as x(
        id uuid, name text, name_search text, short_name text, kind text, address text, email text, phone text)
      where u.id = x.id`);
  }
}

/**
 * Re-parents a unit and rewrites the path and depth of its whole subtree (closed units included)
 * in one statement: every path starting with the old prefix gets the new prefix.
 */
export async function moveSubtree(
  tx: Db,
  move: { unitId: string; newParentId: string; oldPath: string; newPath: string; depthDelta: number },
  now: Date,
): Promise<void> {
  await tx.execute(sql`
    update org_units set
      path = ${move.newPath} || substr(path, ${move.oldPath.length + 1}),
      depth = depth + ${move.depthDelta},
      parent_id = case when id = ${move.unitId} then ${move.newParentId}::uuid else parent_id end,
      updated_at = ${now.toISOString()}::timestamptz
    where path >= ${move.oldPath} and path < ${`${move.oldPath}~`}`);
}

/** Gives units new current codes. */
export async function setCodes(
  tx: Db,
  rows: readonly { unitId: string; code: string }[],
  now: Date,
): Promise<void> {
  for (const part of chunks(rows)) {
    const json = JSON.stringify(part.map((r) => ({ id: r.unitId, code: r.code })));
    await tx.execute(sql`
      update org_units u set code = x.code, updated_at = ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${json}::jsonb) as x(id uuid, code text)
      where u.id = x.id`);
  }
}

/** Closes units as of `date`, and ends the validity of their current codes. */
export async function closeUnits(tx: Db, ids: readonly string[], date: string, now: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(orgUnits)
    .set({ status: 'closed', validTo: date, updatedAt: now })
    .where(inArray(orgUnits.id, [...ids]));
  await tx
    .update(orgUnitCodes)
    .set({ validTo: date })
    .where(and(inArray(orgUnitCodes.unitId, [...ids]), sql`${orgUnitCodes.validTo} is null`));
}

/** Records newly issued codes; the primary key refuses a code issued before (closed codes included). */
export async function registerCodes(
  tx: Db,
  rows: readonly { code: string; unitId: string; validFrom: string }[],
): Promise<void> {
  for (const part of chunks(rows)) await tx.insert(orgUnitCodes).values([...part]);
}

/** Ends the validity of codes that were re-issued. */
export async function retireCodes(tx: Db, codes: readonly string[], date: string): Promise<void> {
  for (const part of chunks(codes)) {
    await tx
      .update(orgUnitCodes)
      .set({ validTo: date })
      .where(inArray(orgUnitCodes.code, [...part]));
  }
}

/** Records successor links. */
export async function insertSuccessors(
  tx: Db,
  rows: readonly { predecessorId: string; successorId: string; operationId: string; effectiveDate: string }[],
): Promise<void> {
  if (rows.length) await tx.insert(orgUnitSuccessors).values([...rows]);
}

/** Appends history rows. */
export async function insertEvents(tx: Db, rows: readonly NewEventRow[]): Promise<void> {
  for (const part of chunks(rows)) await tx.insert(orgUnitEvents).values([...part]);
}

/** A unit's history, newest first. */
export function listEvents(db: Db, unitId: string, limit: number): Promise<EventRow[]> {
  return db
    .select()
    .from(orgUnitEvents)
    .where(eq(orgUnitEvents.unitId, unitId))
    .orderBy(desc(orgUnitEvents.id))
    .limit(limit);
}

/** Units directly preceding (`direction` = 'predecessors') or succeeding a unit. */
export async function linkedUnits(
  db: Db,
  unitId: string,
  direction: 'predecessors' | 'successors',
): Promise<UnitRow[]> {
  const rows =
    direction === 'successors'
      ? await db
          .select({ id: orgUnitSuccessors.successorId })
          .from(orgUnitSuccessors)
          .where(eq(orgUnitSuccessors.predecessorId, unitId))
      : await db
          .select({ id: orgUnitSuccessors.predecessorId })
          .from(orgUnitSuccessors)
          .where(eq(orgUnitSuccessors.successorId, unitId));
  return findUnits(
    db,
    rows.map((r) => r.id),
  );
}

/**
 * The active units reached from `unitId` by following successor links transitively (a unit merged into
 * one that was later split leads to every part). `union` (not `union all`) stops on any cycle.
 */
export async function activeSuccessors(db: Db, unitId: string): Promise<UnitRow[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`
      with recursive chain(id) as (
        select successor_id from org_unit_successors where predecessor_id = ${unitId}
        union
        select s.successor_id from org_unit_successors s join chain c on s.predecessor_id = c.id
      )
      select u.id from chain c join org_units u on u.id = c.id where u.status = 'active'`,
  );
  return findUnits(
    db,
    rows.map((r) => r.id),
  );
}

/** Active units within `scope` with their parent's code, for export. */
export async function exportRows(db: Db, scope: Scope): Promise<(UnitRow & { parentCode: string | null })[]> {
  const parent = alias(orgUnits, 'parent');
  const rows = await db
    .select({ unit: orgUnits, parentCode: parent.code })
    .from(orgUnits)
    .leftJoin(parent, eq(parent.id, orgUnits.parentId))
    .where(and(scopeCondition(scope), eq(orgUnits.status, 'active')));
  return rows.map((r) => ({ ...r.unit, parentCode: r.parentCode }));
}

/**
 * When `err` (or its cause, as Drizzle wraps driver errors) is a unique-constraint violation: the
 * duplicated value from the driver's detail (`Key (code)=(…) already exists.`), or '' when not given.
 * Null for any other error.
 */
export function uniqueViolation(err: unknown): string | null {
  const e = pgErrorOf(err);
  if (e?.code !== '23505') return null;
  return /=\(([^)]*)\)/u.exec(e.detail ?? '')?.[1] ?? '';
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function* chunks<T>(items: readonly T[], size = CHUNK): Generator<readonly T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
