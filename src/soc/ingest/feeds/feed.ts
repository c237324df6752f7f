/**
 * @module soc/ingest/feeds/feed
 * The platform feeds (LGSP-31: the SOC watches the platform itself): a scheduled job (one node) reads new
 * audit entries and LGSP exchange records after each feed's saved cursor, through reader functions the
 * owning modules export, and submits them as raw events. The cursor moves only after the events are
 * durable, so a crash repeats a batch at worst and never skips one.
 */
import type { Db } from '../../../core/db/index.ts';
import type { JobDefinition } from '../../../core/scheduler/index.ts';
import type { IngestSink, RawEvent, SiemCounters } from '../../contracts.ts';
import { readCursor, writeCursor } from './store.ts';

/** One batch a reader returns: rows after the cursor, and the cursor after them. */
export interface FeedBatch {
  rows: Record<string, unknown>[];
  cursor: string | null;
}

/** Reads rows after an opaque cursor (null: from the start), at most `limit`. Set-based: one query. */
export type FeedReader = (after: string | null, limit: number) => Promise<FeedBatch>;

/** A platform feed. */
export interface Feed {
  /** Name, cursor key and input id: `audit`, `lgsp`. */
  name: 'audit' | 'lgsp';
  pipeline: 'tinhso-audit' | 'tinhso-lgsp';
  read: FeedReader;
  /** The unit a row belongs to, when it names one: its events are that unit's. */
  unitOf?: (row: Record<string, unknown>) => string | null;
}

/** Name of the scheduled job. */
export const FEEDS_JOB = 'soc.feeds.platform';

export interface FeedJobDeps {
  db: Db;
  sink: IngestSink;
  counters: SiemCounters;
  now: () => Date;
  feeds: Feed[];
  /** Rows per batch (one query each). */
  batchSize?: number;
  /** Batches per feed and run, so one run cannot hold the lease for long. */
  maxBatches?: number;
  intervalMs?: number;
}

/** Reads and submits what is new in every feed; returns the count per feed. */
export async function pollFeeds(deps: FeedJobDeps, signal?: AbortSignal): Promise<Record<string, number>> {
  const batchSize = deps.batchSize ?? 1000;
  const counts: Record<string, number> = {};
  for (const feed of deps.feeds) {
    counts[feed.name] = 0;
    for (let i = 0; i < (deps.maxBatches ?? 20) && !signal?.aborted; i++) {
      const after = await readCursor(deps.db, feed.name);
      const batch = await feed.read(after, batchSize);
      if (batch.rows.length > 0) {
        const receivedAt = deps.now().getTime();
        const events: RawEvent[] = batch.rows.map((doc) => ({
          input: feed.name,
          kind: feed.name,
          receivedAt,
          doc,
          pipeline: feed.pipeline,
          unitId: feed.unitOf?.(doc) ?? null,
        }));
        await deps.sink.submit(events);
        deps.counters.received(feed.name, events.length, 0);
        counts[feed.name] = (counts[feed.name] ?? 0) + events.length;
      }
      if (batch.cursor !== null && batch.cursor !== after)
        await writeCursor(deps.db, feed.name, batch.cursor, deps.now());
      if (batch.rows.length < batchSize) break;
    }
  }
  return counts;
}

/** The scheduled job polling the feeds (one node at a time, through the scheduler's lease). */
export function feedsJob(deps: FeedJobDeps): JobDefinition {
  return {
    name: FEEDS_JOB,
    intervalMs: deps.intervalMs ?? 15_000,
    run: async (_ctx, info) => {
      const counts = await pollFeeds(deps, info.signal);
      return Object.entries(counts)
        .map(([feed, n]) => `${feed}: ${n}`)
        .join(', ');
    },
  };
}
