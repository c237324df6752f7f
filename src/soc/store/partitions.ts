/**
 * @module soc/store/partitions
 * Day partitions of `soc_events`, one per UTC day (`soc_events_p20261207` holds [2026-12-07T00:00Z,
 * 2026-12-08T00:00Z)). UTC bounds keep the arithmetic trivial; a Vietnam day (UTC+7) spans two partitions,
 * which only matters to retention, whose unit is a whole day anyway.
 *
 * A partition is created as a plain table and then ATTACHed: attaching takes SHARE UPDATE EXCLUSIVE on the
 * parent, which does not wait for (or block) searches and writes, where `CREATE TABLE … PARTITION OF` takes
 * ACCESS EXCLUSIVE and would queue every write behind a long search. Nodes serialise creation with a
 * transaction-level advisory lock and re-check inside it, so two writers creating the same day is harmless.
 */
import type { Database } from '../../core/db/index.ts';

const DAY_MS = 86_400_000;
const PARTITION_NAME = /^soc_events_p(\d{4})(\d{2})(\d{2})$/;

/** The partition's table name for an epoch day. */
export function partitionName(day: number): string {
  return `soc_events_p${new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** The epoch day a partition name stands for, or null for another table. */
export function dayOfPartition(name: string): number | null {
  const m = PARTITION_NAME.exec(name);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isFinite(t) ? t / DAY_MS : null;
}

/** `YYYY-MM-DD` of an epoch day. */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** One attached partition. */
export interface PartitionInfo {
  name: string;
  day: number;
}

/** Creates day partitions on demand, remembering the ones it knows exist. */
export class Partitions {
  private readonly known = new Set<number>();
  private pending = new Map<number, Promise<void>>();

  /**
   * `messageIndexPendingKb` sets the pending list of each new partition's message-words GIN index: with the
   * 4 MB default every batch of a busy day pays a merge, with tens of MB the words are merged in bulk (the
   * ingest bench measures the difference).
   */
  constructor(
    private readonly database: Database,
    private readonly messageIndexPendingKb = 65_536,
  ) {}

  /** Makes sure each day has its partition (one transaction for the missing ones). */
  async ensure(days: Iterable<number>): Promise<void> {
    const missing: number[] = [];
    const waits: Promise<void>[] = [];
    for (const d of days) {
      if (this.known.has(d)) continue;
      const p = this.pending.get(d);
      if (p) waits.push(p);
      else missing.push(d);
    }
    if (missing.length > 0) {
      const created = this.create(missing);
      for (const d of missing) this.pending.set(d, created);
      waits.push(created);
      try {
        await created;
        for (const d of missing) this.known.add(d);
      } finally {
        for (const d of missing) this.pending.delete(d);
      }
    }
    await Promise.all(waits);
  }

  /** Forgets cached days (a partition dropped by retention, maybe on another node). */
  forget(days?: Iterable<number>): void {
    if (!days) this.known.clear();
    else for (const d of days) this.known.delete(d);
  }

  /** The attached partitions, oldest first. */
  async list(): Promise<PartitionInfo[]> {
    const rows = await this.database.rawTransaction((tx) =>
      tx.query<{ name: string }>(
        `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = 'soc_events'::regclass`,
      ),
    );
    const out: PartitionInfo[] = [];
    for (const r of rows) {
      const day = dayOfPartition(r.name);
      if (day !== null) out.push({ name: r.name, day });
    }
    return out.sort((a, b) => a.day - b.day);
  }

  /**
   * Detaches and drops one partition. On PostgreSQL the detach is CONCURRENTLY (outside a transaction), so
   * writes and searches of other days never wait; a detach left pending by a crash is finalised first.
   */
  async drop(day: number): Promise<void> {
    const name = partitionName(day);
    this.known.delete(day);
    const attached = await this.database.rawTransaction((tx) =>
      tx.query<{ pending: boolean }>(
        `select i.inhdetachpending as pending from pg_inherits i
          where i.inhparent = 'soc_events'::regclass and i.inhrelid = to_regclass($1)`,
        [name],
      ),
    );
    const row = attached[0];
    if (row && this.database.pool) {
      const client = await this.database.pool.connect();
      try {
        await client.query(
          `alter table soc_events detach partition ${name}${row.pending ? ' finalize' : ' concurrently'}`,
        );
      } finally {
        client.release();
      }
    } else if (row) {
      await this.database.rawTransaction((tx) => tx.exec(`alter table soc_events detach partition ${name}`));
    }
    await this.database.rawTransaction((tx) => tx.exec(`drop table if exists ${name}`));
  }

  private async create(days: number[]): Promise<void> {
    await this.database.rawTransaction(async (tx) => {
      // One creator at a time per schema, across nodes; released at commit.
      await tx.query(`select pg_advisory_xact_lock(hashtext(current_schema() || '.soc_events.partitions'))`);
      const names = days.map(partitionName);
      const present = await tx.query<{ name: string }>(
        `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = 'soc_events'::regclass and c.relname = any($1::text[])`,
        [names],
      );
      const have = new Set(present.map((r) => r.name));
      for (const day of days) {
        const name = partitionName(day);
        if (have.has(name)) continue;
        // Names and bounds come from integers formatted here, never from input.
        const from = new Date(day * DAY_MS).toISOString();
        const to = new Date((day + 1) * DAY_MS).toISOString();
        await tx.exec(
          `create table if not exists ${name} (like soc_events including defaults including constraints);
           alter table soc_events attach partition ${name} for values from ('${from}') to ('${to}');`,
        );
        const index = await tx.query<{ name: string }>(
          `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
             join pg_index x on x.indexrelid = c.oid
            where i.inhparent = 'soc_events_message_words'::regclass and x.indrelid = $1::regclass`,
          [name],
        );
        // The index name comes from the catalogue; the limit is an integer from the configuration schema.
        for (const r of index) {
          await tx.exec(
            `alter index "${r.name}" set (gin_pending_list_limit = ${Math.trunc(this.messageIndexPendingKb)})`,
          );
        }
      }
    });
  }
}
