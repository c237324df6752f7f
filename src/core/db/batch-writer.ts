/**
 * @module core/db/batch-writer
 * Buffers rows that must not cost their request a database write (access entries, exchange records) and
 * writes them in batches: every `flushIntervalMs`, or at once when `batchSize` rows wait. Flushes run one
 * at a time; a failed flush keeps its rows, in order, for a retry a few intervals later, so nothing accepted
 * is lost while the database is away (only a crash loses the rows of the last interval).
 */

export interface BatchWriterOptions<T> {
  readonly flushIntervalMs: number;
  readonly batchSize: number;
  /** Writes one batch (one statement or transaction); throwing keeps the batch for the next flush. */
  write(batch: readonly T[]): Promise<void>;
  onError(err: unknown): void;
}

/** Totals since start, so the cost of batched logging can be exported and measured. */
export interface BatchWriterStats {
  written: number;
  flushes: number;
  failures: number;
  flushSeconds: number;
}

/** A buffer written in batches; see the module comment. */
export class BatchWriter<T> {
  private buffer: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  readonly stats: BatchWriterStats = { written: 0, flushes: 0, failures: 0, flushSeconds: 0 };

  constructor(private readonly options: BatchWriterOptions<T>) {}

  /** Queues one row; returns at once. */
  add(row: T): void {
    this.buffer.push(row);
    if (this.buffer.length >= this.options.batchSize) void this.flush();
    else this.schedule(this.options.flushIntervalMs);
  }

  /** Rows not yet written. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Writes everything buffered so far; concurrent calls are serialised. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      const started = process.hrtime.bigint();
      try {
        await this.options.write(batch);
        this.stats.written += batch.length;
        this.stats.flushes++;
        this.stats.flushSeconds += Number(process.hrtime.bigint() - started) / 1e9;
      } catch (err) {
        this.stats.failures++;
        // Kept ahead of what arrived meanwhile, and retried later even if nothing new arrives.
        this.buffer = batch.concat(this.buffer);
        this.schedule(this.options.flushIntervalMs * 5);
        this.options.onError(err);
      }
    });
    return this.flushing;
  }

  /** Flushes and stops the timer. */
  async close(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), ms);
    this.timer.unref();
  }
}
