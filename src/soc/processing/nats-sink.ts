/**
 * @module soc/processing/nats-sink
 * The collector side of NATS mode: raw events are packed into messages (a JSON envelope of up to a few
 * hundred events) and published to the JetStream stream. Each message gets its id once (JetStream's
 * `Nats-Msg-Id`, so a retried publish is a duplicate the stream drops) and is retried until the stream
 * acknowledges it. Events offered but not yet acknowledged are bounded: past the capacity `offer` says no
 * (TCP inputs pause, UDP counts a drop) and `drained` resolves when half the room is back.
 */
import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { IngestSink, RawEvent } from '../contracts.ts';
import { hasRoom, isDrained } from './room.ts';
import { rowIdsOf } from './row-ids.ts';

/** What one stream message carries. Row ids derive from `id` and the event's position (see `rowIds`). */
export interface RawEnvelope {
  v: 1;
  id: string;
  events: RawEvent[];
}

/** The row ids of an envelope's events (see `rowIdsOf`). */
export function rowIds(envelope: RawEnvelope): string[] {
  return rowIdsOf(envelope.id, envelope.events.length);
}

export interface NatsSinkOptions {
  /** Events offered and not yet acknowledged by the stream, at most. */
  capacity: number;
  /** Events per message. */
  eventsPerMessage: number;
  /** Longest wait before a partly filled message is published. */
  flushIntervalMs: number;
  subjectRoot: string;
  onError?: (err: unknown) => void;
  /** Longest wait between retries of a failing publish. */
  maxRetryDelayMs?: number;
}

const encoder = new TextEncoder();

/** A subject token from an input id (`file:abc` → `file:abc`; dots and spaces would split or break it). */
function token(input: string): string {
  const t = input.replace(/[^A-Za-z0-9_:-]/g, '_').slice(0, 64);
  return t || 'unknown';
}

/** Publishes raw events to JetStream with bounded, retried, acknowledged publishes. */
export class NatsSink implements IngestSink {
  private current: RawEvent[] = [];
  private unacked = 0;
  private timer: NodeJS.Timeout | null = null;
  private js: JetStreamClient | null = null;
  private maxPayload = 1_048_576;
  private connectedWaiters: (() => void)[] = [];
  private roomWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: NatsSinkOptions) {}

  /** Events offered and not yet acknowledged by the stream. */
  get depth(): number {
    return this.unacked;
  }

  /** Starts publishing through `js` (events offered before wait for it). */
  attach(js: JetStreamClient, maxPayload: number): void {
    this.js = js;
    this.maxPayload = maxPayload;
    for (const w of this.connectedWaiters.splice(0)) w();
  }

  offer(events: RawEvent[]): boolean {
    if (this.closed) return false;
    if (!hasRoom(this.unacked, events.length, this.options.capacity)) return false;
    this.unacked += events.length;
    for (const e of events) {
      this.current.push(e);
      if (this.current.length >= this.options.eventsPerMessage) this.seal();
    }
    if (this.current.length > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.seal();
      }, this.options.flushIntervalMs);
    }
    return true;
  }

  drained(): Promise<void> {
    if (isDrained(this.unacked, this.options.capacity)) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  async submit(events: RawEvent[]): Promise<void> {
    while (!hasRoom(this.unacked, events.length, this.options.capacity)) {
      if (this.closed) throw new Error('NATS ingest sink closed');
      await this.drained();
    }
    if (this.closed) throw new Error('NATS ingest sink closed');
    this.unacked += events.length;
    // Its own messages, so the caller waits for exactly its events' acknowledgements.
    const sent: Promise<void>[] = [];
    for (let i = 0; i < events.length; i += this.options.eventsPerMessage) {
      sent.push(this.publish(events.slice(i, i + this.options.eventsPerMessage)));
    }
    await Promise.all(sent);
  }

  /** Resolves when every event taken so far is acknowledged by the stream. */
  idle(): Promise<void> {
    if (this.unacked === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking events, publishes what is pending and waits for it (within `graceMs`). */
  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.seal();
    await Promise.race([this.idle(), new Promise((r) => setTimeout(r, graceMs).unref())]);
    for (const w of this.connectedWaiters.splice(0)) w();
  }

  private seal(): void {
    if (this.current.length === 0) return;
    const events = this.current;
    this.current = [];
    this.publish(events).catch((err) => this.options.onError?.(err));
  }

  /** Publishes events as one message (split in two when over the server's payload limit), retrying until acknowledged. */
  private async publish(events: RawEvent[]): Promise<void> {
    const envelope: RawEnvelope = { v: 1, id: randomUUID(), events };
    const payload = encoder.encode(JSON.stringify(envelope));
    if (payload.length > this.maxPayload - 1024 && events.length > 1) {
      const half = Math.ceil(events.length / 2);
      await Promise.all([this.publish(events.slice(0, half)), this.publish(events.slice(half))]);
      return;
    }
    const subject = `${this.options.subjectRoot}.${token(events[0]?.input ?? 'unknown')}`;
    let failures = 0;
    try {
      for (;;) {
        if (!this.js) await new Promise<void>((r) => this.connectedWaiters.push(r));
        const js = this.js;
        if (!js) throw new Error('NATS ingest sink closed before connecting');
        try {
          await js.publish(subject, payload, { msgID: envelope.id, timeout: 10_000 });
          return;
        } catch (err) {
          failures++;
          // Shutting down with the stream unreachable: give up rather than hold the process forever.
          if (this.closed && failures >= 3) throw err;
          this.options.onError?.(err);
          const delay = Math.min(this.options.maxRetryDelayMs ?? 5000, 50 * 2 ** Math.min(failures, 10));
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    } finally {
      this.unacked -= events.length;
      this.wake();
    }
  }

  private wake(): void {
    if (isDrained(this.unacked, this.options.capacity)) for (const w of this.roomWaiters.splice(0)) w();
    if (this.unacked === 0) for (const w of this.idleWaiters.splice(0)) w();
  }
}
