/**
 * @module lgsp/auth/audit-batch
 * The authentication routes' audit entries (LGSP-33), written through the one audit path but grouped: the
 * entries of decisions taken while a write is in flight go into the next single transaction, so concurrent
 * introspections share one chain lock and one commit instead of queueing for one each. A request is answered
 * only once its entry is committed.
 */
import { type AuditEntry, audit } from '../../core/audit/index.ts';
import type { Ctx } from '../../core/context.ts';
import type { Db } from '../../core/db/index.ts';

interface Pending {
  readonly ctx: Ctx;
  readonly entry: AuditEntry;
  readonly at: Date;
  resolve(): void;
  reject(err: unknown): void;
}

/** Group-commits audit entries; `write` resolves when the entry is stored. */
export class AuditBatcher {
  private queue: Pending[] = [];
  private inFlight = false;
  /** Totals since start: entries written and transactions used. */
  readonly stats = { entries: 0, transactions: 0 };

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 500,
  ) {}

  /** Queues one entry and resolves once it is committed (rejects when its transaction failed). */
  write(ctx: Ctx, entry: AuditEntry, at: Date): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ctx, entry, at, resolve, reject });
      if (!this.inFlight) {
        this.inFlight = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.db.transaction(async (tx) => {
          for (const p of batch) await audit(tx, p.ctx, p.entry, p.at);
        });
        this.stats.entries += batch.length;
        this.stats.transactions++;
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.inFlight = false;
  }
}
