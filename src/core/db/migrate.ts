/**
 * @module core/db/migrate
 * Applies the SQL migrations of every module (`src/<module>/migrations/*.sql`) in file-name order.
 * Names start with a UTC timestamp (`YYYYMMDDHHmm_<module>_<what>.sql`) so modules interleave by time.
 * Pending migrations apply in one transaction (all or nothing); an advisory lock keeps two nodes
 * from migrating at once.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors/index.ts';
import type { Database } from './database.ts';

export interface Migration {
  name: string;
  module: string;
  file: string;
  checksum: string;
}

const srcDir = join(import.meta.dirname, '..', '..');
const MIGRATION_LOCK = 7_240_001;

/** Lists every migration of every module, in the order they apply. */
export function listMigrations(root = srcDir): Migration[] {
  const out: Migration[] = [];
  for (const module of readdirSync(root, { withFileTypes: true })) {
    if (!module.isDirectory()) continue;
    for (const dir of [join(root, module.name, 'migrations'), join(root, module.name, 'db', 'migrations')]) {
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir)) {
        if (!f.endsWith('.sql')) continue;
        const file = join(dir, f);
        const checksum = createHash('sha256').update(readFileSync(file)).digest('hex');
        out.push({ name: f.replace(/\.sql$/, ''), module: module.name, file, checksum });
      }
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

/** Applies pending migrations; refuses to run when an applied migration's file has changed. */
export async function migrate(
  database: Database,
  onProgress?: (done: number, total: number, name: string) => void,
): Promise<MigrateResult> {
  const all = listMigrations();
  return database.rawTransaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`create table if not exists schema_migrations (
      name text primary key, checksum text not null, applied_at timestamptz not null default now())`);
    const rows = await tx.query<{ name: string; checksum: string }>(
      'select name, checksum from schema_migrations',
    );
    const done = new Map(rows.map((r) => [r.name, r.checksum]));
    const pending = all.filter((m) => !done.has(m.name));
    for (const m of all) {
      const previous = done.get(m.name);
      if (previous !== undefined && previous !== m.checksum) {
        throw new AppError('CONFIG_INVALID', {
          summary: `migration ${m.name} was changed after it was applied; add a new migration instead`,
        });
      }
    }
    const applied: string[] = [];
    for (const m of pending) {
      onProgress?.(applied.length, pending.length, m.name);
      await tx.exec(readFileSync(m.file, 'utf8'));
      await tx.query('insert into schema_migrations (name, checksum) values ($1, $2)', [m.name, m.checksum]);
      applied.push(m.name);
    }
    return { applied, alreadyApplied: all.length - applied.length };
  });
}
