/**
 * @module soc/processing/local-queue
 * The in-process ingest queue: inputs offer raw events, one loop takes them in batches through the processor.
 * Bounded, so a flood makes TCP inputs wait and UDP inputs count drops instead of exhausting memory; a batch
 * whose processing fails (database down) is kept at the head and retried, so nothing accepted is lost while
 * the node runs.
 */
import type { IngestSink, RawEvent } from '../contracts.ts';

export interface LocalQueueOptions {
  capacity: number;
  batchSize: number;
  flushIntervalMs: number;
  /** Processes one batch; a rejection keeps the batch for a retry. */
  process: (batch: RawEvent[]) => Promise<void>;
  onError?: (err: unknown, batchSize: number) => void;
  /** Longest wait between retries of a failing batch. */
  maxRetryDelayMs?: number;
}

interface Waiter {
  /** Sequence number of the last event the waiter needs processed. */
  upTo: number;
  resolve: () => void;
}

/** A bounded queue drained by one processing loop. */
export class LocalQueue implements IngestSink {
  private items: RawEvent[] = [];
  private head = 0;
  /** Sequence number of the next event pushed, and of the first not yet processed. */
  private pushed = 0;
  private processed = 0;
  private running = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private roomWaiters: (() => void)[] = [];
  private doneWaiters: Waiter[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: LocalQueueOptions) {}

  /** Events waiting for processing. */
  get depth(): number {
    return this.items.length - this.head;
  }

  offer(events: RawEvent[]): boolean {
    if (this.closed) return false;
    // An empty queue takes any batch, so one larger than the capacity cannot wait forever.
    if (this.depth > 0 && this.depth + events.length > this.options.capacity) return false;
    this.push(events);
    return true;
  }

  drained(): Promise<void> {
    if (this.depth <= this.options.capacity / 2) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  async submit(events: RawEvent[]): Promise<void> {
    while (!this.offer(events)) {
      if (this.closed) throw new Error('ingest queue closed');
      await this.drained();
    }
    const upTo = this.pushed;
    if (this.processed >= upTo) return;
    await new Promise<void>((resolve) => this.doneWaiters.push({ upTo, resolve }));
  }

  /** Resolves when every event pushed so far is processed. */
  idle(): Promise<void> {
    if (this.depth === 0 && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking events and processes what is queued (within `graceMs`). */
  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.loop();
    await Promise.race([this.idle(), new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  private push(events: RawEvent[]): void {
    for (const e of events) this.items.push(e);
    this.pushed += events.length;
    if (this.running) return;
    if (this.depth >= this.options.batchSize) void this.loop();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.loop();
      }, this.options.flushIntervalMs);
    }
  }

  private async loop(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let failures = 0;
    try {
      while (this.depth > 0) {
        const end = Math.min(this.items.length, this.head + this.options.batchSize);
        const batch = this.items.slice(this.head, end);
        try {
          await this.options.process(batch);
          failures = 0;
        } catch (err) {
          failures++;
          this.options.onError?.(err, batch.length);
          if (this.closed && failures >= 3) break;
          const delay = Math.min(this.options.maxRetryDelayMs ?? 5000, 100 * 2 ** Math.min(failures, 10));
          await new Promise((r) => setTimeout(r, delay));
          continue;
        }
        this.head = end;
        this.processed += batch.length;
        this.compact();
        this.wake();
      }
    } finally {
      this.running = false;
      if (this.depth === 0) for (const w of this.idleWaiters.splice(0)) w();
      else if (!this.closed && !this.timer) void this.loop();
    }
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  private wake(): void {
    if (this.depth <= this.options.capacity / 2) for (const w of this.roomWaiters.splice(0)) w();
    if (this.doneWaiters.length > 0) {
      const still: Waiter[] = [];
      for (const w of this.doneWaiters) this.processed >= w.upTo ? w.resolve() : still.push(w);
      this.doneWaiters = still;
    }
  }
}
