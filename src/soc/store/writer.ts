/**
 * @module soc/store/writer
 * Commits a batch of normalised events: COPY into `soc_events` (PostgreSQL through pg-copy-streams on a pooled
 * client; PGlite through `COPY … FROM '/dev/blob'`), and the batch's volume rollup upserted in one statement,
 * in one transaction. `write` resolves only after COMMIT, so the queue (or the NATS worker's ack) never
 * forgets an event that is not durable.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../../core/db/index.ts';
import type { NormalisedEvent } from '../contracts.ts';
import type { Partitions } from './partitions.ts';
import { COPY_COLUMNS, type EncodedRow, encodeRow } from './rows.ts';
import { type VolumeRows, volumeOf } from './volume.ts';

/** How a batch is written. */
export interface WriteOptions {
  /** Row ids, one per event (NATS workers derive them from the message, so a redelivery has the same ids). */
  ids?: readonly string[];
  /**
   * Some rows may already be stored (a redelivered message): delete rows with the same (ts, id) first, in the
   * same transaction, so at-least-once delivery stores each event once.
   */
  replace?: boolean;
}

/** The encoded batch: COPY payload chunks, and what the transaction needs besides. */
interface EncodedBatch {
  /** UTF-8 COPY text, each chunk a whole number of lines. */
  chunks: Buffer[];
  days: Set<number>;
  volume: VolumeRows;
  /** Stored times (ISO) and ids, for deleting a redelivered batch's rows; only computed when replacing. */
  ts: string[];
  ids: string[];
  /**
   * The rollup of the rows whose ids are not in `existing`: a replaced row was counted when first stored
   * (same id, same event), so a redelivery adds only what is new. Only when replacing.
   */
  volumeWithout(existing: ReadonlySet<string>): VolumeRows;
}

const COPY_SQL = `copy soc_events (${COPY_COLUMNS.join(', ')}) from stdin`;
const PGLITE_COPY_SQL = `copy soc_events (${COPY_COLUMNS.join(', ')}) from '/dev/blob'`;
const CHUNK_BYTES = 512 * 1024;

const UPSERT_VOLUME = `
  insert into soc_event_volume (day, source_id, unit_id, dataset, events, bytes)
  select * from unnest($1::date[], $2::uuid[], $3::uuid[], $4::text[], $5::bigint[], $6::bigint[])
  on conflict on constraint soc_event_volume_key do update
     set events = soc_event_volume.events + excluded.events,
         bytes = soc_event_volume.bytes + excluded.bytes,
         updated_at = now()`;

const DELETE_EXISTING = `
  delete from soc_events e using unnest($1::timestamptz[], $2::uuid[]) as d(ts, id)
   where e.ts = d.ts and e.id = d.id
  returning e.id::text as id`;

/** Parameters of the volume upsert. */
const volumeParams = (v: VolumeRows) => [v.days, v.sourceIds, v.unitIds, v.datasets, v.events, v.bytes];

/**
 * Encodes the events into COPY text, grouped into chunks, with their days and volume rollup. Each line is
 * written straight into a chunk buffer as UTF-8: the write tells the line's bytes (the volume rollup needs
 * them) and the buffer goes to the socket as is, instead of joining strings, measuring them, and encoding
 * them again on the way out.
 */
export function encodeBatch(
  events: readonly NormalisedEvent[],
  now: number,
  ids?: readonly string[],
  keepKeys = false,
): EncodedBatch {
  const chunks: Buffer[] = [];
  const days = new Set<number>();
  const rows: EncodedRow[] = new Array(events.length);
  const bytes: number[] = new Array(events.length);
  const keepIds: string[] = new Array(events.length);
  const ts: string[] = keepKeys ? new Array(events.length) : [];
  let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as NormalisedEvent;
    const id = ids?.[i] ?? randomUUID();
    const row = encodeRow(event, id, now);
    rows[i] = row;
    keepIds[i] = id;
    if (keepKeys) ts[i] = new Date(row.ts).toISOString();
    days.add(row.day);
    // A UTF-16 code unit is at most 3 UTF-8 bytes, so this much room always holds the line.
    const room = row.line.length * 3;
    if (used + room > buffer.length) {
      if (used > 0) chunks.push(buffer.subarray(0, used));
      buffer = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, room));
      used = 0;
    }
    const written = buffer.write(row.line, used, 'utf8');
    used += written;
    bytes[i] = written;
  }
  if (used > 0) chunks.push(buffer.subarray(0, used));
  const volumeWithout = (existing: ReadonlySet<string>): VolumeRows => {
    const keep = (_: unknown, i: number) => !existing.has(keepIds[i] as string);
    return volumeOf(events.filter(keep), rows.filter(keep), bytes.filter(keep));
  };
  return { chunks, days, volume: volumeOf(events, rows, bytes), ts, ids: keepIds, volumeWithout };
}

/** True for PostgreSQL's "no partition of relation … found for row". */
function isMissingPartition(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23514' && /no partition/i.test(e.message ?? '');
}

/** Writes batches into the event store of `database`. */
export class BatchWriter {
  constructor(
    private readonly database: Database,
    private readonly partitions: Partitions,
    private readonly now: () => number,
  ) {}

  /** Commits the events; resolves after COMMIT. */
  async write(events: readonly NormalisedEvent[], options: WriteOptions = {}): Promise<void> {
    if (events.length === 0) return;
    if (options.ids && options.ids.length !== events.length) {
      throw new TypeError(`write: ${options.ids.length} ids for ${events.length} events`);
    }
    const batch = encodeBatch(events, this.now(), options.ids, options.replace === true);
    await this.partitions.ensure(batch.days);
    try {
      await this.commit(batch, options.replace === true);
    } catch (err) {
      if (!isMissingPartition(err)) throw err;
      // Retention (maybe on another node) dropped a day this node still remembered.
      this.partitions.forget(batch.days);
      await this.partitions.ensure(batch.days);
      await this.commit(batch, options.replace === true);
    }
  }

  private async commit(batch: EncodedBatch, replace: boolean): Promise<void> {
    /** The rollup to add once the rows a replace found are known. */
    const volumeAfter = (deleted: { id: string }[]) =>
      deleted.length > 0 ? batch.volumeWithout(new Set(deleted.map((r) => r.id))) : batch.volume;
    const pool = this.database.pool;
    if (pool) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('begin');
        const deleted = replace
          ? (await client.query<{ id: string }>(DELETE_EXISTING, [batch.ts, batch.ids])).rows
          : [];
        await pipeline(Readable.from(batch.chunks), client.query(copyFrom(COPY_SQL)));
        await client.query(UPSERT_VOLUME, volumeParams(volumeAfter(deleted)));
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => {
          broken = true;
        });
        throw err;
      } finally {
        client.release(broken);
      }
      return;
    }
    const pglite = this.database.pglite;
    if (!pglite) throw new Error('event store: the database is neither PostgreSQL nor PGlite');
    await pglite.transaction(async (tx) => {
      const deleted = replace
        ? (await tx.query<{ id: string }>(DELETE_EXISTING, [batch.ts, batch.ids])).rows
        : [];
      await tx.query(PGLITE_COPY_SQL, [], { blob: new Blob(batch.chunks) });
      await tx.query(UPSERT_VOLUME, volumeParams(volumeAfter(deleted)));
    });
  }
}
