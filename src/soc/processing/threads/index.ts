/**
 * @module soc/processing/threads
 * Processing threads (`soc.processing.threads`): with PostgreSQL and the in-process queue, batches are
 * parsed, normalised, enriched and committed by worker threads, so the main thread only receives events and
 * serves HTTP. Measured on 2 cores: the main thread was the limit of sustained ingest (docs/performance.md).
 */
import type { SiemCounters } from '../../contracts.ts';
import type { SocDeps } from '../../deps.ts';
import type { BatchProcessor } from '../processor.ts';
import { ProcessingThreads } from './pool.ts';

export { ProcessingThreads, type ProcessingThreadsOptions, type ThreadsStatus } from './pool.ts';

/**
 * The processing threads this node runs, or null: none configured, PGlite (one connection, in this
 * thread), or NATS mode (worker processes consume the stream instead).
 */
export function createProcessingThreads(
  deps: SocDeps,
  counters: SiemCounters,
  fallback: BatchProcessor,
): ProcessingThreads | null {
  const { config, database, log } = deps.platform;
  const size = config.soc.processing.threads;
  if (size < 1 || config.nats.url || !database.connection) return null;
  return new ProcessingThreads({ size, config, connection: database.connection, counters, log, fallback });
}
