/**
 * @module soc/search/store
 * All SQL of the event search: hits with keyset paging on (ts, id), a capped count, terms and date-histogram
 * aggregations (one set-based statement each), one event, and saved searches. Every statement is bounded by
 * the time range (so PostgreSQL reads only those day partitions) and by the caller's units.
 */
import { type SQL, sql } from 'drizzle-orm';
import { type Db, pgErrorOf, queryRows } from '../../core/db/index.ts';
import { AppError } from '../../core/errors/index.ts';
import { resolveField } from './compile.ts';
import { BUCKET_ORIGIN } from './time.ts';

/** Units whose events the caller may read: all (and events without a unit), or these. */
export type UnitScope = 'all' | readonly string[];

/** What every statement filters on. */
export interface EventFilter {
  from: Date;
  to: Date;
  units: UnitScope;
  /** The compiled query condition. */
  where: SQL;
}

/** One stored event as the search returns it. */
export interface EventRow {
  /** ISO time with microseconds: the event's address with `id`. */
  ts: string;
  id: string;
  receivedAt: string;
  input: string;
  sourceId: string | null;
  unitId: string | null;
  systemId: string | null;
  dataset: string | null;
  kind: string | null;
  category: string[] | null;
  action: string | null;
  outcome: string | null;
  severity: number | null;
  hostName: string | null;
  sourceIp: string | null;
  sourcePort: number | null;
  destinationIp: string | null;
  destinationPort: number | null;
  userName: string | null;
  processName: string | null;
  message: string | null;
  tags: string[] | null;
  doc: Record<string, unknown>;
}

const ISO_US = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

const SELECT_COLUMNS = sql.raw(`to_char(ts at time zone 'UTC', ${ISO_US}) as "ts", id::text as "id",
  to_char(received_at at time zone 'UTC', ${ISO_US}) as "receivedAt", input,
  source_id::text as "sourceId", unit_id::text as "unitId", system_id::text as "systemId",
  dataset, kind, category, action, outcome, severity, host_name as "hostName",
  host(source_ip) as "sourceIp", source_port as "sourcePort", host(destination_ip) as "destinationIp",
  destination_port as "destinationPort", user_name as "userName", process_name as "processName",
  message, tags, doc`);

/** The unit condition: ids travel as one array parameter (uuids from org, never user text). */
export function unitCondition(units: UnitScope): SQL {
  if (units === 'all') return sql`true`;
  if (units.length === 0) return sql`false`;
  return sql`unit_id = any(${`{${units.join(',')}}`}::uuid[])`;
}

function filterSql(f: EventFilter): SQL {
  return sql`ts >= ${f.from.toISOString()}::timestamptz and ts < ${f.to.toISOString()}::timestamptz
    and ${unitCondition(f.units)} and ${f.where}`;
}

/**
 * Runs `fn`'s statements in one transaction stopped by PostgreSQL after `timeoutMs`, so a search too broad
 * for its range (a word in every message of a month) cannot hold a connection and a core for minutes; the
 * analyst gets SOC_SEARCH_TIMEOUT with what to narrow instead. (PGlite has no timer: no limit there.)
 */
export async function withStatementTimeout<T>(
  db: Db,
  timeoutMs: number,
  fn: (tx: Db) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local statement_timeout = ${Math.max(1, Math.trunc(timeoutMs))}`));
      return fn(tx as unknown as Db);
    });
  } catch (err) {
    // 57014: query_canceled, which is what statement_timeout raises.
    if (pgErrorOf(err)?.code === '57014') {
      throw new AppError('SOC_SEARCH_TIMEOUT', { seconds: timeoutMs / 1000 });
    }
    throw err;
  }
}

/** A position in the newest-first order: the last hit of the page before. */
export interface Cursor {
  ts: string;
  id: string;
}

/** Newest first, after `cursor` when paging on. */
export async function searchEvents(
  db: Db,
  f: EventFilter,
  size: number,
  after?: Cursor,
): Promise<EventRow[]> {
  const keyset = after ? sql`and (ts, id) < (${after.ts}::timestamptz, ${after.id}::uuid)` : sql``;
  return queryRows<EventRow & Record<string, unknown>>(
    db,
    // Ordered by the table's columns, qualified: bare `ts, id` would name the output aliases (text), and
    // PostgreSQL would read and sort every match instead of walking the (ts, id) order (12× at 7 M/day).
    sql`select ${SELECT_COLUMNS} from soc_events where ${filterSql(f)} ${keyset}
        order by soc_events.ts desc, soc_events.id desc limit ${size}`,
  );
}

/** Counts matches up to `cap` (+1 tells "more than"): a full count over millions would cost more than the page. */
export async function countEvents(db: Db, f: EventFilter, cap: number): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from (select 1 from soc_events where ${filterSql(f)} limit ${cap + 1}) s`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** One event by its address, within the caller's units. */
export async function getEvent(db: Db, units: UnitScope, ts: string, id: string): Promise<EventRow | null> {
  const rows = await queryRows<EventRow & Record<string, unknown>>(
    db,
    sql`select ${SELECT_COLUMNS} from soc_events
        where ts = ${ts}::timestamptz and id = ${id}::uuid and ${unitCondition(units)}`,
  );
  return rows[0] ?? null;
}

// ------------------------------------------------------------------ aggregations

/**
 * The value of a field as text for grouping, and the lateral join that unnests array columns. Message
 * (free text) and @timestamp (the histogram's job) cannot be grouped.
 */
function groupValue(field: string): { expr: SQL; unnest: SQL | null } {
  if (field === 'message' || field === '@timestamp') {
    throw new AppError('SOC_FIELD_NOT_AGGREGATABLE', { field });
  }
  const ref = resolveField(field);
  if (ref.kind === 'doc') return { expr: sql`(doc #>> ${`{${ref.path.join(',')}}`}::text[])`, unnest: null };
  const col = sql`${sql.identifier(ref.column)}`;
  switch (ref.type) {
    case 'text[]':
      // Each element counts: an event tagged twice adds to both tags, as Elasticsearch's terms do.
      return { expr: sql`u.v`, unnest: col };
    case 'inet':
      return { expr: sql`host(${col})`, unnest: null };
    case 'integer':
    case 'smallint':
      return { expr: sql`${col}::text`, unnest: null };
    default:
      return { expr: col, unnest: null };
  }
}

/** Top values of a field with their counts, and the count of all other values. */
export async function termsAggregation(
  db: Db,
  f: EventFilter,
  field: string,
  size: number,
): Promise<{ buckets: { value: string; count: number }[]; other: number; total: number }> {
  const g = groupValue(field);
  const join = g.unnest ? sql`cross join lateral unnest(${g.unnest}) as u(v)` : sql``;
  const rows = await queryRows<{ v: string; c: number; total: number }>(
    db,
    sql`with g as (
          select ${g.expr} as v, count(*) as c from soc_events ${join}
          where ${filterSql(f)} and ${g.expr} is not null group by 1
        )
        select v, c::float8 as c, (sum(c) over ())::float8 as total from g order by c desc, v limit ${size}`,
  );
  const total = Number(rows[0]?.total ?? 0);
  const buckets = rows.map((r) => ({ value: String(r.v), count: Number(r.c) }));
  return { buckets, other: total - buckets.reduce((s, b) => s + b.count, 0), total };
}

function binSql(intervalMs: number, at: SQL): SQL {
  return sql`date_bin(${`${intervalMs / 1000} seconds`}::interval, ${at}, ${BUCKET_ORIGIN}::timestamptz)`;
}

function bucketSeries(f: EventFilter, intervalMs: number): SQL {
  return sql`generate_series(${binSql(intervalMs, sql`${f.from.toISOString()}::timestamptz`)},
      ${f.to.toISOString()}::timestamptz - interval '1 microsecond', ${`${intervalMs / 1000} seconds`}::interval)`;
}

/** Events per bucket over the whole range, empty buckets included (aligned to Vietnam midnight). */
export async function dateHistogram(
  db: Db,
  f: EventFilter,
  intervalMs: number,
): Promise<{ at: number; count: number }[]> {
  const rows = await queryRows<{ at: number; c: number }>(
    db,
    sql`with b as (
          select ${binSql(intervalMs, sql`ts`)} as k, count(*) as c from soc_events where ${filterSql(f)} group by 1
        )
        select extract(epoch from g.k)::float8 * 1000 as at, coalesce(b.c, 0)::float8 as c
        from ${bucketSeries(f, intervalMs)} as g(k) left join b on b.k = g.k order by g.k`,
  );
  return rows.map((r) => ({ at: Number(r.at), count: Number(r.c) }));
}

/**
 * Events per bucket split by a field's top `series` values (over the whole range) and "other" (every
 * other value, and events without the field): stacked charts. One statement.
 */
export async function splitHistogram(
  db: Db,
  f: EventFilter,
  intervalMs: number,
  field: string,
  series: number,
): Promise<{ series: string[]; buckets: { at: number; counts: number[]; other: number }[] }> {
  const g = groupValue(field);
  // A left join keeps events without any element: they count as "other".
  const join = g.unnest ? sql`left join lateral unnest(${g.unnest}) as u(v) on true` : sql``;
  const rows = await queryRows<{ at: number; s: string | null; c: number; rank: number | null }>(
    db,
    // One pass over the events, grouped by bucket and value; the top values come from those groups, not
    // from a second pass (a CTE read twice is materialised: every matching row written out, then re-read).
    sql`with grouped as (
          select ${binSql(intervalMs, sql`ts`)} as k, ${g.expr} as v, count(*) as c
          from soc_events ${join} where ${filterSql(f)} group by 1, 2
        ),
        top as (
          select v, row_number() over (order by sum(c) desc, v) as rank
          from grouped where v is not null group by v order by sum(c) desc, v limit ${series}
        ),
        counts as (
          select grouped.k, top.v as s, top.rank, sum(grouped.c) as c
          from grouped left join top on top.v = grouped.v group by 1, 2, 3
        )
        select extract(epoch from g.k)::float8 * 1000 as at, counts.s, counts.rank::int as rank,
               coalesce(counts.c, 0)::float8 as c
        from ${bucketSeries(f, intervalMs)} as g(k) left join counts on counts.k = g.k order by g.k, counts.rank`,
  );
  const names: string[] = [];
  for (const r of rows) if (r.s !== null && r.rank !== null) names[r.rank - 1] = String(r.s);
  const byAt = new Map<number, { at: number; counts: number[]; other: number }>();
  for (const r of rows) {
    const at = Number(r.at);
    let b = byAt.get(at);
    if (!b) {
      b = { at, counts: names.map(() => 0), other: 0 };
      byAt.set(at, b);
    }
    if (r.rank !== null) b.counts[r.rank - 1] = Number(r.c);
    else b.other += Number(r.c);
  }
  return { series: names, buckets: [...byAt.values()] };
}

// ------------------------------------------------------------------ saved searches

/** A saved search as stored. */
export interface SavedSearchRow {
  id: string;
  ownerId: string;
  ownerName: string;
  name: string;
  query: string;
  timeRange: { last?: string; from?: string; to?: string };
  columns: string[];
  shared: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const SAVED_COLUMNS = sql`id::text as id, owner_id::text as "ownerId", owner_name as "ownerName", name, query,
  time_range as "timeRange", columns, shared, created_at as "createdAt", updated_at as "updatedAt"`;

/** The caller's own saved searches and those others shared, own first, by name. */
export async function listSavedSearches(db: Db, ownerId: string): Promise<SavedSearchRow[]> {
  return queryRows<SavedSearchRow & Record<string, unknown>>(
    db,
    sql`select ${SAVED_COLUMNS} from soc_saved_searches where owner_id = ${ownerId}::uuid or shared
        order by (owner_id = ${ownerId}::uuid) desc, name`,
  );
}

/** One saved search the caller may see (own or shared). */
export async function getSavedSearch(db: Db, ownerId: string, id: string): Promise<SavedSearchRow | null> {
  const rows = await queryRows<SavedSearchRow & Record<string, unknown>>(
    db,
    sql`select ${SAVED_COLUMNS} from soc_saved_searches where id = ${id}::uuid and (owner_id = ${ownerId}::uuid or shared)`,
  );
  return rows[0] ?? null;
}

/** What a saved search holds besides its owner. */
export interface SavedSearchInput {
  name: string;
  query: string;
  timeRange: { last?: string; from?: string; to?: string };
  columns: string[];
  shared: boolean;
}

/** Inserts a saved search; null when the owner already has one with that name. */
export async function insertSavedSearch(
  db: Db,
  owner: { id: string; name: string },
  input: SavedSearchInput,
): Promise<SavedSearchRow | null> {
  const rows = await queryRows<SavedSearchRow & Record<string, unknown>>(
    db,
    sql`insert into soc_saved_searches (owner_id, owner_name, name, query, time_range, columns, shared)
        values (${owner.id}::uuid, ${owner.name}, ${input.name}, ${input.query}, ${JSON.stringify(input.timeRange)}::jsonb,
                ${JSON.stringify(input.columns)}::jsonb, ${input.shared})
        on conflict (owner_id, name) do nothing
        returning ${SAVED_COLUMNS}`,
  );
  return rows[0] ?? null;
}

/** Updates the owner's saved search; 'conflict' when the new name is taken. */
export async function updateSavedSearch(
  db: Db,
  ownerId: string,
  id: string,
  input: SavedSearchInput,
): Promise<SavedSearchRow | null | 'conflict'> {
  const clash = await queryRows(
    db,
    sql`select 1 from soc_saved_searches where owner_id = ${ownerId}::uuid and name = ${input.name} and id <> ${id}::uuid`,
  );
  if (clash.length > 0) return 'conflict';
  const rows = await queryRows<SavedSearchRow & Record<string, unknown>>(
    db,
    sql`update soc_saved_searches set name = ${input.name}, query = ${input.query},
          time_range = ${JSON.stringify(input.timeRange)}::jsonb, columns = ${JSON.stringify(input.columns)}::jsonb,
          shared = ${input.shared}, updated_at = now()
        where id = ${id}::uuid and owner_id = ${ownerId}::uuid
        returning ${SAVED_COLUMNS}`,
  );
  return rows[0] ?? null;
}

/** Deletes the owner's saved search; false when there was none. */
export async function deleteSavedSearch(db: Db, ownerId: string, id: string): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`delete from soc_saved_searches where id = ${id}::uuid and owner_id = ${ownerId}::uuid returning 1 as x`,
  );
  return rows.length > 0;
}
