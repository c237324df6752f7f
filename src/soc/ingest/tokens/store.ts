/**
 * @module soc/ingest/tokens/store
 * SQL of the ingest tokens: insert, list in a scope, revoke, the verifier's full read and the batched
 * `last_used_at` update.
 */
import { type Db, queryRows, sql } from '../../../core/db/index.ts';

/** A token as stored (never the secret). */
export interface TokenRow {
  id: string;
  name: string;
  unitId: string | null;
  secretHash: string;
  prefix: string;
  createdAt: Date;
  createdBy: string | null;
  createdByName: string;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface RawRow extends Record<string, unknown> {
  id: string;
  name: string;
  unit_id: string | null;
  secret_hash: string;
  prefix: string;
  created_at: string | Date;
  created_by: string | null;
  created_by_name: string;
  last_used_at: string | Date | null;
  revoked_at: string | Date | null;
}

const date = (v: string | Date | null): Date | null => (v === null ? null : new Date(v));

function toRow(r: RawRow): TokenRow {
  return {
    id: r.id,
    name: r.name,
    unitId: r.unit_id,
    secretHash: r.secret_hash,
    prefix: r.prefix,
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
    createdByName: r.created_by_name,
    lastUsedAt: date(r.last_used_at),
    revokedAt: date(r.revoked_at),
  };
}

/** Inserts a new token. */
export async function insertToken(db: Db, t: Omit<TokenRow, 'lastUsedAt' | 'revokedAt'>): Promise<void> {
  await db.execute(sql`
    insert into soc_ingest_tokens (id, name, unit_id, secret_hash, prefix, created_at, created_by, created_by_name)
    values (${t.id}, ${t.name}, ${t.unitId}, ${t.secretHash}, ${t.prefix}, ${t.createdAt.toISOString()},
            ${t.createdBy}, ${t.createdByName})`);
}

/** Tokens of the given units (`all`: every token; units-less tokens are seen only with `all`), newest first. */
export async function listTokens(db: Db, units: 'all' | string[]): Promise<TokenRow[]> {
  if (units !== 'all' && units.length === 0) return [];
  const where =
    units === 'all'
      ? sql`true`
      : sql`unit_id in (select value::uuid from json_array_elements_text(${JSON.stringify(units)}::json))`;
  const rows = await queryRows<RawRow>(
    db,
    sql`select * from soc_ingest_tokens where ${where} order by created_at desc, id limit 1000`,
  );
  return rows.map(toRow);
}

/** One token by id, or null. */
export async function findToken(db: Db, id: string): Promise<TokenRow | null> {
  const [row] = await queryRows<RawRow>(db, sql`select * from soc_ingest_tokens where id = ${id}`);
  return row ? toRow(row) : null;
}

/** Marks a token revoked unless it already is; false when it was. */
export async function revokeToken(db: Db, id: string, at: Date, by: string | null): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update soc_ingest_tokens set revoked_at = ${at.toISOString()}, revoked_by = ${by}
         where id = ${id} and revoked_at is null returning id`,
  );
  return rows.length === 1;
}

/** What the verifier keeps in memory: every token, revoked ones included (they are few). */
export async function verifierRows(
  db: Db,
): Promise<{ id: string; name: string; unitId: string | null; secretHash: string; revoked: boolean }[]> {
  const rows = await queryRows<{
    id: string;
    name: string;
    unit_id: string | null;
    secret_hash: string;
    revoked: boolean;
  }>(
    db,
    sql`select id, name, unit_id, secret_hash, revoked_at is not null as revoked from soc_ingest_tokens`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    unitId: r.unit_id,
    secretHash: r.secret_hash,
    revoked: r.revoked,
  }));
}

/** Records when tokens were last used, all in one statement; never moves a time backwards. */
export async function touchTokens(db: Db, uses: { id: string; at: Date }[]): Promise<void> {
  if (uses.length === 0) return;
  const payload = JSON.stringify(uses.map((u) => ({ id: u.id, at: u.at.toISOString() })));
  await db.execute(sql`
    update soc_ingest_tokens t set last_used_at = u.at
      from json_to_recordset(${payload}::json) as u(id uuid, at timestamptz)
     where t.id = u.id and (t.last_used_at is null or t.last_used_at < u.at)`);
}
