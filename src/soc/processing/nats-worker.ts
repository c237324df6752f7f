/**
 * @module soc/processing/nats-worker
 * The worker side of NATS mode: a durable pull consumer shared by every worker process, messages gathered
 * into batches of about `batchSize` events, each batch run through the same processor as the in-process
 * queue, and its messages acknowledged only after the store committed. A worker killed mid-batch leaves its
 * messages unacknowledged: JetStream redelivers them after the ack wait, and the redelivered batch replaces
 * rows with the same ids (derived from the message), so the event is stored once.
 */
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { type RawEnvelope, rowIds } from './nats-sink.ts';
import type { BatchProcessor } from './processor.ts';

export interface NatsWorkerOptions {
  stream: string;
  durable: string;
  /** Events per processed batch (messages are taken whole, so a batch may be a message larger). */
  batchSize: number;
  /** Longest wait to fill a batch. */
  flushIntervalMs: number;
  /** Events per message the collectors publish: sizes the prefetch. */
  eventsPerMessage: number;
  process: BatchProcessor;
  onError?: (err: unknown, what: string) => void;
  /** Delay before a failed batch's messages are redelivered. */
  retryDelayMs?: number;
}

interface Taken {
  msg: JsMsg;
  envelope: RawEnvelope;
}

/** Reads an envelope, or null when the message is not one (it is then terminated, never retried forever). */
function decode(msg: JsMsg): RawEnvelope | null {
  try {
    const env = msg.json<RawEnvelope>();
    if (
      env &&
      env.v === 1 &&
      typeof env.id === 'string' &&
      env.id.length === 36 &&
      Array.isArray(env.events)
    ) {
      return env;
    }
  } catch {
    // fall through: not JSON
  }
  return null;
}

/** Consumes the stream and processes its batches until stopped. */
export class NatsWorker {
  private pending: Taken[] = [];
  private pendingEvents = 0;
  private running = false;
  private stopping = false;
  private timer: NodeJS.Timeout | null = null;
  private messages: ConsumerMessages | null = null;
  private pump: Promise<void> | null = null;
  private loopDone: Promise<void> = Promise.resolve();
  private roomWaiters: (() => void)[] = [];
  /** Batches committed and events processed by this worker (tests, health). */
  processedEvents = 0;

  constructor(
    private readonly js: JetStreamClient,
    private readonly options: NatsWorkerOptions,
  ) {}

  /** True while a batch is being processed or messages wait for one. */
  get busy(): boolean {
    return this.running || this.pending.length > 0;
  }

  /** Starts consuming. */
  async start(): Promise<void> {
    const consumer = await this.js.consumers.get(this.options.stream, this.options.durable);
    const prefetch = Math.max(4, Math.ceil((2 * this.options.batchSize) / this.options.eventsPerMessage));
    this.messages = await consumer.consume({ max_messages: prefetch });
    this.pump = this.read(this.messages);
  }

  /** Stops taking messages, finishes the batch in progress, and hands back the rest for redelivery now. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const w of this.roomWaiters.splice(0)) w();
    await this.messages?.close().catch(() => {});
    await this.pump;
    await this.loopDone;
    for (const t of this.pending.splice(0)) t.msg.nak();
    this.pendingEvents = 0;
  }

  private async read(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) {
        if (this.stopping) {
          msg.nak();
          continue;
        }
        const envelope = decode(msg);
        if (!envelope) {
          this.options.onError?.(new Error('not a raw event envelope'), 'message terminated');
          msg.term();
          continue;
        }
        this.pending.push({ msg, envelope });
        this.pendingEvents += envelope.events.length;
        this.kick();
        // Bounded: messages held here count against their ack wait.
        while (!this.stopping && this.pendingEvents >= 2 * this.options.batchSize) {
          await new Promise<void>((r) => this.roomWaiters.push(r));
        }
      }
    } catch (err) {
      if (!this.stopping) this.options.onError?.(err, 'consumer stopped');
    }
  }

  private kick(): void {
    if (this.running) return;
    if (this.pendingEvents >= this.options.batchSize) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.loopDone = this.loop();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.loopDone = this.loop();
      }, this.options.flushIntervalMs);
    }
  }

  private async loop(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.pending.length > 0) {
        const batch: Taken[] = [];
        let n = 0;
        while (
          this.pending.length > 0 &&
          (n === 0 || n + (this.pending[0] as Taken).envelope.events.length <= this.options.batchSize)
        ) {
          const t = this.pending.shift() as Taken;
          batch.push(t);
          n += t.envelope.events.length;
        }
        this.pendingEvents -= n;
        for (const w of this.roomWaiters.splice(0)) w();
        const events = batch.flatMap((t) => t.envelope.events);
        const ids = batch.flatMap((t) => rowIds(t.envelope));
        const replace = batch.some((t) => t.msg.info.deliveryCount > 1);
        try {
          await this.options.process(events, { ids, replace });
          for (const t of batch) t.msg.ack();
          this.processedEvents += n;
        } catch (err) {
          this.options.onError?.(err, 'batch failed; redelivered later');
          for (const t of batch) t.msg.nak(this.options.retryDelayMs ?? 1000);
        }
        if (this.stopping) break;
      }
    } finally {
      this.running = false;
      if (!this.stopping && this.pending.length > 0) this.kick();
    }
  }
}
