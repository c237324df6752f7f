/**
 * @module lgsp/exchange/store
 * SQL of the exchange records: keyset search newest first, per-unit daily statistics and error summaries
 * (set-based, days in Asia/Ho_Chi_Minh), retention.
 */
import { and, desc, eq, gte, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../core/db/index.ts';
import { lgspExchange as x } from './tables.ts';

/** A stored exchange record. */
export type ExchangeRow = typeof x.$inferSelect;

/** Filters of the exchange search and its export. */
export interface ExchangeFilter {
  from?: Date;
  to?: Date;
  sourceUnitId?: string;
  destinationUnitId?: string;
  serviceCode?: string;
  /** 2 → 2xx, 4 → 4xx… */
  statusClass?: number;
  errorCode?: string;
  /** The record of one call, by the X-Lgsp-Request-Id its answer carried. */
  requestId?: string;
  /** Only rows whose source or destination unit is one of these (the reader's scope); undefined = all. */
  unitIds?: readonly string[];
  /** Keyset cursor: rows strictly older than this (time, id). */
  before?: { timeIn: Date; id: string };
  limit: number;
}

function conditions(f: Omit<ExchangeFilter, 'limit' | 'before'>): SQL[] {
  const where: SQL[] = [];
  if (f.from) where.push(gte(x.timeIn, f.from));
  if (f.to) where.push(lt(x.timeIn, f.to));
  if (f.sourceUnitId) where.push(eq(x.sourceUnitId, f.sourceUnitId));
  if (f.destinationUnitId) where.push(eq(x.destinationUnitId, f.destinationUnitId));
  if (f.serviceCode) where.push(eq(x.serviceCode, f.serviceCode));
  if (f.statusClass) {
    where.push(gte(x.status, f.statusClass * 100), lt(x.status, f.statusClass * 100 + 100));
  }
  if (f.errorCode) where.push(eq(x.errorCode, f.errorCode));
  if (f.requestId) where.push(eq(x.requestId, f.requestId));
  if (f.unitIds) {
    where.push(
      f.unitIds.length
        ? (or(inArray(x.sourceUnitId, [...f.unitIds]), inArray(x.destinationUnitId, [...f.unitIds])) as SQL)
        : sql`false`,
    );
  }
  return where;
}

/** Exchange records with `seq` after `afterSeq`, in seq order, `limit` at most: for followers such as the SOC. */
export function exchangesAfter(db: Db, afterSeq: number, limit: number): Promise<ExchangeRow[]> {
  return db.select().from(x).where(sql`${x.seq} > ${afterSeq}`).orderBy(x.seq).limit(limit);
}

/** Exchange records newest first, `limit` at most, after the cursor. */
export function searchExchanges(db: Db, f: ExchangeFilter): Promise<ExchangeRow[]> {
  const where = conditions(f);
  if (f.before) {
    where.push(
      sql`(${x.timeIn}, ${x.id}) < (${f.before.timeIn.toISOString()}::timestamptz, ${f.before.id}::uuid)`,
    );
  }
  return db
    .select()
    .from(x)
    .where(and(...where))
    .orderBy(desc(x.timeIn), desc(x.id))
    .limit(f.limit);
}

/** One unit's figures for one Vietnam day. */
export interface UnitDayStats {
  unitId: string;
  unitCode: string;
  day: string;
  sent: number;
  received: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

/**
 * Per unit and Vietnam day: calls sent (as source), received (as destination), failed ones (an error code
 * or a status ≥ 400) and latency percentiles, in one statement. `unitIds` limits to the reader's scope.
 */
export async function unitStatistics(
  db: Db,
  from: Date,
  to: Date,
  unitIds: readonly string[] | undefined,
): Promise<UnitDayStats[]> {
  if (unitIds && unitIds.length === 0) return [];
  const scope = (col: SQL) =>
    unitIds
      ? sql`and ${col} in (${sql.join(
          unitIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`
      : sql``;
  const rows = await queryRows<{
    unit_id: string;
    unit_code: string;
    day: string;
    sent: number;
    received: number;
    errors: number;
    p50: number | null;
    p95: number | null;
  }>(
    db,
    sql`with calls as (
          select source_unit_id as unit_id, source_unit_code as unit_code, time_in, 1 as sent, 0 as received,
                 latency_ms, (error_code is not null or status >= 400) as failed
            from lgsp_exchange
           where time_in >= ${from.toISOString()}::timestamptz and time_in < ${to.toISOString()}::timestamptz
             and source_unit_id is not null ${scope(sql`source_unit_id`)}
          union all
          select destination_unit_id, destination_unit_code, time_in, 0, 1, latency_ms,
                 (error_code is not null or status >= 400)
            from lgsp_exchange
           where time_in >= ${from.toISOString()}::timestamptz and time_in < ${to.toISOString()}::timestamptz
             and destination_unit_id is not null ${scope(sql`destination_unit_id`)}
        )
        select unit_id::text as unit_id, max(unit_code) as unit_code,
               to_char(time_in at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') as day,
               sum(sent)::int as sent, sum(received)::int as received,
               (count(*) filter (where failed))::int as errors,
               percentile_cont(0.5) within group (order by latency_ms) as p50,
               percentile_cont(0.95) within group (order by latency_ms) as p95
          from calls
         group by unit_id, day
         order by day, unit_code`,
  );
  return rows.map((r) => ({
    unitId: r.unit_id,
    unitCode: r.unit_code,
    day: r.day,
    sent: r.sent,
    received: r.received,
    errors: r.errors,
    p50Ms: r.p50 === null ? null : Math.round(Number(r.p50)),
    p95Ms: r.p95 === null ? null : Math.round(Number(r.p95)),
  }));
}

/** Error code counts per unit (as source or destination) between `from` and `to`. */
export async function errorSummary(
  db: Db,
  from: Date,
  to: Date,
  unitIds: readonly string[] | undefined,
): Promise<
  { unitId: string; unitCode: string; errorCode: string; asSource: number; asDestination: number }[]
> {
  if (unitIds && unitIds.length === 0) return [];
  const scope = (col: SQL) =>
    unitIds
      ? sql`and ${col} in (${sql.join(
          unitIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`
      : sql``;
  const rows = await queryRows<{
    unit_id: string;
    unit_code: string;
    error_code: string;
    as_source: number;
    as_destination: number;
  }>(
    db,
    sql`with errs as (
          select source_unit_id as unit_id, source_unit_code as unit_code, error_code, 1 as s, 0 as d
            from lgsp_exchange
           where error_code is not null and source_unit_id is not null
             and time_in >= ${from.toISOString()}::timestamptz and time_in < ${to.toISOString()}::timestamptz
             ${scope(sql`source_unit_id`)}
          union all
          select destination_unit_id, destination_unit_code, error_code, 0, 1
            from lgsp_exchange
           where error_code is not null and destination_unit_id is not null
             and time_in >= ${from.toISOString()}::timestamptz and time_in < ${to.toISOString()}::timestamptz
             ${scope(sql`destination_unit_id`)}
        )
        select unit_id::text as unit_id, max(unit_code) as unit_code, error_code,
               sum(s)::int as as_source, sum(d)::int as as_destination
          from errs group by unit_id, error_code
         order by unit_code, (sum(s) + sum(d)) desc, error_code`,
  );
  return rows.map((r) => ({
    unitId: r.unit_id,
    unitCode: r.unit_code,
    errorCode: r.error_code,
    asSource: r.as_source,
    asDestination: r.as_destination,
  }));
}

/** Deletes records older than `before`; returns how many went. */
export async function pruneExchanges(db: Db, before: Date): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`with gone as (delete from lgsp_exchange where time_in < ${before.toISOString()}::timestamptz returning 1)
        select count(*)::int as n from gone`,
  );
  return rows[0]?.n ?? 0;
}
