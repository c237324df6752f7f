/**
 * @module core/backup/dump
 * Writes a backup file from a database: one read-only, repeatable-read transaction gives a consistent
 * snapshot of every table; rows are read through a cursor a thousand at a time (never one query per row),
 * streamed through gzip into a temporary file that is synced and renamed only when complete.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { type Database, quoteIdent, type RawTx } from '../db/index.ts';
import { countRows, listPartitions, listSequences, listTables, type TableInfo } from './catalog.ts';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  type BackupManifest,
  type BackupTrailer,
  ContentHash,
} from './format.ts';

/** Options of a dump. */
export interface DumpOptions {
  /** Redacted configuration to keep in the manifest. */
  config?: Record<string, unknown> | null;
  /** Node name for the manifest. */
  node?: string | null;
  /** Time written in the manifest (the injected clock). */
  now?: Date;
  /** Called after each chunk with rows written so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Stops the dump between chunks (the file is then removed). */
  signal?: AbortSignal;
}

/** What was written. */
export interface DumpResult {
  file: string;
  manifest: BackupManifest;
  rows: number;
  /** Content checksum, as in the trailer. */
  contentSha256: string;
}

const FETCH_ROWS = 1000;
/** A rows line is cut at about this size so a table of large documents never makes one huge line. */
const LINE_BYTES = 4 * 1024 * 1024;
const CURSOR = 'tinhso_backup_cursor';

/** Writes a backup of `database` to `file` (atomically: a temporary name, fsync, rename). */
export async function writeBackupFile(
  database: Database,
  file: string,
  options: DumpOptions = {},
): Promise<DumpResult> {
  const partial = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.partial`);
  try {
    const result = await database.rawTransaction(async (tx) => {
      // Must be the transaction's first statement: every later read then sees one snapshot.
      await tx.query('set transaction isolation level repeatable read, read only');
      const tables = await listTables(tx);
      const manifest = await readManifest(tx, database, tables, options);
      const total = manifest.tables.reduce((a, t) => a + t.rows, 0);
      const content = new ContentHash();
      let written = 0;
      let contentSha256 = '';
      async function* lines(): AsyncGenerator<string> {
        const manifestLine = JSON.stringify(manifest);
        content.line(manifestLine);
        yield `${manifestLine}\n`;
        for (const table of tables) {
          for await (const chunk of readChunks(tx, table)) {
            options.signal?.throwIfAborted();
            const header = JSON.stringify({ type: 'rows', table: table.name, count: chunk.count });
            content.line(header);
            content.line(chunk.json);
            yield `${header}\n${chunk.json}\n`;
            written += chunk.count;
            options.onProgress?.(written, total);
          }
        }
        contentSha256 = content.digest();
        const trailer: BackupTrailer = { type: 'end', sha256: contentSha256, rows: written };
        yield `${JSON.stringify(trailer)}\n`;
      }
      await pipeline(lines(), createGzip({ level: 6 }), createWriteStream(partial, { mode: 0o600 }));
      if (written !== total) {
        // Impossible within one snapshot; if it ever happens the file must not be trusted.
        throw new Error(`rows written (${written}) differ from rows counted (${total})`);
      }
      return { manifest, rows: written, contentSha256 };
    });
    const handle = await open(partial, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, file);
    await syncDir(dirname(file));
    return { file, ...result };
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

async function readManifest(
  tx: RawTx,
  database: Database,
  tables: TableInfo[],
  options: DumpOptions,
): Promise<BackupManifest> {
  const counts = await countRows(tx, tables);
  const migrations = tables.some((t) => t.name === 'schema_migrations')
    ? await tx.query<{ name: string; checksum: string }>(
        'select name, checksum from schema_migrations order by name',
      )
    : [];
  const sequences = [];
  for (const s of await listSequences(tx)) {
    const [v] = await tx.query<{ lastValue: string; isCalled: boolean }>(
      `select last_value::text as "lastValue", is_called as "isCalled" from ${quoteIdent(s.name)}`,
    );
    sequences.push({ name: s.name, lastValue: v!.lastValue, isCalled: v!.isCalled });
  }
  return {
    type: 'manifest',
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: (options.now ?? new Date()).toISOString(),
    database: database.kind,
    node: options.node ?? null,
    migrations,
    tables: tables.map((t) => ({
      name: t.name,
      rows: counts.get(t.name) ?? 0,
      columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
    })),
    partitions: await listPartitions(tx),
    sequences,
    config: options.config ?? null,
  };
}

/** Reads a table through a cursor, as JSON array text of up to FETCH_ROWS rows or LINE_BYTES each. */
async function* readChunks(tx: RawTx, table: TableInfo): AsyncGenerator<{ count: number; json: string }> {
  await tx.query(
    `declare ${CURSOR} no scroll cursor for select row_to_json(r.*)::text as j from ${quoteIdent(table.name)} r`,
  );
  try {
    for (;;) {
      const rows = await tx.query<{ j: string }>(`fetch forward ${FETCH_ROWS} from ${CURSOR}`);
      if (rows.length === 0) break;
      let batch: string[] = [];
      let bytes = 0;
      for (const { j } of rows) {
        if (batch.length > 0 && bytes + j.length > LINE_BYTES) {
          yield { count: batch.length, json: `[${batch.join(',')}]` };
          batch = [];
          bytes = 0;
        }
        batch.push(j);
        bytes += j.length + 1;
      }
      yield { count: batch.length, json: `[${batch.join(',')}]` };
      if (rows.length < FETCH_ROWS) break;
    }
  } finally {
    await tx.query(`close ${CURSOR}`).catch(() => {});
  }
}

/** Makes the rename itself durable; some platforms cannot open a folder, which is then harmless to skip. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported here (e.g. Windows): the file data itself was synced.
  }
}
