/**
 * @module soc/inputs/store
 * SQL of `soc_inputs`: the registry of inputs, their wanted state and settings.
 */
import { type Db, queryRows, sql } from '../../core/db/index.ts';
import type { InputSettings } from './model.ts';

/** Input kinds the registry holds. */
export type RegisteredKind = 'syslog-udp' | 'syslog-tcp' | 'syslog-tls' | 'http' | 'bulk';

/** One row of `soc_inputs`. */
export interface InputRow {
  id: string;
  kind: RegisteredKind;
  enabled: boolean;
  settings: InputSettings;
  updatedAt: Date;
  updatedBy: string | null;
}

interface RawRow extends Record<string, unknown> {
  id: string;
  kind: RegisteredKind;
  enabled: boolean;
  settings: InputSettings | string;
  updated_at: Date | string;
  updated_by: string | null;
}

function toRow(r: RawRow): InputRow {
  return {
    id: r.id,
    kind: r.kind,
    enabled: r.enabled,
    settings: typeof r.settings === 'string' ? (JSON.parse(r.settings) as InputSettings) : r.settings,
    updatedAt: new Date(r.updated_at),
    updatedBy: r.updated_by,
  };
}

/** The inputs every node has, enabled until an operator stops them. */
export const BUILTIN_INPUTS: readonly RegisteredKind[] = [
  'syslog-udp',
  'syslog-tcp',
  'syslog-tls',
  'http',
  'bulk',
];

/**
 * Adds the built-in inputs that have no row yet (one statement). Not a migration seed, so a freshly migrated
 * database stays empty and a backup can be restored into it.
 */
async function ensureBuiltins(db: Db, ids: readonly string[] = BUILTIN_INPUTS): Promise<void> {
  const known = ids.filter((id) => (BUILTIN_INPUTS as readonly string[]).includes(id));
  if (known.length === 0) return;
  await db.execute(sql`
    insert into soc_inputs (id, kind)
    select id, id from unnest(${`{${known.join(',')}}`}::text[]) as id
    on conflict (id) do nothing`);
}

/** Every input, by id. */
export async function listInputs(db: Db): Promise<InputRow[]> {
  await ensureBuiltins(db);
  const rows = await queryRows<RawRow>(
    db,
    sql`select id, kind, enabled, settings, updated_at, updated_by from soc_inputs order by id`,
  );
  return rows.map(toRow);
}

/** One input locked for a change in `tx`, or null. */
export async function lockInput(tx: Db, id: string): Promise<InputRow | null> {
  await ensureBuiltins(tx, [id]);
  const [row] = await queryRows<RawRow>(
    tx,
    sql`select id, kind, enabled, settings, updated_at, updated_by from soc_inputs where id = ${id} for update`,
  );
  return row ? toRow(row) : null;
}

/** Writes an input's wanted state and settings. */
export async function saveInput(
  tx: Db,
  id: string,
  change: { enabled: boolean; settings: InputSettings; at: Date; by: string | null },
): Promise<void> {
  await tx.execute(sql`
    update soc_inputs
       set enabled = ${change.enabled}, settings = ${JSON.stringify(change.settings)}::jsonb,
           updated_at = ${change.at.toISOString()}::timestamptz, updated_by = ${change.by}
     where id = ${id}`);
}
