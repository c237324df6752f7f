/**
 * @module soc/store
 * The event store (SOC-05): day partitions of `soc_events` created on demand, batches written with COPY and
 * committed before `write` resolves, the volume rollup, daily retention, and the size and volume report.
 */
import type { NormalisedEvent } from '../contracts.ts';
import type { SocDeps, SocPart } from '../deps.ts';
import { Partitions } from './partitions.ts';
import { applyRetention, type RetentionPolicy, type RetentionSource, retentionJob } from './retention.ts';
import { storeRoutes } from './routes.ts';
import { BatchWriter, type WriteOptions } from './writer.ts';

export { partitionName } from './partitions.ts';
export type { RetentionPolicy, RetentionResult, RetentionSource } from './retention.ts';
export { RETENTION_JOB } from './retention.ts';
export { TIMESTAMP_OUT_OF_RANGE_TAG } from './rows.ts';
export type { WriteOptions } from './writer.ts';

/** The event store: the pipeline's `EventWriter` (with write options for NATS redeliveries) and a SOC part. */
export interface EventStore extends SocPart {
  write(events: NormalisedEvent[], options?: WriteOptions): Promise<void>;
  /** Runs retention now (the daily job calls the same). */
  applyRetention(): Promise<{ droppedPartitions: string[]; deletedRows: number; maxDays: number }>;
  /** Creates the partitions of these epoch days now (bench, tests; writes create theirs on demand). */
  ensurePartitions(days: Iterable<number>): Promise<void>;
}

/** Options the composition gives the store. */
export interface EventStoreOptions {
  /** Retention in force; default: `soc.store.defaultRetentionDays` for every source. */
  retention?: RetentionSource;
  /** Register the daily retention job on `deps.scheduler` (default true; a worker-only process may skip it). */
  scheduleRetention?: boolean;
}

const DAY_MS = 86_400_000;

/** Creates the event store. */
export function createEventStore(deps: SocDeps, options: EventStoreOptions = {}): EventStore {
  const { platform } = deps;
  const database = platform.database;
  const now = () => platform.now();
  const partitions = new Partitions(database, platform.config.soc.store.messageIndexPendingKb);
  const writer = new BatchWriter(database, partitions, () => now().getTime());
  const retention: RetentionSource =
    options.retention ??
    (async (): Promise<RetentionPolicy> => ({
      defaultDays: platform.config.soc.store.defaultRetentionDays,
      perSource: [],
    }));
  if (options.scheduleRetention !== false) {
    deps.scheduler.register(retentionJob({ database, partitions, retention, now }));
  }
  return {
    write: (events, writeOptions) => writer.write(events, writeOptions),
    async applyRetention() {
      return applyRetention(database, partitions, await retention(), now());
    },
    ensurePartitions: (days) => partitions.ensure(days),
    routes: (app) => storeRoutes({ database, org: deps.org, now })(app),
    async start() {
      // Today's and tomorrow's partitions exist before their first event, so no write waits on creating them.
      const today = Math.floor(now().getTime() / DAY_MS);
      await partitions.ensure([today, today + 1]);
    },
  };
}
