/**
 * @module soc/processing
 * How raw events reach the processor: the in-process bounded queue (default), or NATS JetStream when
 * `nats.url` (`TINHSO_NATS_URL`) is set: collectors publish, workers consume.
 */
import type { IngestSink } from '../contracts.ts';
import type { SocDeps, SocPart } from '../deps.ts';
import { LocalQueue } from './local-queue.ts';
import { NatsIngestion, type NatsSettings } from './nats.ts';
import type { BatchProcessor } from './processor.ts';

export { LocalQueue } from './local-queue.ts';
export { durableName, EVENTS_PER_MESSAGE, NatsIngestion, type NatsSettings } from './nats.ts';
export {
  type BatchOptions,
  type BatchProcessor,
  createProcessor,
  type OptionsWriter,
  PARSE_ERROR_TAG,
  type ProcessorStages,
} from './processor.ts';
export { createProcessingThreads, ProcessingThreads, type ThreadsStatus } from './threads/index.ts';

/** The sink inputs write to, with its queue depth for the health figures. */
export interface Ingestion extends SocPart {
  readonly sink: IngestSink;
  /** `local` (in-process queue) or `nats`. */
  readonly mode: 'local' | 'nats';
  /** Events accepted but not yet processed on this node (or pending in the stream). */
  depth(): number;
  /** Resolves when everything accepted so far is processed (tests, shutdown). */
  idle(): Promise<void>;
}

/** The NATS settings of this node's configuration, or null when NATS mode is off. */
export function natsSettings(deps: SocDeps): NatsSettings | null {
  const { config } = deps.platform;
  if (!config.nats.url) return null;
  const p = config.soc.processing;
  return {
    url: config.nats.url,
    ...p.nats,
    capacity: p.queueCapacity,
    batchSize: p.batchSize,
    flushIntervalMs: p.flushIntervalMs,
    worker: p.worker,
  };
}

/** Creates the ingestion over `process`: NATS JetStream when configured, else the in-process queue. */
export function createIngestion(deps: SocDeps, process: BatchProcessor): Ingestion {
  const nats = natsSettings(deps);
  if (nats) {
    const ingestion = new NatsIngestion(nats, process, deps.platform.log);
    return {
      mode: 'nats',
      sink: ingestion.sink,
      depth: () => ingestion.depth(),
      idle: () => ingestion.idle(),
      start: () => ingestion.start(),
      close: () => ingestion.close(),
    };
  }
  const cfg = deps.platform.config.soc.processing;
  const queue = new LocalQueue({
    capacity: cfg.queueCapacity,
    batchSize: cfg.batchSize,
    flushIntervalMs: cfg.flushIntervalMs,
    concurrency: cfg.concurrency,
    process,
    onError: (err, size) =>
      deps.platform.log.error({ err, size }, 'SIEM batch failed; kept in the queue and retried'),
  });
  return {
    mode: 'local',
    sink: queue,
    depth: () => queue.depth,
    idle: () => queue.idle(),
    close: () => queue.close(),
  };
}
