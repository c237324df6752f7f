/**
 * @module soc/processing/nats
 * NATS JetStream mode (`nats.url` / `TINHSO_NATS_URL`): every node publishes what its inputs receive to one
 * work-queue stream; nodes with `soc.processing.worker` (and `tinhso soc-worker` processes) consume it with
 * one shared durable pull consumer. The stream and consumer are created or updated idempotently by whichever
 * node starts first. Delivery is at least once; redeliveries replace their rows (same ids), so a killed
 * worker neither loses nor duplicates events.
 */
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import type { Logger } from '../../core/log/logger.ts';
import { NatsSink } from './nats-sink.ts';
import { NatsWorker } from './nats-worker.ts';
import type { BatchProcessor } from './processor.ts';

/** What NATS mode needs from configuration. */
export interface NatsSettings {
  url: string;
  stream: string;
  subject: string;
  maxBytes: number;
  maxAgeHours: number;
  ackWaitSeconds: number;
  /** Unacknowledged events per node before inputs are told to wait. */
  capacity: number;
  batchSize: number;
  flushIntervalMs: number;
  /** This node consumes the stream. */
  worker: boolean;
}

/** Events per stream message: large enough to amortise a publish, small enough for the 1 MB payload. */
export const EVENTS_PER_MESSAGE = 250;
/** How long a publish may be retried with the same id and still be recognised as a duplicate. */
const DUPLICATE_WINDOW_MS = 10 * 60_000;

/** Name of the shared durable consumer of a stream. */
export function durableName(stream: string): string {
  return `${stream}_workers`;
}

/** Creates the stream, or brings its limits up to date. */
export async function ensureStream(jsm: JetStreamManager, s: NatsSettings): Promise<void> {
  const maxAgeMs = s.maxAgeHours * 3_600_000;
  const config: Partial<StreamConfig> & { name: string } = {
    name: s.stream,
    subjects: [`${s.subject}.>`],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    // A full stream refuses publishes (the collectors hold back and apply back-pressure) instead of
    // discarding events nobody processed yet.
    discard: DiscardPolicy.New,
    max_bytes: s.maxBytes,
    max_age: nanos(maxAgeMs),
    duplicate_window: nanos(Math.min(DUPLICATE_WINDOW_MS, maxAgeMs)),
  };
  try {
    await jsm.streams.add(config);
  } catch {
    // Exists with other limits (or another node created it meanwhile): update what may change.
    await jsm.streams.update(s.stream, {
      subjects: config.subjects,
      max_bytes: config.max_bytes,
      max_age: config.max_age,
      duplicate_window: config.duplicate_window,
    });
  }
}

/** Creates the shared durable consumer, or updates its ack wait. */
export async function ensureConsumer(jsm: JetStreamManager, s: NatsSettings): Promise<void> {
  const durable = durableName(s.stream);
  const config = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(s.ackWaitSeconds * 1000),
    max_deliver: -1,
    max_ack_pending: 1000,
  };
  try {
    await jsm.consumers.add(s.stream, config);
  } catch {
    await jsm.consumers.update(s.stream, durable, { ack_wait: config.ack_wait, max_ack_pending: 1000 });
  }
}

/** NATS mode of one node: the publishing sink, and the worker when this node processes. */
export class NatsIngestion {
  readonly sink: NatsSink;
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  private jsm: JetStreamManager | null = null;
  private worker: NatsWorker | null = null;
  private lastPending = 0;
  private poll: NodeJS.Timeout | null = null;

  constructor(
    private readonly settings: NatsSettings,
    private readonly process: BatchProcessor,
    private readonly log: Logger,
  ) {
    this.sink = new NatsSink({
      capacity: settings.capacity,
      eventsPerMessage: EVENTS_PER_MESSAGE,
      flushIntervalMs: Math.min(settings.flushIntervalMs, 50),
      subjectRoot: settings.subject,
      onError: (err) => log.warn({ err }, 'SIEM: publish to NATS failed; retried'),
    });
  }

  /** Events waiting: unacknowledged publishes of this node plus the stream's backlog last seen. */
  depth(): number {
    return this.sink.depth + this.lastPending;
  }

  /** Events processed by this node's worker. */
  get processedEvents(): number {
    return this.worker?.processedEvents ?? 0;
  }

  /** Connects, ensures the stream (and consumer), attaches the sink and starts the worker. */
  async start(): Promise<void> {
    if (this.nc) return;
    const nc = await connect({ servers: this.settings.url, name: 'tinhso-soc', maxReconnectAttempts: -1 });
    this.nc = nc;
    this.jsm = await jetstreamManager(nc);
    this.js = jetstream(nc);
    await ensureStream(this.jsm, this.settings);
    this.sink.attach(this.js, nc.info?.max_payload ?? 1_048_576);
    if (this.settings.worker) {
      await ensureConsumer(this.jsm, this.settings);
      this.worker = new NatsWorker(this.js, {
        stream: this.settings.stream,
        durable: durableName(this.settings.stream),
        batchSize: this.settings.batchSize,
        flushIntervalMs: this.settings.flushIntervalMs,
        eventsPerMessage: EVENTS_PER_MESSAGE,
        process: this.process,
        onError: (err, what) => this.log.error({ err }, `SIEM worker: ${what}`),
      });
      await this.worker.start();
      this.poll = setInterval(() => void this.backlog().catch(() => {}), 5000);
      this.poll.unref();
    }
  }

  /** Messages in the stream not yet acknowledged (pending + being processed), in events (estimated). */
  async backlog(): Promise<number> {
    if (!this.jsm) return 0;
    const info = await this.jsm.consumers.info(this.settings.stream, durableName(this.settings.stream));
    this.lastPending = (info.num_pending + info.num_ack_pending) * EVENTS_PER_MESSAGE;
    return info.num_pending + info.num_ack_pending;
  }

  /** Resolves when this node's publishes are acknowledged and, on a worker, the stream is fully processed. */
  async idle(): Promise<void> {
    await this.sink.idle();
    if (!this.worker) return;
    while ((await this.backlog()) > 0 || this.worker.busy) await new Promise((r) => setTimeout(r, 50));
  }

  async close(): Promise<void> {
    if (this.poll) clearInterval(this.poll);
    await this.sink.close();
    await this.worker?.stop();
    await this.nc?.drain().catch(() => {});
    this.nc = null;
  }
}
