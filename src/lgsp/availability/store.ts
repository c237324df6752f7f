/**
 * @module lgsp/availability/store
 * SQL of online/offline detection: current states, their history, contact times and statistics. Every
 * write takes a batch (one statement per batch, lists passed as JSON), so a probe round over a thousand
 * destinations costs a handful of statements.
 */
import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import { type Db, queryRows, sql } from '../../core/db/index.ts';
import {
  type AvailabilityCause,
  availabilityEvents,
  availabilityStates,
  type EventRow,
  type StateRow,
} from './tables.ts';

/** Which units a read covers: all, or these ids. */
export type UnitFilter = 'all' | readonly string[];

/** States of these services (all when `ids` is omitted). */
export function loadStates(db: Db, ids?: readonly string[]): Promise<StateRow[]> {
  const q = db.select().from(availabilityStates);
  if (ids === undefined) return q;
  if (ids.length === 0) return Promise.resolve([]);
  return q.where(inArray(availabilityStates.serviceId, [...ids]));
}

/** States of services of the given units. */
export function statesOfUnits(db: Db, units: UnitFilter): Promise<StateRow[]> {
  const q = db.select().from(availabilityStates);
  if (units === 'all') return q;
  if (units.length === 0) return Promise.resolve([]);
  return q.where(inArray(availabilityStates.unitId, [...units]));
}

/** What one probe round learned of one service, besides a possible state change. */
export interface ProbeUpdate {
  serviceId: string;
  unitId: string;
  okStreak: number;
  failStreak: number;
  lastOkAt: Date | null;
  lastFailureAt: Date | null;
  lastError: string | null;
  at: Date;
}

/** Stores probe streaks and contact times of a round (creating rows of services seen for the first time). */
export async function recordProbes(db: Db, updates: readonly ProbeUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const json = JSON.stringify(
    updates.map((u) => ({
      service_id: u.serviceId,
      unit_id: u.unitId,
      ok_streak: u.okStreak,
      fail_streak: u.failStreak,
      last_ok_at: u.lastOkAt?.toISOString() ?? null,
      last_failure_at: u.lastFailureAt?.toISOString() ?? null,
      last_error: u.lastError?.slice(0, 500) ?? null,
      at: u.at.toISOString(),
    })),
  );
  await db.execute(sql`
    insert into lgsp_availability_states as s
      (service_id, unit_id, probe_ok_streak, probe_fail_streak, last_ok_at, last_failure_at, last_error, updated_at)
    select x.service_id, x.unit_id, x.ok_streak, x.fail_streak, x.last_ok_at, x.last_failure_at, x.last_error, x.at
    from jsonb_to_recordset(${json}::jsonb) as x(service_id text, unit_id uuid, ok_streak int, fail_streak int,
      last_ok_at timestamptz, last_failure_at timestamptz, last_error text, at timestamptz)
    on conflict (service_id) do update set
      unit_id = excluded.unit_id,
      probe_ok_streak = excluded.probe_ok_streak,
      probe_fail_streak = excluded.probe_fail_streak,
      last_ok_at = greatest(s.last_ok_at, excluded.last_ok_at),
      last_error = case when excluded.last_failure_at is not null
        and excluded.last_failure_at >= coalesce(s.last_failure_at, excluded.last_failure_at)
        then excluded.last_error else s.last_error end,
      last_failure_at = greatest(s.last_failure_at, excluded.last_failure_at),
      updated_at = excluded.updated_at`);
}

/** Last contact times a node saw in forwarded calls. */
export interface ContactUpdate {
  serviceId: string;
  lastOkAt: Date | null;
  lastFailureAt: Date | null;
}

/**
 * Moves contact times forward (never back: another node may have seen a later call). Only services that
 * already have a state row are updated; their ids are returned.
 */
export async function recordContacts(db: Db, updates: readonly ContactUpdate[], at: Date): Promise<string[]> {
  if (updates.length === 0) return [];
  const json = JSON.stringify(
    updates.map((u) => ({
      service_id: u.serviceId,
      last_ok_at: u.lastOkAt?.toISOString() ?? null,
      last_failure_at: u.lastFailureAt?.toISOString() ?? null,
    })),
  );
  const rows = await queryRows<{ service_id: string }>(
    db,
    sql`
    update lgsp_availability_states s set
      last_ok_at = greatest(s.last_ok_at, x.last_ok_at),
      last_failure_at = greatest(s.last_failure_at, x.last_failure_at),
      updated_at = ${at.toISOString()}::timestamptz
    from jsonb_to_recordset(${json}::jsonb) as x(service_id text, last_ok_at timestamptz, last_failure_at timestamptz)
    where s.service_id = x.service_id
    returning s.service_id`,
  );
  return rows.map((r) => r.service_id);
}

/** A state change a node wants to record. */
export interface Transition {
  serviceId: string;
  unitId: string;
  online: boolean;
  at: Date;
  cause: AvailabilityCause;
  detail: string | null;
}

/** A state change as recorded. */
export interface RecordedChange {
  serviceId: string;
  unitId: string;
  online: boolean;
  since: Date;
  cause: AvailabilityCause;
  detail: string | null;
  /** The outage that ended had been notified (so its end is notified too). */
  wasNotified: boolean;
  /** When the period that ended began (null for a service's first state). */
  previousSince: Date | null;
}

function dateOrNull(v: Date | string | null): Date | null {
  return v === null ? null : new Date(v);
}

interface ChangedRow extends Record<string, unknown> {
  service_id: string;
  unit_id: string;
  online: boolean;
  since: Date | string;
  cause: AvailabilityCause;
  detail: string | null;
}

/**
 * Records state changes in one transaction: the state rows whose state differs, or that the registry
 * suspends (and whose current period
 * began earlier: a late decision never rewrites a newer one), the end of their open periods, and the new
 * periods. Changes another node already recorded are left out of the result.
 */
export async function applyTransitions(db: Db, items: readonly Transition[]): Promise<RecordedChange[]> {
  if (items.length === 0) return [];
  const input = JSON.stringify(
    items.map((t) => ({
      service_id: t.serviceId,
      unit_id: t.unitId,
      online: t.online,
      at: t.at.toISOString(),
      cause: t.cause,
      detail: t.detail?.slice(0, 500) ?? null,
    })),
  );
  const ids = JSON.stringify(items.map((t) => t.serviceId));
  return db.transaction(async (tx) => {
    // Rows locked first, so two nodes recording the same change wait for each other and the second no-ops.
    const before = await queryRows<{
      service_id: string;
      notified_at: Date | string | null;
      since: Date | string | null;
    }>(
      tx,
      sql`select service_id, notified_at, since from lgsp_availability_states
          where service_id in (select jsonb_array_elements_text(${ids}::jsonb))
          order by service_id for update`,
    ).then((rows) => new Map(rows.map((r) => [r.service_id, r])));
    const changed = await queryRows<ChangedRow>(
      tx,
      sql`
      insert into lgsp_availability_states as s (service_id, unit_id, online, since, cause, detail, updated_at)
      select x.service_id, x.unit_id, x.online, x.at, x.cause, x.detail, x.at
      from jsonb_to_recordset(${input}::jsonb) as x(service_id text, unit_id uuid, online boolean,
        at timestamptz, cause text, detail text)
      on conflict (service_id) do update set
        unit_id = excluded.unit_id,
        online = excluded.online,
        since = excluded.since,
        cause = excluded.cause,
        detail = excluded.detail,
        notified_at = null,
        -- Hysteresis counts from the change: an outage seen in traffic needs two good probes after it,
        -- however many came before.
        probe_ok_streak = case when excluded.online then s.probe_ok_streak else 0 end,
        probe_fail_streak = case when excluded.online then 0 else s.probe_fail_streak end,
        updated_at = excluded.updated_at
      where (s.online is distinct from excluded.online
          -- A suspension ends an outage too: from then on it is neither downtime nor notified.
          or (excluded.cause = 'registry' and s.cause is distinct from 'registry'))
        and (s.since is null or s.since <= excluded.since)
      returning s.service_id, s.unit_id, s.online, s.since, s.cause, s.detail`,
    );
    if (changed.length === 0) return [];
    const recorded = JSON.stringify(changed.map((c) => ({ ...c, since: new Date(c.since).toISOString() })));
    await tx.execute(sql`
      update lgsp_availability_events e set until = greatest(e.since, x.since)
      from jsonb_to_recordset(${recorded}::jsonb) as x(service_id text, since timestamptz)
      where e.service_id = x.service_id and e.until is null`);
    await tx.execute(sql`
      insert into lgsp_availability_events (service_id, unit_id, online, since, cause, detail)
      select x.service_id, x.unit_id, x.online, x.since, x.cause, x.detail
      from jsonb_to_recordset(${recorded}::jsonb) as x(service_id text, unit_id uuid, online boolean,
        since timestamptz, cause text, detail text)`);
    return changed.map((c) => ({
      serviceId: c.service_id,
      unitId: c.unit_id,
      online: c.online,
      since: new Date(c.since),
      cause: c.cause,
      detail: c.detail,
      wasNotified: (before.get(c.service_id)?.notified_at ?? null) !== null,
      previousSince: dateOrNull(before.get(c.service_id)?.since ?? null),
    }));
  });
}

/** An outage whose notice is due. */
export interface DueNotice {
  serviceId: string;
  unitId: string;
  since: Date;
  detail: string | null;
}

/**
 * Claims the outages that began at or before `threshold` and were not yet notified, marking them notified
 * in the same statement: whichever node runs this, each outage is notified once.
 */
export async function claimDueNotices(db: Db, threshold: Date, now: Date): Promise<DueNotice[]> {
  const rows = await queryRows<{
    service_id: string;
    unit_id: string;
    since: Date | string;
    detail: string | null;
  }>(
    db,
    sql`
    update lgsp_availability_states set notified_at = ${now.toISOString()}::timestamptz
    where online = false and notified_at is null and cause <> 'registry'
      and since <= ${threshold.toISOString()}::timestamptz
    returning service_id, unit_id, since, detail`,
  );
  return rows.map((r) => ({
    serviceId: r.service_id,
    unitId: r.unit_id,
    since: new Date(r.since),
    detail: r.detail,
  }));
}

/** One page of a service's state periods, newest first, before the keyset `beforeId`. */
export function historyPage(
  db: Db,
  serviceId: string,
  page: { beforeId?: number; limit: number },
): Promise<EventRow[]> {
  const where =
    page.beforeId === undefined
      ? eq(availabilityEvents.serviceId, serviceId)
      : and(eq(availabilityEvents.serviceId, serviceId), lt(availabilityEvents.id, page.beforeId));
  return db
    .select()
    .from(availabilityEvents)
    .where(where)
    .orderBy(desc(availabilityEvents.id))
    .limit(page.limit);
}

/** The provider unit the newest period of a service was recorded under (for services the registry forgot). */
export async function lastUnitOf(db: Db, serviceId: string): Promise<string | null> {
  const rows = await db
    .select({ unitId: availabilityEvents.unitId })
    .from(availabilityEvents)
    .where(eq(availabilityEvents.serviceId, serviceId))
    .orderBy(desc(availabilityEvents.id))
    .limit(1);
  return rows[0]?.unitId ?? null;
}

/** Figures of one service, or of one unit when `serviceId` is null. */
export interface StatisticsRow {
  unitId: string;
  serviceId: string | null;
  services: number;
  disconnections: number;
  offlineSeconds: number;
  observedSeconds: number;
}

/**
 * Disconnections (offline periods beginning in [from, to)), offline time and observed time (any known
 * state) per service and per unit, clipped to [from, to); an open period lasts until `now`. Periods set by
 * the registry (a suspended service) are neither uptime nor downtime and are left out.
 */
export async function statistics(
  db: Db,
  range: { from: Date; to: Date; now: Date },
  units: UnitFilter,
): Promise<StatisticsRow[]> {
  const end = new Date(Math.min(range.to.getTime(), range.now.getTime()));
  if (end <= range.from || (units !== 'all' && units.length === 0)) return [];
  const a = range.from.toISOString();
  const b = end.toISOString();
  const now = range.now.toISOString();
  const unitFilter =
    units === 'all'
      ? sql``
      : sql`and e.unit_id in (select x::uuid from jsonb_array_elements_text(${JSON.stringify(units)}::jsonb) x)`;
  const rows = await queryRows<{
    unit_id: string;
    service_id: string | null;
    services: number;
    disconnections: number;
    offline_seconds: number;
    observed_seconds: number;
  }>(
    db,
    sql`
    with ev as (
      select e.service_id, e.unit_id, e.online, e.since >= ${a}::timestamptz as began_inside,
        extract(epoch from least(coalesce(e.until, ${now}::timestamptz), ${b}::timestamptz)
          - greatest(e.since, ${a}::timestamptz))::float8 as secs
      from lgsp_availability_events e
      where e.cause <> 'registry' and e.since < ${b}::timestamptz
        and coalesce(e.until, ${now}::timestamptz) > ${a}::timestamptz ${unitFilter}
    )
    select unit_id, service_id,
      count(distinct service_id)::int as services,
      (count(*) filter (where not online and began_inside))::int as disconnections,
      coalesce(sum(secs) filter (where not online), 0)::float8 as offline_seconds,
      coalesce(sum(secs), 0)::float8 as observed_seconds
    from ev
    group by grouping sets ((unit_id, service_id), (unit_id))
    order by unit_id, service_id nulls first`,
  );
  return rows.map((r) => ({
    unitId: r.unit_id,
    serviceId: r.service_id,
    services: Number(r.services),
    disconnections: Number(r.disconnections),
    offlineSeconds: Number(r.offline_seconds),
    observedSeconds: Number(r.observed_seconds),
  }));
}
