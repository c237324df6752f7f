/**
 * @module soc/sources/store
 * SQL of the source inventory, information systems, public IP ranges and silence alerts. Batches travel as
 * array parameters (one parameter per column, `unnest`), so a batch of any size is one statement.
 */
import { type Db, queryRows, sql } from '../../core/db/index.ts';
import { foldForSearch } from '../../core/text/vietnamese.ts';
import type { SourceKind } from './source-key.ts';

/** Which units a read covers: all (and rows without a unit), or these ids. */
export type UnitFilter = 'all' | readonly string[];

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(String(v)));
const num = (v: unknown): number => Number(v ?? 0);
const arr = <T>(values: readonly T[]) => sql.param(values as T[]);

/** `unit_id` within the filter; rows without a unit only under 'all'. */
function unitScope(column: ReturnType<typeof sql.raw>, units: UnitFilter) {
  if (units === 'all') return sql`true`;
  return sql`${column} = any(${arr(units)}::uuid[])`;
}

// ------------------------------------------------------------------ information systems

export interface SystemRow {
  id: string;
  unitId: string;
  code: string;
  name: string;
  securityLevel: number;
  description: string | null;
  /** IP ranges registered for it. */
  ranges: number;
  createdAt: Date;
  updatedAt: Date;
}

const systemSelect = sql`select y.*, (select count(*) from soc_ip_ranges r where r.system_id = y.id)::int as ranges
  from soc_systems y`;

function toSystem(r: Record<string, unknown>): SystemRow {
  return {
    id: String(r.id),
    unitId: String(r.unit_id),
    code: String(r.code),
    name: String(r.name),
    securityLevel: num(r.security_level),
    description: (r.description as string | null) ?? null,
    ranges: num(r.ranges),
    createdAt: date(r.created_at) as Date,
    updatedAt: date(r.updated_at) as Date,
  };
}

/** Inserts an information system. */
export async function insertSystem(db: Db, s: Omit<SystemRow, 'ranges'>): Promise<void> {
  await db.execute(sql`insert into soc_systems
    (id, unit_id, code, name, name_search, security_level, description, created_at, updated_at)
    values (${s.id}, ${s.unitId}, ${s.code}, ${s.name}, ${fold(s.name)}, ${s.securityLevel}, ${s.description},
      ${s.createdAt.toISOString()}, ${s.updatedAt.toISOString()})`);
}

/** Rewrites an information system's fields. */
export async function updateSystem(db: Db, s: Omit<SystemRow, 'ranges' | 'createdAt'>): Promise<void> {
  await db.execute(sql`update soc_systems set unit_id = ${s.unitId}, code = ${s.code}, name = ${s.name},
    name_search = ${fold(s.name)}, security_level = ${s.securityLevel}, description = ${s.description},
    updated_at = ${s.updatedAt.toISOString()} where id = ${s.id}`);
}

/** Deletes an information system (its sources keep existing, without a system). */
export async function deleteSystem(db: Db, id: string): Promise<void> {
  await db.execute(sql`delete from soc_systems where id = ${id}`);
}

/** One information system, whatever its unit (the service checks scope). */
export async function findSystem(db: Db, id: string): Promise<SystemRow | null> {
  const [r] = await queryRows(db, sql`${systemSelect} where y.id = ${id}`);
  return r ? toSystem(r) : null;
}

/** Information systems of the units, optionally of one unit, matching folded text. */
export async function listSystems(
  db: Db,
  units: UnitFilter,
  f: { unitId?: string; search?: string; limit: number; offset: number },
): Promise<{ rows: SystemRow[]; total: number }> {
  const where = sql.join(
    [
      unitScope(sql.raw('y.unit_id'), units),
      f.unitId ? sql`y.unit_id = ${f.unitId}` : sql`true`,
      f.search
        ? sql`(y.name_search like ${`%${escapeLike(f.search)}%`} or y.code like ${`%${escapeLike(f.search)}%`})`
        : sql`true`,
    ],
    sql` and `,
  );
  const rows = await queryRows(
    db,
    sql`select x.*, count(*) over () as total from (${systemSelect} where ${where}) x
      order by x.code limit ${f.limit} offset ${f.offset}`,
  );
  return { rows: rows.map(toSystem), total: num(rows[0]?.total) };
}

/** Every information system's code (for the tags). */
export async function systemCodes(db: Db): Promise<Map<string, string>> {
  const rows = await queryRows(db, sql`select id, code from soc_systems`);
  return new Map(rows.map((r) => [String(r.id), String(r.code)]));
}

// ------------------------------------------------------------------ IP ranges

export interface RangeRow {
  id: string;
  cidr: string;
  systemId: string;
  systemCode: string;
  unitId: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

function toRange(r: Record<string, unknown>): RangeRow {
  return {
    id: String(r.id),
    cidr: String(r.cidr),
    systemId: String(r.system_id),
    systemCode: String(r.system_code),
    unitId: String(r.unit_id),
    description: (r.description as string | null) ?? null,
    createdAt: date(r.created_at) as Date,
    updatedAt: date(r.updated_at) as Date,
  };
}

const rangeSelect = sql`select r.id, r.cidr::text as cidr, r.system_id, s.code as system_code, r.unit_id,
  r.description, r.created_at, r.updated_at from soc_ip_ranges r join soc_systems s on s.id = r.system_id`;

/** Inserts an IP range. */
export async function insertRange(db: Db, r: Omit<RangeRow, 'systemCode'>): Promise<void> {
  await db.execute(sql`insert into soc_ip_ranges (id, cidr, system_id, unit_id, description, created_at, updated_at)
    values (${r.id}, ${r.cidr}::cidr, ${r.systemId}, ${r.unitId}, ${r.description}, ${r.createdAt.toISOString()},
      ${r.updatedAt.toISOString()})`);
}

/** Rewrites an IP range. */
export async function updateRange(db: Db, r: Omit<RangeRow, 'systemCode' | 'createdAt'>): Promise<void> {
  await db.execute(sql`update soc_ip_ranges set cidr = ${r.cidr}::cidr, system_id = ${r.systemId},
    unit_id = ${r.unitId}, description = ${r.description}, updated_at = ${r.updatedAt.toISOString()}
    where id = ${r.id}`);
}

/** Deletes an IP range. */
export async function deleteRange(db: Db, id: string): Promise<void> {
  await db.execute(sql`delete from soc_ip_ranges where id = ${id}`);
}

/** One IP range, whatever its unit. */
export async function findRange(db: Db, id: string): Promise<RangeRow | null> {
  const [r] = await queryRows(db, sql`${rangeSelect} where r.id = ${id}`);
  return r ? toRange(r) : null;
}

/** IP ranges of the units, optionally of one system. */
export async function listRanges(
  db: Db,
  units: UnitFilter,
  f: { systemId?: string; limit: number; offset: number },
): Promise<{ rows: RangeRow[]; total: number }> {
  const rows = await queryRows(
    db,
    sql`select x.*, count(*) over () as total from (${rangeSelect}
      where ${unitScope(sql.raw('r.unit_id'), units)} and ${f.systemId ? sql`r.system_id = ${f.systemId}` : sql`true`}) x
      order by family(x.cidr::cidr), x.cidr::cidr limit ${f.limit} offset ${f.offset}`,
  );
  return { rows: rows.map(toRange), total: num(rows[0]?.total) };
}

/** Every range (for the matcher). */
export async function allRanges(db: Db): Promise<RangeRow[]> {
  return (await queryRows(db, rangeSelect)).map(toRange);
}

/** Ranges overlapping any of `cidrs` (one contains the other), other than `exceptIds`. */
export async function overlappingRanges(
  db: Db,
  cidrs: readonly string[],
  exceptIds: readonly string[] = [],
): Promise<(RangeRow & { overlaps: string })[]> {
  if (cidrs.length === 0) return [];
  const rows = await queryRows(
    db,
    sql`select x.*, c.cidr::text as overlaps from (${rangeSelect}) x
      join unnest(${arr(cidrs)}::cidr[]) as c(cidr) on x.cidr::cidr && c.cidr
      where not (x.id = any(${arr(exceptIds)}::uuid[]))
      order by x.cidr::cidr`,
  );
  return rows.map((r) => ({ ...toRange(r), overlaps: String(r.overlaps) }));
}

// ------------------------------------------------------------------ sources

/** What the enricher keeps of a source. */
export interface SourceRef {
  id: string;
  key: string;
  unitId: string | null;
  systemId: string | null;
}

/** A new source as the first event showed it. */
export interface NewSource {
  id: string;
  key: string;
  inputKind: string;
  kind: SourceKind;
  name: string;
  address: string | null;
  unitId: string | null;
  systemId: string | null;
  firstSeen: Date;
}

const toRef = (r: Record<string, unknown>): SourceRef => ({
  id: String(r.id),
  key: String(r.key),
  unitId: (r.unit_id as string | null) ?? null,
  systemId: (r.system_id as string | null) ?? null,
});

/** Inserts the sources not there yet, in one statement; returns the ones this call inserted. */
export async function insertSources(db: Db, rows: readonly NewSource[], now: Date): Promise<SourceRef[]> {
  if (rows.length === 0) return [];
  const result = await queryRows(
    db,
    sql`insert into soc_sources (id, key, input_kind, kind, name, name_search, address, unit_id, system_id,
        first_seen, last_seen, created_at, updated_at)
      select x.id, x.key, x.input_kind, x.kind, x.name, x.name_search,
        x.address::inet,
        x.unit_id, x.system_id, x.first_seen, x.first_seen, ${now.toISOString()}, ${now.toISOString()}
      from unnest(${arr(rows.map((r) => r.id))}::uuid[], ${arr(rows.map((r) => r.key))}::text[],
        ${arr(rows.map((r) => r.inputKind))}::text[], ${arr(rows.map((r) => r.kind))}::text[],
        ${arr(rows.map((r) => r.name))}::text[], ${arr(rows.map((r) => fold(r.name)))}::text[],
        ${arr(rows.map((r) => r.address))}::text[],
        ${arr(rows.map((r) => r.unitId))}::uuid[], ${arr(rows.map((r) => r.systemId))}::uuid[],
        ${arr(rows.map((r) => r.firstSeen.toISOString()))}::timestamptz[])
        as x(id, key, input_kind, kind, name, name_search, address, unit_id, system_id, first_seen)
      on conflict (key) do nothing
      returning id, key, unit_id, system_id`,
  );
  return result.map(toRef);
}

/** Sources by key (the ones another node inserted first, or after a cache reset). */
export async function sourcesByKeys(db: Db, keys: readonly string[]): Promise<SourceRef[]> {
  if (keys.length === 0) return [];
  const rows = await queryRows(
    db,
    sql`select id, key, unit_id, system_id from soc_sources where key = any(${arr(keys)}::text[])`,
  );
  return rows.map(toRef);
}

/** Sources by id (cache refresh after a change). */
export async function sourceRefsByIds(db: Db, ids: readonly string[]): Promise<SourceRef[]> {
  if (ids.length === 0) return [];
  const rows = await queryRows(
    db,
    sql`select id, key, unit_id, system_id from soc_sources where id = any(${arr(ids)}::uuid[])`,
  );
  return rows.map(toRef);
}

/** Per source: reports seen by this node since the last flush. */
export interface SeenUpdate {
  id: string;
  lastSeen: number;
  count: number;
}

/** An alert cleared because its source reported again. */
export interface ClearedAlert {
  alertId: string;
  sourceId: string;
  sourceName: string;
  unitId: string | null;
  raisedAt: Date;
  clearedAt: Date;
}

const toCleared = (r: Record<string, unknown>): ClearedAlert => ({
  alertId: String(r.alert_id),
  sourceId: String(r.source_id),
  sourceName: String(r.source_name),
  unitId: (r.unit_id as string | null) ?? null,
  raisedAt: date(r.raised_at) as Date,
  clearedAt: date(r.cleared_at) as Date,
});

/**
 * Writes last-seen times and event counts in one statement, and clears the open alerts of sources that
 * reported after the alert's last known report; returns those cleared alerts.
 */
export async function flushSeen(db: Db, seen: readonly SeenUpdate[], now: Date): Promise<ClearedAlert[]> {
  if (seen.length === 0) return [];
  const rows = await queryRows(
    db,
    sql`with x as (
        select * from unnest(${arr(seen.map((s) => s.id))}::uuid[],
          ${arr(seen.map((s) => new Date(s.lastSeen).toISOString()))}::timestamptz[],
          ${arr(seen.map((s) => s.count))}::bigint[]) as x(id, last_seen, n)
      ), u as (
        update soc_sources s set last_seen = greatest(s.last_seen, x.last_seen), events = s.events + x.n
        from x where s.id = x.id
        returning s.id, s.name, s.unit_id
      ), c as (
        update soc_source_alerts a set cleared_at = greatest(${now.toISOString()}::timestamptz, a.raised_at)
        from x where a.source_id = x.id and a.cleared_at is null and x.last_seen > a.last_seen
        returning a.id, a.source_id, a.raised_at, a.cleared_at
      )
      select c.id as alert_id, c.source_id, u.name as source_name, u.unit_id, c.raised_at, c.cleared_at
      from c join u on u.id = c.source_id`,
  );
  return rows.map(toCleared);
}

/** An alert raised by the silence check. */
export interface RaisedAlert {
  alertId: string;
  sourceId: string;
  sourceName: string;
  unitId: string | null;
  lastSeen: Date;
  raisedAt: Date;
}

/**
 * Raises an alert for every watched source silent for longer than its interval × grace and without an
 * open alert (the partial unique index makes a concurrent second raise a no-op).
 */
export async function raiseSilent(
  db: Db,
  now: Date,
  defaults: Readonly<Record<SourceKind, number>>,
  grace: number,
): Promise<RaisedAlert[]> {
  const kinds = Object.keys(defaults) as SourceKind[];
  const rows = await queryRows(
    db,
    sql`with d as (
        select * from unnest(${arr(kinds)}::text[], ${arr(kinds.map((k) => defaults[k]))}::int[]) as d(kind, secs)
      ), due as (
        select s.id, s.name, s.unit_id, s.last_seen from soc_sources s
        left join d on d.kind = s.kind
        where s.last_seen is not null
          and coalesce(s.expected_interval_seconds,
                case when s.input_kind = 'file' then 0 else coalesce(d.secs, 0) end) > 0
          and s.last_seen < ${now.toISOString()}::timestamptz - make_interval(secs =>
                coalesce(s.expected_interval_seconds, d.secs) * ${grace}::float8)
          and not exists (select 1 from soc_source_alerts a where a.source_id = s.id and a.cleared_at is null)
      )
      insert into soc_source_alerts (id, source_id, unit_id, raised_at, last_seen)
      select gen_random_uuid(), due.id, due.unit_id, ${now.toISOString()}, due.last_seen from due
      on conflict (source_id) where cleared_at is null do nothing
      returning id, source_id, unit_id, last_seen, raised_at`,
  );
  if (rows.length === 0) return [];
  const names = new Map(
    (
      await queryRows(
        db,
        sql`select id, name from soc_sources where id = any(${arr(rows.map((r) => String(r.source_id)))}::uuid[])`,
      )
    ).map((r) => [String(r.id), String(r.name)]),
  );
  return rows.map((r) => ({
    alertId: String(r.id),
    sourceId: String(r.source_id),
    sourceName: names.get(String(r.source_id)) ?? String(r.source_id),
    unitId: (r.unit_id as string | null) ?? null,
    lastSeen: date(r.last_seen) as Date,
    raisedAt: date(r.raised_at) as Date,
  }));
}

/**
 * Clears open alerts whose source has reported since (a flush that ran while the alert was being raised
 * could not see it), and those of sources no longer watched.
 */
export async function clearReturned(
  db: Db,
  now: Date,
  defaults: Readonly<Record<SourceKind, number>>,
): Promise<ClearedAlert[]> {
  const kinds = Object.keys(defaults) as SourceKind[];
  const rows = await queryRows(
    db,
    sql`with d as (
        select * from unnest(${arr(kinds)}::text[], ${arr(kinds.map((k) => defaults[k]))}::int[]) as d(kind, secs)
      ), c as (
        update soc_source_alerts a set cleared_at = greatest(${now.toISOString()}::timestamptz, a.raised_at)
        from soc_sources s left join d on d.kind = s.kind
        where a.source_id = s.id and a.cleared_at is null
          and (s.last_seen > a.last_seen
            or coalesce(s.expected_interval_seconds,
                 case when s.input_kind = 'file' then 0 else coalesce(d.secs, 0) end) = 0)
        returning a.id, a.source_id, a.raised_at, a.cleared_at, s.name, s.unit_id
      )
      select id as alert_id, source_id, name as source_name, unit_id, raised_at, cleared_at from c`,
  );
  return rows.map(toCleared);
}

/** A source as the console lists it. */
export interface SourceRow {
  id: string;
  key: string;
  inputKind: string;
  kind: SourceKind;
  name: string;
  address: string | null;
  unitId: string | null;
  systemId: string | null;
  systemCode: string | null;
  systemName: string | null;
  expectedIntervalSeconds: number | null;
  retentionDays: number | null;
  firstSeen: Date | null;
  lastSeen: Date | null;
  events: number;
  openAlertId: string | null;
  silentSince: Date | null;
}

function toSource(r: Record<string, unknown>): SourceRow {
  return {
    id: String(r.id),
    key: String(r.key),
    inputKind: String(r.input_kind),
    kind: String(r.kind) as SourceKind,
    name: String(r.name),
    address: (r.address as string | null) ?? null,
    unitId: (r.unit_id as string | null) ?? null,
    systemId: (r.system_id as string | null) ?? null,
    systemCode: (r.system_code as string | null) ?? null,
    systemName: (r.system_name as string | null) ?? null,
    expectedIntervalSeconds: r.expected_interval_seconds === null ? null : num(r.expected_interval_seconds),
    retentionDays: r.retention_days === null ? null : num(r.retention_days),
    firstSeen: date(r.first_seen),
    lastSeen: date(r.last_seen),
    events: num(r.events),
    openAlertId: (r.open_alert_id as string | null) ?? null,
    silentSince: date(r.silent_since),
  };
}

const sourceSelect = sql`select s.id, s.key, s.input_kind, s.kind, s.name, host(s.address) as address, s.unit_id,
  s.system_id, y.code as system_code, y.name as system_name, s.expected_interval_seconds, s.retention_days,
  s.first_seen, s.last_seen, s.events, a.id as open_alert_id, a.raised_at as silent_since
  from soc_sources s
  left join soc_systems y on y.id = s.system_id
  left join soc_source_alerts a on a.source_id = s.id and a.cleared_at is null`;

/** The filters of the source list. */
export interface SourceFilter {
  unitId?: string;
  systemId?: string;
  kind?: SourceKind;
  state?: 'reporting' | 'silent' | 'never';
  search?: string;
  limit: number;
  offset: number;
}

/** Sources of the units, filtered, most recently seen first. */
export async function listSources(
  db: Db,
  units: UnitFilter,
  f: SourceFilter,
): Promise<{ rows: SourceRow[]; total: number }> {
  const like = f.search ? `%${escapeLike(f.search)}%` : null;
  const where = sql.join(
    [
      unitScope(sql.raw('s.unit_id'), units),
      f.unitId ? sql`s.unit_id = ${f.unitId}` : sql`true`,
      f.systemId ? sql`s.system_id = ${f.systemId}` : sql`true`,
      f.kind ? sql`s.kind = ${f.kind}` : sql`true`,
      f.state === 'silent'
        ? sql`a.id is not null`
        : f.state === 'never'
          ? sql`s.last_seen is null`
          : f.state === 'reporting'
            ? sql`a.id is null and s.last_seen is not null`
            : sql`true`,
      like
        ? sql`(s.name_search like ${like} or lower(s.key) like ${like} or host(s.address) like ${like})`
        : sql`true`,
    ],
    sql` and `,
  );
  const rows = await queryRows(
    db,
    sql`select x.*, count(*) over () as total from (${sourceSelect} where ${where}) x
      order by x.last_seen desc nulls last, x.name limit ${f.limit} offset ${f.offset}`,
  );
  return { rows: rows.map(toSource), total: num(rows[0]?.total) };
}

/** One source, whatever its unit. */
export async function findSource(db: Db, id: string): Promise<SourceRow | null> {
  const [r] = await queryRows(db, sql`${sourceSelect} where s.id = ${id}`);
  return r ? toSource(r) : null;
}

/** Rewrites the fields an operator sets on a source. */
export async function updateSource(
  db: Db,
  s: Pick<
    SourceRow,
    'id' | 'name' | 'kind' | 'unitId' | 'systemId' | 'expectedIntervalSeconds' | 'retentionDays'
  >,
  now: Date,
): Promise<void> {
  await db.execute(sql`update soc_sources set name = ${s.name}, name_search = ${fold(s.name)}, kind = ${s.kind},
    unit_id = ${s.unitId}, system_id = ${s.systemId}, expected_interval_seconds = ${s.expectedIntervalSeconds},
    retention_days = ${s.retentionDays}, updated_at = ${now.toISOString()} where id = ${s.id}`);
}

/** Moves the open alert of a source to its new unit (the alert is read in the source's unit's scope). */
export async function moveOpenAlert(db: Db, sourceId: string, unitId: string | null): Promise<void> {
  await db.execute(
    sql`update soc_source_alerts set unit_id = ${unitId} where source_id = ${sourceId} and cleared_at is null`,
  );
}

/** Sources with a retention of their own. */
export async function retentionOverrides(db: Db): Promise<{ sourceId: string; days: number }[]> {
  const rows = await queryRows(
    db,
    sql`select id, retention_days from soc_sources where retention_days is not null order by id`,
  );
  return rows.map((r) => ({ sourceId: String(r.id), days: num(r.retention_days) }));
}

/** Inventory figures of the units: sources, silent ones, open alerts. */
export async function inventoryFigures(
  db: Db,
  units: UnitFilter,
): Promise<{ sources: number; silent: number; never: number }> {
  const [r] = await queryRows(
    db,
    sql`select count(*)::int as sources, count(a.id)::int as silent,
        count(*) filter (where s.last_seen is null)::int as never
      from soc_sources s left join soc_source_alerts a on a.source_id = s.id and a.cleared_at is null
      where ${unitScope(sql.raw('s.unit_id'), units)}`,
  );
  return { sources: num(r?.sources), silent: num(r?.silent), never: num(r?.never) };
}

// ------------------------------------------------------------------ alerts

/** A silence alert as listed. */
export interface AlertRow {
  id: string;
  sourceId: string;
  sourceName: string;
  sourceKind: SourceKind;
  unitId: string | null;
  raisedAt: Date;
  clearedAt: Date | null;
  lastSeen: Date;
}

/** Open alerts and those raised since `since`, newest first. */
export async function listAlerts(
  db: Db,
  units: UnitFilter,
  f: { since: Date; openOnly: boolean; limit: number },
): Promise<AlertRow[]> {
  const rows = await queryRows(
    db,
    sql`select a.id, a.source_id, s.name as source_name, s.kind as source_kind, a.unit_id, a.raised_at,
        a.cleared_at, a.last_seen
      from soc_source_alerts a join soc_sources s on s.id = a.source_id
      where ${unitScope(sql.raw('a.unit_id'), units)}
        and (a.cleared_at is null ${f.openOnly ? sql`` : sql`or a.raised_at >= ${f.since.toISOString()}`})
      order by (a.cleared_at is null) desc, a.raised_at desc limit ${f.limit}`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    sourceId: String(r.source_id),
    sourceName: String(r.source_name),
    sourceKind: String(r.source_kind) as SourceKind,
    unitId: (r.unit_id as string | null) ?? null,
    raisedAt: date(r.raised_at) as Date,
    clearedAt: date(r.cleared_at),
    lastSeen: date(r.last_seen) as Date,
  }));
}

// ------------------------------------------------------------------ helpers

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function fold(s: string): string {
  return foldForSearch(s);
}
