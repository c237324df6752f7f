/**
 * @module soc/store/retention
 * Retention of the event store (SOC-05): whole day partitions older than the longest retention in force are
 * dropped (cheap, no dead rows); rows of sources whose own retention is shorter are deleted with one
 * set-based statement per partition that can hold such rows. Retention per source is owned by the sources
 * part and injected as a function; the default applies to events without a source and sources without one.
 * Events of a forensic import (input `file:<id>`) are old by nature: they are kept for the default retention
 * counted from their import (`received_at`), not from their own time, so last year's logs imported for an
 * investigation are not deleted the next night. A day partition past the longest retention that still holds
 * such events is kept with only them.
 */
import type { Database } from '../../core/db/index.ts';
import type { JobDefinition } from '../../core/scheduler/index.ts';
import { nextDailyAt } from '../../core/scheduler/index.ts';
import { type Partitions, partitionName } from './partitions.ts';

const DAY_MS = 86_400_000;
/** The rollup is tiny; it is kept at least a year past the events for capacity planning. */
const VOLUME_KEEP_DAYS = 400;

/** Retention in force: days per source, and the default for the rest. */
export interface RetentionPolicy {
  defaultDays: number;
  perSource: { sourceId: string; days: number }[];
}

/** Reads the retention in force (the sources part's inventory; by default the configured days for all). */
export type RetentionSource = () => Promise<RetentionPolicy>;

/** What one retention run did. */
export interface RetentionResult {
  droppedPartitions: string[];
  deletedRows: number;
  /** The longest retention in force (days): partitions older than it were dropped. */
  maxDays: number;
}

/** Name of the daily retention job. */
export const RETENTION_JOB = 'soc.store.retention';

/** Rows of an import still within its retention (`$1`: the oldest import time kept). */
const IMPORTED_KEPT = (alias: string, param: string) =>
  `(${alias}.input like 'file:%' and ${alias}.received_at >= ${param}::timestamptz)`;

const DELETE_SHORTER = (partition: string) => `
  delete from ${partition} e
   using unnest($1::uuid[], $2::int[]) as r(source_id, days)
   where e.ts < $3::timestamptz - make_interval(days => r.days)
     and ((r.source_id is not null and e.source_id = r.source_id)
       or (r.source_id is null and (e.source_id is null or not (e.source_id = any($4::uuid[])))))
     and not ${IMPORTED_KEPT('e', '$5')}`;

/** Applies `policy` at `now`: drops partitions past the longest retention, deletes shorter sources' rows. */
export async function applyRetention(
  database: Database,
  partitions: Partitions,
  policy: RetentionPolicy,
  now: Date,
): Promise<RetentionResult> {
  const valid = policy.perSource.filter((p) => Number.isInteger(p.days) && p.days > 0);
  const maxDays = Math.max(policy.defaultDays, ...valid.map((p) => p.days));
  const t = now.getTime();
  const dropBefore = t - maxDays * DAY_MS;
  const importsSince = new Date(t - policy.defaultDays * DAY_MS).toISOString();
  const dropped: string[] = [];
  const kept: number[] = [];
  let deletedRows = 0;
  for (const p of await partitions.list()) {
    if ((p.day + 1) * DAY_MS <= dropBefore) {
      // Past every retention but holding imported events still kept: only those stay. Imported events have
      // no source, so the (source_id, ts) index finds them without reading the day.
      const [held] = await database.rawTransaction((tx) =>
        tx.query<{ imported: boolean }>(
          `select exists (select 1 from ${p.name} e where e.source_id is null and ${IMPORTED_KEPT('e', '$1')})
             as imported`,
          [importsSince],
        ),
      );
      if (held?.imported) {
        const [gone] = await database.rawTransaction((tx) =>
          tx.query<{ n: number }>(
            `with gone as (delete from ${p.name} e where not ${IMPORTED_KEPT('e', '$1')} returning 1)
             select count(*)::int as n from gone`,
            [importsSince],
          ),
        );
        deletedRows += gone?.n ?? 0;
        continue;
      }
      await partitions.drop(p.day);
      dropped.push(p.name);
    } else kept.push(p.day);
  }

  // Only retentions shorter than the longest need rows deleted; the rest go with their partitions.
  const shorter: { sourceId: string | null; days: number }[] = valid.filter((p) => p.days < maxDays);
  if (policy.defaultDays < maxDays) shorter.push({ sourceId: null, days: policy.defaultDays });
  if (shorter.length > 0) {
    const minDays = Math.min(...shorter.map((s) => s.days));
    const candidates = kept.filter((day) => day * DAY_MS < t - minDays * DAY_MS);
    const params = [
      shorter.map((s) => s.sourceId),
      shorter.map((s) => s.days),
      now.toISOString(),
      valid.map((p) => p.sourceId),
      importsSince,
    ];
    for (const day of candidates) {
      const rows = await database.rawTransaction((tx) =>
        tx.query<{ n: number }>(
          `with gone as (${DELETE_SHORTER(partitionName(day))} returning 1)
          select count(*)::int as n from gone`,
          params,
        ),
      );
      deletedRows += rows[0]?.n ?? 0;
    }
  }
  const volumeBefore = new Date(t - Math.max(maxDays, VOLUME_KEEP_DAYS) * DAY_MS).toISOString().slice(0, 10);
  await database.rawTransaction((tx) =>
    tx.query('delete from soc_event_volume where day < $1::date', [volumeBefore]),
  );
  return { droppedPartitions: dropped, deletedRows, maxDays };
}

/** The daily job: retention, then the partitions of today and tomorrow created ahead of their first event. */
export function retentionJob(opts: {
  database: Database;
  partitions: Partitions;
  retention: RetentionSource;
  now: () => Date;
}): JobDefinition {
  return {
    name: RETENTION_JOB,
    intervalMs: DAY_MS,
    nextRunAt: (after) => nextDailyAt(after, '01:30'),
    run: async () => {
      const now = opts.now();
      const r = await applyRetention(opts.database, opts.partitions, await opts.retention(), now);
      const today = Math.floor(now.getTime() / DAY_MS);
      await opts.partitions.ensure([today, today + 1]);
      return `kept ${r.maxDays} days; dropped ${r.droppedPartitions.length} partitions${
        r.droppedPartitions.length ? ` (${r.droppedPartitions.join(', ')})` : ''
      }; deleted ${r.deletedRows} rows of sources with a shorter retention`;
    },
  };
}
