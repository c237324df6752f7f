/**
 * @module soc/processing/local-queue
 * The in-process ingest queue: inputs offer raw events, one loop takes them in batches through the processor.
 * Bounded, so a flood makes TCP inputs wait and UDP inputs count drops instead of exhausting memory; a batch
 * whose processing fails (database down) is kept at the head and retried, so nothing accepted is lost while
 * the node runs. With `concurrency` > 1 the next batch is parsed while the previous one commits (the
 * database works on one core while Node parses on the other); completions are counted in order, so `submit`
 * and `idle` still mean "everything before is stored".
 */
import type { IngestSink, RawEvent } from '../contracts.ts';
import { hasRoom, isDrained } from './room.ts';

export interface LocalQueueOptions {
  capacity: number;
  batchSize: number;
  flushIntervalMs: number;
  /** Processes one batch; a rejection keeps the batch for a retry. */
  process: (batch: RawEvent[]) => Promise<void>;
  onError?: (err: unknown, batchSize: number) => void;
  /** Longest wait between retries of a failing batch. */
  maxRetryDelayMs?: number;
  /** Batches processed at once (default 1). */
  concurrency?: number;
}

interface InFlight {
  /** Sequence number just after the batch's last event. */
  end: number;
  done: boolean;
}

interface Waiter {
  /** Sequence number of the last event the waiter needs processed. */
  upTo: number;
  resolve: () => void;
}

/** A bounded queue drained in batches, up to `concurrency` at once. */
export class LocalQueue implements IngestSink {
  private items: RawEvent[] = [];
  private head = 0;
  /** Sequence number of the next event pushed, and of the first not yet processed. */
  private pushed = 0;
  private processed = 0;
  /** Index in `items` of the first event not yet taken into a batch. */
  private taken = 0;
  private inFlight: InFlight[] = [];
  /** Batches being processed now: `inFlight` also holds finished ones waiting for an earlier batch. */
  private active = 0;
  private closed = false;
  private gaveUp = false;
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
    if (!hasRoom(this.depth, events.length, this.options.capacity)) return false;
    this.push(events);
    return true;
  }

  drained(): Promise<void> {
    if (isDrained(this.depth, this.options.capacity)) return Promise.resolve();
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
    if (this.depth === 0 && this.inFlight.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking events and processes what is queued (within `graceMs`). */
  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.loop();
    await Promise.race([this.idle(), new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  private push(events: RawEvent[]): void {
    for (const e of events) this.items.push(e);
    this.pushed += events.length;
    if (this.inFlight.length > 0) {
      // A full batch may start beside the ones in flight; a partial one waits for a free loop.
      if (this.items.length - this.taken >= this.options.batchSize) this.loop();
      return;
    }
    if (this.items.length - this.taken >= this.options.batchSize) this.loop();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.loop();
      }, this.options.flushIntervalMs);
    }
  }

  /** Starts batches while there are events to take and room in flight. */
  private loop(): void {
    const limit = Math.max(1, this.options.concurrency ?? 1);
    // Counted by batches still running, not by those finished behind a slow one: a commit stalled for
    // seconds (an index's pending list being merged) must not stop the other loops (measured: a flood ran
    // at half the sustained rate while finished batches waited behind one such commit).
    while (!this.gaveUp && this.active < limit && this.taken < this.items.length) {
      const start = this.taken;
      const end = Math.min(this.items.length, start + this.options.batchSize);
      this.taken = end;
      const flight: InFlight = { end: this.pushed - (this.items.length - end), done: false };
      this.inFlight.push(flight);
      this.active++;
      void this.run(this.items.slice(start, end), flight);
    }
  }

  /** Processes one batch until it succeeds (or the queue closes with the database still failing). */
  private async run(batch: RawEvent[], flight: InFlight): Promise<void> {
    let failures = 0;
    let ok = false;
    for (;;) {
      try {
        await this.options.process(batch);
        ok = true;
        break;
      } catch (err) {
        failures++;
        this.options.onError?.(err, batch.length);
        if (this.closed && failures >= 3) {
          this.gaveUp = true;
          break;
        }
        const delay = Math.min(this.options.maxRetryDelayMs ?? 5000, 100 * 2 ** Math.min(failures, 10));
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    this.active--;
    // Given up while closing: the batch stays unprocessed (and `idle` unresolved); close's grace ends the wait.
    if (!ok) return;
    flight.done = true;
    // Completions count in order: a batch done before an earlier one waits for it.
    while (this.inFlight[0]?.done) {
      const first = this.inFlight.shift() as InFlight;
      const count = first.end - this.processed;
      this.head += count;
      this.processed = first.end;
    }
    this.compact();
    this.wake();
    if (this.taken < this.items.length) this.loop();
    else if (this.depth === 0 && this.inFlight.length === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.taken -= this.head;
      this.head = 0;
    }
  }

  private wake(): void {
    if (isDrained(this.depth, this.options.capacity)) for (const w of this.roomWaiters.splice(0)) w();
    if (this.doneWaiters.length > 0) {
      const still: Waiter[] = [];
      for (const w of this.doneWaiters) this.processed >= w.upTo ? w.resolve() : still.push(w);
      this.doneWaiters = still;
    }
  }
}
