/**
 * @module core/backup/format
 * The backup file: one gzip'd stream of newline-separated JSON, identical for PGlite and PostgreSQL.
 *
 *   {"type":"manifest", ...}                      format, version, time, migrations, tables with row counts,
 *                                                 partitions, sequences, redacted configuration
 *   {"type":"rows","table":"audit_log","count":1000}
 *   [{"seq":1,...},{"seq":2,...}]                 the rows themselves, exactly as row_to_json printed them
 *   ...
 *   {"type":"end","sha256":"…","rows":12345}      sha256 of every byte before this line
 *
 * Row chunks travel as the database printed them and go back in as one json parameter, so no value
 * (a bigint above 2^53, a numeric with 30 digits, a timestamp's microseconds) passes through a JS number.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { AppError } from '../errors/index.ts';

/** Value of the manifest's `format` field. */
export const BACKUP_FORMAT = 'tinhso-backup';
/** Version of the format this code writes and reads. */
export const BACKUP_VERSION = 1;

/** The first line of a backup. */
export interface BackupManifest {
  type: 'manifest';
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  /** The database the backup was taken from; restores go into either kind. */
  database: 'pglite' | 'postgres';
  node: string | null;
  /** Migrations applied in the source, in order. */
  migrations: { name: string; checksum: string }[];
  tables: { name: string; rows: number; columns: { name: string; type: string }[] }[];
  partitions: { name: string; parent: string; bound: string }[];
  /** Sequence positions as text (they may exceed 2^53). */
  sequences: { name: string; lastValue: string; isCalled: boolean }[];
  /** The configuration with secrets redacted (SEC-17: configuration is backed up too). */
  config: Record<string, unknown> | null;
}

/** The last line of a backup. */
export interface BackupTrailer {
  type: 'end';
  sha256: string;
  rows: number;
}

/** One item read from a backup, in file order. */
export type BackupItem =
  | { kind: 'manifest'; manifest: BackupManifest }
  | { kind: 'rows'; table: string; count: number; json: string };

/** What a complete read of a file found. */
export interface BackupReadSummary {
  manifest: BackupManifest;
  trailer: BackupTrailer;
  /** sha256 of the file as stored (compressed), as `sha256sum` prints it. */
  fileSha256: string;
  /** Rows per table as found in the chunks. */
  rowsByTable: Map<string, number>;
}

/** Longest line accepted: a chunk is cut at a few MB when written, so anything near this is damage. */
const MAX_LINE_BYTES = 256 * 1024 * 1024;

function invalid(reason: string, cause?: unknown): AppError {
  return new AppError('BACKUP_INVALID', { reason }, cause === undefined ? undefined : { cause });
}

/** Accumulates the content checksum exactly as the writer computes it: over every line and its newline. */
export class ContentHash {
  private readonly hash = createHash('sha256');

  /** Adds one line (without its newline). */
  line(text: string | Buffer): void {
    this.hash.update(text);
    this.hash.update('\n');
  }

  /** The hex digest; call once. */
  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Splits a byte stream into lines without decoding it (a multi-byte character never straddles a split). */
async function* splitLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      yield pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > MAX_LINE_BYTES) throw invalid('a line is longer than any backup writes');
    }
  }
  if (pendingBytes > 0) throw invalid('the file is truncated (its last line is incomplete)');
}

function parseLine(line: Buffer, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (err) {
    throw invalid(`${what} is not valid JSON`, err);
  }
  throw invalid(`${what} is not a JSON object`);
}

function checkManifest(value: Record<string, unknown>): BackupManifest {
  if (value.type !== 'manifest' || value.format !== BACKUP_FORMAT) {
    throw invalid('not a Tỉnh Số backup (no manifest on the first line)');
  }
  if (value.version !== BACKUP_VERSION) {
    throw invalid(
      `format version ${String(value.version)} is not supported (this version reads ${BACKUP_VERSION})`,
    );
  }
  const m = value as unknown as BackupManifest;
  if (!Array.isArray(m.migrations) || !Array.isArray(m.tables) || !Array.isArray(m.sequences)) {
    throw invalid('the manifest lacks migrations, tables or sequences');
  }
  m.partitions ??= [];
  for (const t of m.tables) {
    if (typeof t?.name !== 'string' || !Number.isInteger(t.rows) || !Array.isArray(t.columns)) {
      throw invalid('a table entry of the manifest is malformed');
    }
  }
  return m;
}

/**
 * Reads a backup file item by item. The content checksum is checked when the trailer is reached, so a
 * consumer that writes while reading must do so in a transaction it can roll back; every structural
 * problem, a damaged gzip stream and a checksum mismatch all throw `BACKUP_INVALID`.
 */
export async function* readBackup(
  file: string,
  summary?: (s: BackupReadSummary) => void,
): AsyncGenerator<BackupItem> {
  const fileHash = createHash('sha256');
  const source = createReadStream(file);
  const gunzip = createGunzip();
  source.on('data', (chunk) => fileHash.update(chunk));
  source.on('error', (err) => gunzip.destroy(err));
  source.pipe(gunzip);

  const content = new ContentHash();
  let manifest: BackupManifest | null = null;
  let trailer: BackupTrailer | null = null;
  let header: { table: string; count: number } | null = null;
  const rowsByTable = new Map<string, number>();
  let lineNo = 0;
  try {
    for await (const line of splitLines(gunzip)) {
      lineNo++;
      if (trailer) throw invalid('data follows the end line');
      if (header) {
        // The rows line of the header just read: passed on as text; the database parses it.
        if (line[0] !== 0x5b /* [ */) throw invalid(`line ${lineNo}: expected a JSON array of rows`);
        content.line(line);
        yield { kind: 'rows', table: header.table, count: header.count, json: line.toString('utf8') };
        header = null;
        continue;
      }
      const item = parseLine(line, `line ${lineNo}`);
      if (!manifest) {
        manifest = checkManifest(item);
        content.line(line);
        yield { kind: 'manifest', manifest };
        continue;
      }
      if (item.type === 'rows') {
        const { table, count } = item;
        if (typeof table !== 'string' || !Number.isInteger(count) || (count as number) < 0) {
          throw invalid(`line ${lineNo}: malformed rows header`);
        }
        if (!manifest.tables.some((t) => t.name === table)) {
          throw invalid(`line ${lineNo}: rows of table ${table}, which the manifest does not list`);
        }
        header = { table, count: count as number };
        rowsByTable.set(table, (rowsByTable.get(table) ?? 0) + header.count);
        content.line(line);
        continue;
      }
      if (item.type === 'end') {
        trailer = item as unknown as BackupTrailer;
        if (typeof trailer.sha256 !== 'string') throw invalid('the end line has no checksum');
        if (trailer.sha256 !== content.digest()) throw invalid('checksum mismatch: the content was altered');
        continue;
      }
      throw invalid(`line ${lineNo}: unknown item type ${String(item.type)}`);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    // zlib reports damage as Z_DATA_ERROR / Z_BUF_ERROR / "unexpected end of file".
    throw invalid(`the file cannot be read: ${(err as Error).message}`, err);
  } finally {
    source.destroy();
  }
  if (!manifest) throw invalid('the file is empty');
  if (header) throw invalid('the file ends inside a chunk of rows');
  if (!trailer) throw invalid('the file is truncated (no end line)');
  const total = [...rowsByTable.values()].reduce((a, b) => a + b, 0);
  if (trailer.rows !== total)
    throw invalid(`the end line counts ${trailer.rows} rows, the file holds ${total}`);
  for (const t of manifest.tables) {
    const found = rowsByTable.get(t.name) ?? 0;
    if (found !== t.rows)
      throw invalid(`table ${t.name}: the manifest counts ${t.rows} rows, the file holds ${found}`);
  }
  summary?.({ manifest, trailer, fileSha256: fileHash.digest('hex'), rowsByTable });
}

/** Reads a whole backup and checks its structure, counts and checksum without touching any database. */
export async function verifyBackupFile(
  file: string,
  onProgress?: (done: number, total: number) => void,
): Promise<BackupReadSummary> {
  let result: BackupReadSummary | null = null;
  let total = 0;
  let done = 0;
  for await (const item of readBackup(file, (s) => {
    result = s;
  })) {
    if (item.kind === 'manifest') total = item.manifest.tables.reduce((a, t) => a + t.rows, 0);
    else {
      done += item.count;
      onProgress?.(done, total);
    }
  }
  if (!result) throw invalid('the file could not be read to its end');
  return result;
}
