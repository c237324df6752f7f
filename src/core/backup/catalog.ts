/**
 * @module core/backup/catalog
 * What a backup needs to know about our schema (the first schema of the search_path), read from
 * pg_catalog so that a table added by any module is backed up without being listed anywhere.
 * Each function is one query, whatever the number of tables.
 */
import { quoteIdent, type RawTx } from '../db/index.ts';

/** A column of a table. */
export interface ColumnInfo {
  name: string;
  /** SQL type as `format_type` prints it. */
  type: string;
  /** Generated (computed) columns are never inserted. */
  generated: boolean;
}

/** A table holding rows: a plain table or the root of a partitioned one (its partitions' rows included). */
export interface TableInfo {
  name: string;
  partitioned: boolean;
  columns: ColumnInfo[];
}

/** A partition, to be re-created on restore when it was made at run time (day partitions of events). */
export interface PartitionInfo {
  name: string;
  parent: string;
  /** `pg_get_expr(relpartbound)`, e.g. `FOR VALUES FROM ('2026-11-23') TO ('2026-11-24')`. */
  bound: string;
}

/** A foreign key, dropped during a restore and added back (validated) at its end. */
export interface ForeignKeyInfo {
  table: string;
  name: string;
  definition: string;
}

/** A sequence and, when it feeds a serial or identity column, that column. */
export interface SequenceInfo {
  name: string;
  table: string | null;
  column: string | null;
}

const OUR_SCHEMA = '(select oid from pg_namespace where nspname = current_schema())';

/** Tables of our schema (not partitions, not temporary), by name, with their columns. */
export async function listTables(tx: RawTx): Promise<TableInfo[]> {
  const rows = await tx.query<{
    table: string;
    partitioned: boolean;
    column: string;
    type: string;
    generated: boolean;
  }>(
    `select c.relname as table, c.relkind = 'p' as partitioned, a.attname as column,
            format_type(a.atttypid, a.atttypmod) as type, a.attgenerated <> '' as generated
       from pg_class c
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where c.relnamespace = ${OUR_SCHEMA}
        and c.relkind in ('r', 'p') and not c.relispartition and c.relpersistence <> 't'
      order by c.relname, a.attnum`,
  );
  const tables: TableInfo[] = [];
  for (const r of rows) {
    let t = tables[tables.length - 1];
    if (t?.name !== r.table) {
      t = { name: r.table, partitioned: r.partitioned, columns: [] };
      tables.push(t);
    }
    t.columns.push({ name: r.column, type: r.type, generated: r.generated });
  }
  return tables;
}

/** Partitions of our schema, each after its parent (so they can be created in this order). */
export async function listPartitions(tx: RawTx): Promise<PartitionInfo[]> {
  const rows = await tx.query<{ name: string; parent: string; bound: string }>(
    `select c.relname as name, p.relname as parent, pg_get_expr(c.relpartbound, c.oid) as bound
       from pg_class c
       join pg_inherits i on i.inhrelid = c.oid
       join pg_class p on p.oid = i.inhparent
      where c.relnamespace = ${OUR_SCHEMA} and c.relispartition and c.relkind in ('r', 'p')
      order by c.relname`,
  );
  const isPartition = new Set(rows.map((r) => r.name));
  const ordered: PartitionInfo[] = [];
  const placed = new Set<string>();
  let pending = rows;
  // Sub-partitions come after the partition they belong to.
  while (pending.length > 0) {
    const ready = pending.filter((p) => !isPartition.has(p.parent) || placed.has(p.parent));
    if (ready.length === 0) break;
    for (const p of ready) {
      ordered.push(p);
      placed.add(p.name);
    }
    pending = pending.filter((p) => !placed.has(p.name));
  }
  return ordered;
}

/** Foreign keys declared on our tables (inherited copies on partitions are left to their parent). */
export function listForeignKeys(tx: RawTx): Promise<ForeignKeyInfo[]> {
  return tx.query<ForeignKeyInfo & Record<string, unknown>>(
    `select c.relname as table, k.conname as name, pg_get_constraintdef(k.oid) as definition
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid
      where k.contype = 'f' and c.relnamespace = ${OUR_SCHEMA} and k.conparentid = 0
      order by c.relname, k.conname`,
  );
}

/** Tables with triggers of their own (not the internal ones enforcing constraints). */
export async function listTablesWithTriggers(tx: RawTx): Promise<string[]> {
  const rows = await tx.query<{ table: string }>(
    `select distinct c.relname as table
       from pg_trigger t
       join pg_class c on c.oid = t.tgrelid
      where not t.tgisinternal and c.relnamespace = ${OUR_SCHEMA} and not c.relispartition
      order by 1`,
  );
  return rows.map((r) => r.table);
}

/** Sequences of our schema, with the column each one feeds when it is owned by one. */
export function listSequences(tx: RawTx): Promise<SequenceInfo[]> {
  return tx.query<SequenceInfo & Record<string, unknown>>(
    `select s.relname as name, t.relname as table, a.attname as column
       from pg_class s
       left join pg_depend d on d.objid = s.oid and d.classid = 'pg_class'::regclass
            and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i') and d.refobjsubid > 0
       left join pg_class t on t.oid = d.refobjid
       left join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
      where s.relkind = 'S' and s.relnamespace = ${OUR_SCHEMA}
      order by s.relname`,
  );
}

/** Rows per table, counted in one statement for all of them. */
export async function countRows(tx: RawTx, tables: { name: string }[]): Promise<Map<string, number>> {
  if (tables.length === 0) return new Map();
  const rows = await tx.query<{ t: string; n: number }>(
    tables
      .map((t, i) => `select $${i + 1}::text as t, count(*) as n from ${quoteIdent(t.name)}`)
      .join(' union all '),
    tables.map((t) => t.name),
  );
  return new Map(rows.map((r) => [r.t, Number(r.n)]));
}
