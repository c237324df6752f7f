/**
 * @module soc/processing
 * How raw events reach the processor: the in-process bounded queue (default), or NATS JetStream when
 * `TINHSO_NATS_URL` is set (collectors publish, workers consume).
 */
import type { IngestSink, RawEvent } from '../contracts.ts';
import type { SocDeps, SocPart } from '../deps.ts';
import { LocalQueue } from './local-queue.ts';

export { LocalQueue } from './local-queue.ts';
export { createProcessor, PARSE_ERROR_TAG, type ProcessorStages } from './processor.ts';

/** The sink inputs write to, with its queue depth for the health figures. */
export interface Ingestion extends SocPart {
  readonly sink: IngestSink;
  /** Events accepted but not yet processed on this node (or pending in the stream). */
  depth(): number;
  /** Resolves when everything accepted so far is processed (tests, shutdown). */
  idle(): Promise<void>;
}

/** Creates the in-process ingestion over `process`. */
export function createIngestion(deps: SocDeps, process: (batch: RawEvent[]) => Promise<void>): Ingestion {
  const cfg = deps.platform.config.soc.processing;
  const queue = new LocalQueue({
    capacity: cfg.queueCapacity,
    batchSize: cfg.batchSize,
    flushIntervalMs: cfg.flushIntervalMs,
    process,
    onError: (err, size) =>
      deps.platform.log.error({ err, size }, 'SIEM batch failed; kept in the queue and retried'),
  });
  return {
    sink: queue,
    depth: () => queue.depth,
    idle: () => queue.idle(),
    close: () => queue.close(),
  };
}
