/**
 * @module lgsp/auth/audit-batch
 * The authentication routes' audit entries (LGSP-33), written through the one audit path but grouped: the
 * entries of decisions taken while a write is in flight go into the next single transaction, so concurrent
 * introspections share one chain lock and one commit instead of queueing for one each. A request is answered
 * only once its entry is committed.
 */
import { type AuditEntry, audit } from '../../core/audit/index.ts';
import type { Ctx } from '../../core/context.ts';
import { type Db, GroupCommit } from '../../core/db/index.ts';

interface Item {
  readonly ctx: Ctx;
  readonly entry: AuditEntry;
  readonly at: Date;
}

/** Group-commits audit entries; `write` resolves when the entry is stored. */
export class AuditBatcher {
  private readonly group: GroupCommit<Item, void>;
  /** Totals since start: entries written and transactions used. */
  readonly stats = { entries: 0, transactions: 0 };

  constructor(db: Db, maxBatch = 500) {
    this.group = new GroupCommit<Item, void>({
      maxBatch,
      write: async (batch) => {
        await db.transaction(async (tx) => {
          for (const p of batch) await audit(tx, p.ctx, p.entry, p.at);
        });
        this.stats.entries += batch.length;
        this.stats.transactions++;
        return batch.map(() => undefined);
      },
    });
  }

  /** Queues one entry and resolves once it is committed (rejects when its transaction failed). */
  write(ctx: Ctx, entry: AuditEntry, at: Date): Promise<void> {
    return this.group.submit({ ctx, entry, at });
  }
}
