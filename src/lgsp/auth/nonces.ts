/**
 * @module lgsp/auth/nonces
 * Replay protection across nodes: a nonce is accepted once per access key while its request could still
 * pass the clock-skew check. The database's primary key is the one arbiter every node shares; claims that
 * arrive while a write is in flight are grouped into the next single multi-row statement (group commit),
 * so the gateway's hot path costs one round trip per batch, not per request.
 */
import { type Db, GroupCommit, queryRows, sql } from '../../core/db/index.ts';
import type { JobDefinition } from '../../core/scheduler/index.ts';

interface Claim {
  readonly accessKey: string;
  readonly nonce: string;
  readonly expiresAt: Date;
}

export interface NonceStoreOptions {
  /** Largest number of claims in one statement (default 1000; the JSON parameter keeps it one bind value). */
  maxBatch?: number;
  /** The clock (platform.now). */
  now: () => Date;
}

/** Claims nonces in batches; `claim` answers false for a nonce already used inside its window. */
export class NonceStore {
  private readonly group: GroupCommit<Claim, boolean>;
  /** Totals since start, to see how well claims are batched. */
  readonly stats = { claims: 0, statements: 0, replays: 0 };

  constructor(
    private readonly db: Db,
    private readonly options: NonceStoreOptions,
  ) {
    this.group = new GroupCommit({ maxBatch: options.maxBatch ?? 1000, write: (batch) => this.write(batch) });
  }

  /** True when the nonce was free (now taken until `expiresAt`), false when it is a replay. */
  claim(accessKey: string, nonce: string, expiresAt: Date): Promise<boolean> {
    this.stats.claims++;
    return this.group.submit({ accessKey, nonce, expiresAt });
  }

  /** One statement for a batch of claims; each claim's answer in the batch's order. */
  private async write(batch: readonly Claim[]): Promise<boolean[]> {
    // The same nonce twice in one batch: the first wins, the others are replays without asking the database.
    const keyOf = (p: Claim) => `${p.accessKey}\n${p.nonce}`;
    const first = new Map<string, Claim>();
    for (const p of batch) if (!first.has(keyOf(p))) first.set(keyOf(p), p);
    const rows = [...first.values()].map((p) => ({
      k: p.accessKey,
      n: p.nonce,
      e: p.expiresAt.toISOString(),
    }));
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
    // A claim is accepted only as the first of its key in the batch, and only if the database took it.
    const answers = batch.map((p) => first.get(keyOf(p)) === p && accepted.has(keyOf(p)));
    this.stats.replays += answers.filter((ok) => !ok).length;
    return answers;
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
