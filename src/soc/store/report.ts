/**
 * @module soc/store/report
 * The size and volume report (SOC-16): storage per day partition (rows and bytes on disk) and events/bytes
 * written per day and per source/dataset from the rollup. Partitions hold every unit's events, so their
 * figures are shown only to readers who see all units; the rollup rows carry their unit and are filtered by
 * the reader's scope in SQL.
 */
import type { Database } from '../../core/db/index.ts';
import { dayOfPartition, isoDay } from './partitions.ts';

/** One day partition on disk. */
export interface PartitionFigures {
  day: string;
  name: string;
  /** Rows: PostgreSQL's statistics once the partition was analysed, else the rollup's count for the day. */
  rows: number;
  rowsEstimated: boolean;
  /** Table, indexes and TOAST (pg_total_relation_size). */
  bytes: number;
}

/** Written volume of one source and dataset over the range. */
export interface SourceVolume {
  sourceId: string | null;
  unitId: string | null;
  dataset: string | null;
  events: number;
  bytes: number;
}

/** The report over [from, to] (UTC days, inclusive). */
export interface StoreReport {
  from: string;
  to: string;
  partitions: PartitionFigures[] | null;
  days: { day: string; events: number; bytes: number }[];
  sources: SourceVolume[];
  totals: { events: number; bytes: number; storedBytes: number | null; partitions: number | null };
}

const MAX_SOURCES = 1000;

/** Builds the report; `unitIds` undefined = every unit (and the partitions), else only those units' volume. */
export async function storeReport(
  database: Database,
  range: { from: string; to: string },
  unitIds: readonly string[] | undefined,
): Promise<StoreReport> {
  return database.rawTransaction(async (tx) => {
    const scope = unitIds ? 'and unit_id = any($3::uuid[])' : '';
    const params: unknown[] = [range.from, range.to];
    if (unitIds) params.push(unitIds);
    const days = await tx.query<{ day: string; events: number; bytes: number }>(
      `select to_char(day, 'YYYY-MM-DD') as day, sum(events)::float8 as events, sum(bytes)::float8 as bytes
         from soc_event_volume where day between $1::date and $2::date ${scope}
        group by day order by day`,
      params,
    );
    const sources = await tx.query<{
      source_id: string | null;
      unit_id: string | null;
      dataset: string | null;
      events: number;
      bytes: number;
    }>(
      `select source_id::text as source_id, unit_id::text as unit_id, dataset,
              sum(events)::float8 as events, sum(bytes)::float8 as bytes
         from soc_event_volume where day between $1::date and $2::date ${scope}
        group by source_id, unit_id, dataset order by sum(events) desc, dataset limit ${MAX_SOURCES}`,
      params,
    );
    let partitions: PartitionFigures[] | null = null;
    if (!unitIds) {
      const rows = await tx.query<{ name: string; reltuples: number; bytes: number }>(
        `select c.relname as name, c.reltuples::float8 as reltuples, pg_total_relation_size(c.oid)::float8 as bytes
           from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = 'soc_events'::regclass`,
      );
      const rolled = new Map(days.map((d) => [d.day, d.events]));
      partitions = [];
      for (const r of rows) {
        const day = dayOfPartition(r.name);
        if (day === null) continue;
        const iso = isoDay(day);
        if (iso < range.from || iso > range.to) continue;
        const analysed = r.reltuples >= 0;
        partitions.push({
          day: iso,
          name: r.name,
          rows: analysed ? Math.round(r.reltuples) : (rolled.get(iso) ?? 0),
          rowsEstimated: analysed,
          bytes: r.bytes,
        });
      }
      partitions.sort((a, b) => (a.day < b.day ? -1 : 1));
    }
    return {
      from: range.from,
      to: range.to,
      partitions,
      days,
      sources: sources.map((s) => ({
        sourceId: s.source_id,
        unitId: s.unit_id,
        dataset: s.dataset,
        events: s.events,
        bytes: s.bytes,
      })),
      totals: {
        events: days.reduce((n, d) => n + d.events, 0),
        bytes: days.reduce((n, d) => n + d.bytes, 0),
        storedBytes: partitions ? partitions.reduce((n, p) => n + p.bytes, 0) : null,
        partitions: partitions ? partitions.length : null,
      },
    };
  });
}
