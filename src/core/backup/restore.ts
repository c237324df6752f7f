/**
 * @module core/backup/restore
 * Loads a backup file into an empty database: checks the whole file first, applies this version's
 * migrations, then inserts every chunk set-based in one transaction, so a restore either completes or
 * leaves the database as it found it.
 *
 * Foreign keys are dropped for the load and added back at its end rather than ordering tables: org units
 * reference their parent unit and some tables reference each other, which no table order satisfies, and
 * adding a key back validates all rows in one set-based pass. User triggers are disabled meanwhile so that
 * rows arrive exactly as they were backed up.
 */
import { type Database, listMigrations, migrate, quoteIdent, type RawTx } from '../db/index.ts';
import { AppError } from '../errors/index.ts';
import {
  countRows,
  listForeignKeys,
  listPartitions,
  listSequences,
  listTables,
  listTablesWithTriggers,
  type TableInfo,
} from './catalog.ts';
import { type BackupManifest, readBackup, verifyBackupFile } from './format.ts';

/** Stage of a backup or restore, reported with progress. */
export type BackupPhase = 'dump' | 'check' | 'restore' | 'verify';

/** Progress callback: rows done, rows in all, and which pass over the rows this is. */
export type ProgressFn = (done: number, total: number, phase: BackupPhase) => void;

/** What a restore loaded. */
export interface RestoreResult {
  manifest: BackupManifest;
  /** Rows inserted (rows of `schema_migrations` are not: this version's migrations rebuild it). */
  rows: number;
  /** Rows per table after the restore, counted in the database. */
  tables: { name: string; rows: number }[];
  /** Migrations this version applied to the target before loading. */
  migrationsApplied: string[];
}

/** The migration ledger is rebuilt by `migrate()`, never copied. */
const LEDGER = 'schema_migrations';

/** Bounds as pg_get_expr prints them: only literals, so a crafted file cannot smuggle SQL into DDL. */
const LITERAL = String.raw`(?:'(?:[^']|'')*'|-?\d+(?:\.\d+)?|MINVALUE|MAXVALUE|NULL|true|false)`;
const LIST = `${LITERAL}(?:, ${LITERAL})*`;
const PARTITION_BOUND = new RegExp(
  String.raw`^(?:DEFAULT|FOR VALUES (?:FROM \(${LIST}\) TO \(${LIST}\)|IN \(${LIST}\)|WITH \(modulus \d+, remainder \d+\)))$`,
);

/** True when a partition bound from a backup file is one pg_get_expr could have printed (safe to use in DDL). */
export function isSafePartitionBound(bound: string): boolean {
  return PARTITION_BOUND.test(bound);
}

function invalid(reason: string, cause?: unknown): AppError {
  return new AppError('BACKUP_INVALID', { reason }, cause === undefined ? undefined : { cause });
}

/**
 * Restores `file` into `database`, which must be empty (no rows in any of our tables; a database that was
 * never migrated is fine). Throws `BACKUP_INVALID` for a damaged or incompatible file and
 * `RESTORE_TARGET_NOT_EMPTY` (with `details.tables`) otherwise. Writes no audit entry: see `restoreBackup`.
 */
export async function restoreBackupFile(
  database: Database,
  file: string,
  onProgress?: ProgressFn,
): Promise<RestoreResult> {
  const { manifest } = await verifyBackupFile(file, (done, total) => onProgress?.(done, total, 'check'));
  checkMigrations(manifest);
  const nonEmpty = await database.rawTransaction(nonEmptyTables);
  if (nonEmpty.length > 0) throw new AppError('RESTORE_TARGET_NOT_EMPTY', { tables: nonEmpty });
  const { applied } = await migrate(database);

  const total = manifest.tables.reduce((a, t) => (t.name === LEDGER ? a : a + t.rows), 0);
  const inserted = await database.rawTransaction(async (tx) => {
    const tables = new Map((await listTables(tx)).map((t) => [t.name, t]));
    for (const t of manifest.tables) {
      if (!tables.has(t.name)) throw invalid(`table ${t.name} does not exist in this version`);
    }
    await createMissingPartitions(tx, manifest);
    const foreignKeys = await listForeignKeys(tx);
    for (const fk of foreignKeys) {
      await tx.query(`alter table ${quoteIdent(fk.table)} drop constraint ${quoteIdent(fk.name)}`);
    }
    const triggered = await listTablesWithTriggers(tx);
    for (const t of triggered) await tx.query(`alter table ${quoteIdent(t)} disable trigger user`);

    const statements = new Map<string, string>();
    const counts = new Map<string, number>();
    let done = 0;
    for await (const item of readBackup(file)) {
      if (item.kind !== 'rows' || item.table === LEDGER) continue;
      let statement = statements.get(item.table);
      if (!statement) {
        statement = insertStatement(tables.get(item.table)!, manifest);
        statements.set(item.table, statement);
      }
      let n: number;
      try {
        const [row] = await tx.query<{ n: number }>(statement, [item.json]);
        n = Number(row?.n ?? 0);
      } catch (err) {
        throw invalid(`table ${item.table}: ${(err as Error).message}`, err);
      }
      if (n !== item.count) throw invalid(`table ${item.table}: ${n} rows inserted of ${item.count}`);
      counts.set(item.table, (counts.get(item.table) ?? 0) + n);
      done += n;
      onProgress?.(done, total, 'restore');
    }

    for (const fk of foreignKeys) {
      try {
        await tx.query(
          `alter table ${quoteIdent(fk.table)} add constraint ${quoteIdent(fk.name)} ${fk.definition}`,
        );
      } catch (err) {
        throw invalid(`rows of ${fk.table} break its reference ${fk.name}: ${(err as Error).message}`, err);
      }
    }
    for (const t of triggered) await tx.query(`alter table ${quoteIdent(t)} enable trigger user`);
    await restoreSequences(tx, manifest);
    return done;
  });

  const tables = await database.rawTransaction(async (tx) => {
    const rows = await countRows(tx, await listTables(tx));
    return [...rows].map(([name, n]) => ({ name, rows: n }));
  });
  return { manifest, rows: inserted, tables, migrationsApplied: applied };
}

/** Every migration of the backup must be one this version has, unchanged. */
function checkMigrations(manifest: BackupManifest): void {
  const known = new Map(listMigrations().map((m) => [m.name, m.checksum]));
  for (const m of manifest.migrations) {
    const checksum = known.get(m.name);
    if (checksum === undefined) {
      throw invalid(`it was made by a newer version (migration ${m.name} is unknown here)`);
    }
    if (checksum !== m.checksum) throw invalid(`migration ${m.name} differs from this version's`);
  }
}

/** Our tables that hold any row, the migration ledger aside; one statement for all tables. */
async function nonEmptyTables(tx: RawTx): Promise<string[]> {
  const tables = (await listTables(tx)).filter((t) => t.name !== LEDGER);
  if (tables.length === 0) return [];
  const rows = await tx.query<{ t: string }>(
    tables
      .map((t, i) => `select $${i + 1}::text as t where exists (select 1 from ${quoteIdent(t.name)})`)
      .join(' union all '),
    tables.map((t) => t.name),
  );
  return rows.map((r) => r.t);
}

/**
 * One chunk in one statement: the database parses the JSON array into rows of the table's own type.
 * Only columns both the backup and this version have are named, so a column added since the backup
 * takes its default; generated columns are computed again.
 */
function insertStatement(target: TableInfo, manifest: BackupManifest): string {
  const inBackup = new Set(manifest.tables.find((t) => t.name === target.name)?.columns.map((c) => c.name));
  const columns = target.columns
    .filter((c) => !c.generated && inBackup.has(c.name))
    .map((c) => quoteIdent(c.name))
    .join(', ');
  const table = quoteIdent(target.name);
  return `with inserted as (
      insert into ${table} (${columns}) overriding system value
      select ${columns} from json_populate_recordset(null::${table}, $1::json)
      returning 1)
    select count(*)::int as n from inserted`;
}

/** Partitions created at run time (not by migrations) are re-created before their rows arrive. */
async function createMissingPartitions(tx: RawTx, manifest: BackupManifest): Promise<void> {
  if (manifest.partitions.length === 0) return;
  const existing = new Set((await listPartitions(tx)).map((p) => p.name));
  const tables = new Set((await listTables(tx)).map((t) => t.name));
  for (const p of manifest.partitions) {
    if (existing.has(p.name)) continue;
    if (!isSafePartitionBound(p.bound)) throw invalid(`partition ${p.name} has an unexpected bound`);
    if (!tables.has(p.parent) && !existing.has(p.parent)) {
      throw invalid(`partition ${p.name} belongs to ${p.parent}, which does not exist in this version`);
    }
    await tx.query(`create table ${quoteIdent(p.name)} partition of ${quoteIdent(p.parent)} ${p.bound}`);
    existing.add(p.name);
  }
}

/**
 * Puts each sequence back where it was, and never below the largest value its column holds, so the next
 * insert cannot collide with a restored row.
 */
async function restoreSequences(tx: RawTx, manifest: BackupManifest): Promise<void> {
  const targets = new Map((await listSequences(tx)).map((s) => [s.name, s]));
  for (const s of manifest.sequences) {
    const target = targets.get(s.name);
    if (!target) continue;
    if (!/^-?\d+$/.test(s.lastValue)) throw invalid(`sequence ${s.name} has a malformed position`);
    await tx.query('select setval($1::regclass, $2::bigint, $3)', [
      quoteIdent(s.name),
      s.lastValue,
      s.isCalled,
    ]);
    if (!target.table || !target.column) continue;
    const [max] = await tx.query<{ m: string | null }>(
      `select max(${quoteIdent(target.column)})::text as m from ${quoteIdent(target.table)}`,
    );
    if (max?.m == null || !/^-?\d+$/.test(max.m)) continue;
    const used = s.isCalled ? BigInt(s.lastValue) : BigInt(s.lastValue) - 1n;
    if (BigInt(max.m) > used)
      await tx.query('select setval($1::regclass, $2::bigint, true)', [quoteIdent(s.name), max.m]);
  }
}
