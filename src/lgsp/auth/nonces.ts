/**
 * @module lgsp/auth/nonces
 * Replay protection across nodes: a nonce is accepted once per access key while its request could still
 * pass the clock-skew check. The database's primary key is the one arbiter every node shares; claims that
 * arrive while a write is in flight are grouped into the next single multi-row statement (group commit),
 * so the gateway's hot path costs one round trip per batch, not per request.
 */
import { type Db, queryRows, sql } from '../../core/db/index.ts';
import type { JobDefinition } from '../../core/scheduler/index.ts';

interface Pending {
  readonly accessKey: string;
  readonly nonce: string;
  readonly expiresAt: Date;
  resolve(accepted: boolean): void;
  reject(err: unknown): void;
}

export interface NonceStoreOptions {
  /** Largest number of claims in one statement (default 1000; the JSON parameter keeps it one bind value). */
  maxBatch?: number;
  /** The clock (platform.now). */
  now: () => Date;
}

/** Claims nonces in batches; `claim` answers false for a nonce already used inside its window. */
export class NonceStore {
  private queue: Pending[] = [];
  private inFlight = false;
  private readonly maxBatch: number;
  /** Totals since start, to see how well claims are batched. */
  readonly stats = { claims: 0, statements: 0, replays: 0 };

  constructor(
    private readonly db: Db,
    private readonly options: NonceStoreOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
  }

  /** True when the nonce was free (now taken until `expiresAt`), false when it is a replay. */
  claim(accessKey: string, nonce: string, expiresAt: Date): Promise<boolean> {
    this.stats.claims++;
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ accessKey, nonce, expiresAt, resolve, reject });
      if (!this.inFlight) {
        this.inFlight = true;
        // Wait for the current turn of the event loop: requests parsed together go in one statement.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      await this.write(batch);
    }
    this.inFlight = false;
  }

  private async write(batch: Pending[]): Promise<void> {
    // The same nonce twice in one batch: the first wins, the others are replays without asking the database.
    const first = new Map<string, Pending>();
    for (const p of batch) {
      const key = `${p.accessKey}\n${p.nonce}`;
      if (first.has(key)) {
        this.stats.replays++;
        p.resolve(false);
      } else first.set(key, p);
    }
    const rows = [...first.values()].map((p) => ({
      k: p.accessKey,
      n: p.nonce,
      e: p.expiresAt.toISOString(),
    }));
    try {
      this.stats.statements++;
      // An expired row left by a late pruning job does not block a new request with the same nonce.
      const inserted = await queryRows<{ access_key: string; nonce: string }>(
        this.db,
        sql`insert into lgsp_nonces (access_key, nonce, expires_at)
            select r.k, r.n, r.e
              from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(k text, n text, e timestamptz)
            on conflict (access_key, nonce) do update set expires_at = excluded.expires_at
              where lgsp_nonces.expires_at <= ${this.options.now().toISOString()}::timestamptz
            returning access_key, nonce`,
      );
      const accepted = new Set(inserted.map((r) => `${r.access_key}\n${r.nonce}`));
      for (const [key, p] of first) {
        const ok = accepted.has(key);
        if (!ok) this.stats.replays++;
        p.resolve(ok);
      }
    } catch (err) {
      for (const p of first.values()) p.reject(err);
    }
  }

  /** Deletes nonces whose window is over; returns how many. */
  async prune(): Promise<number> {
    const rows = await queryRows<{ n: number }>(
      this.db,
      sql`with gone as (delete from lgsp_nonces where expires_at < ${this.options.now().toISOString()}::timestamptz returning 1)
          select count(*)::int as n from gone`,
    );
    return rows[0]?.n ?? 0;
  }
}

/** Name of the pruning job. */
export const PRUNE_NONCES_JOB = 'lgsp.auth.nonces.prune';

/** The job deleting expired nonces every 10 minutes (a few minutes of nonces is a small table). */
export function pruneNoncesJob(store: NonceStore): JobDefinition {
  return {
    name: PRUNE_NONCES_JOB,
    intervalMs: 600_000,
    run: async () => `removed ${await store.prune()} expired nonces`,
  };
}
