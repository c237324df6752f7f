/**
 * @module core/db/group-commit
 * Group commit for writes a request must wait for (a nonce claim, an audit entry of a decision): items
 * submitted while a write is in flight, or in the same turn of the event loop, go into the next single
 * statement or transaction, so concurrent requests share one database round trip instead of queueing for
 * one each. Unlike BatchWriter, every caller learns its own item's outcome.
 */

export interface GroupCommitOptions<I, R> {
  /** Largest number of items in one write. */
  readonly maxBatch: number;
  /** Writes one batch and returns each item's result, in the batch's order; throwing rejects the whole batch. */
  write(batch: readonly I[]): Promise<readonly R[]>;
}

/** Submits items to grouped writes; see the module comment. */
export class GroupCommit<I, R> {
  private queue: { item: I; resolve(r: R): void; reject(err: unknown): void }[] = [];
  private inFlight = false;

  constructor(private readonly options: GroupCommitOptions<I, R>) {}

  /** Queues one item; resolves with its result once its batch is written. */
  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.inFlight) {
        this.inFlight = true;
        // Wait for the current turn of the event loop: requests parsed together go in one write.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      try {
        const results = await this.options.write(batch.map((p) => p.item));
        for (const [i, p] of batch.entries()) p.resolve(results[i] as R);
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.inFlight = false;
  }
}
