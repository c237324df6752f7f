/**
 * @module core/audit/store
 * SQL of the audit log: chained appends, keyset reads for verification, search and retention.
 */
import { and, asc, desc, eq, gt, gte, ilike, inArray, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { entryHash, GENESIS_HASH, type HashedFields } from './chain.ts';
import { auditChainAnchor, auditLog } from './tables.ts';

export type AuditRow = typeof auditLog.$inferSelect;

/**
 * Appends entries of one category under that category's advisory lock, linking each to the previous.
 * Must run inside the caller's transaction so the entry commits or rolls back with the change it records.
 */
export async function appendChained(
  tx: Db,
  category: string,
  entries: readonly HashedFields[],
): Promise<void> {
  if (entries.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`audit:${category}`}))`);
  let prev = await lastHash(tx, category);
  const rows = entries.map((e) => {
    const hash = entryHash(prev, e);
    const row = {
      at: e.at.toISOString(),
      category: e.category,
      action: e.action,
      description: e.description,
      actor_id: e.actorId,
      actor_name: e.actorName,
      unit_id: e.unitId,
      severity: e.severity,
      source_ip: e.sourceIp,
      outcome: e.outcome,
      request_id: e.requestId,
      target_type: e.targetType,
      target_id: e.targetId,
      details: e.details ?? {},
      prev_hash: prev,
      hash,
    };
    prev = hash;
    return row;
  });
  // One JSON parameter for the whole batch: building thousands of bind parameters costs more than the insert.
  await tx.execute(sql`
    insert into audit_log (at, category, action, description, actor_id, actor_name, unit_id, severity, source_ip,
                           outcome, request_id, target_type, target_id, details, prev_hash, hash)
    select at, category, action, description, actor_id, actor_name, unit_id, severity, source_ip,
           outcome, request_id, target_type, target_id, details, prev_hash, hash
      from json_populate_recordset(null::audit_log, ${JSON.stringify(rows)}::json)`);
}

async function lastHash(tx: Db, category: string): Promise<string> {
  const [last] = await tx
    .select({ hash: auditLog.hash })
    .from(auditLog)
    .where(eq(auditLog.category, category))
    .orderBy(desc(auditLog.seq))
    .limit(1);
  if (last) return last.hash;
  const [anchor] = await tx.select().from(auditChainAnchor).where(eq(auditChainAnchor.category, category));
  return anchor?.hash ?? GENESIS_HASH;
}

/** The hash a category's first remaining entry must link to. */
export async function chainStart(db: Db, category: string): Promise<string> {
  const [anchor] = await db.select().from(auditChainAnchor).where(eq(auditChainAnchor.category, category));
  return anchor?.hash ?? GENESIS_HASH;
}

/** Reads one page of a category in chain order, after `afterSeq`. */
export function readChainPage(
  db: Db,
  category: string,
  afterSeq: number,
  limit: number,
): Promise<AuditRow[]> {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.category, category), gt(auditLog.seq, afterSeq)))
    .orderBy(asc(auditLog.seq))
    .limit(limit);
}

/** Entries of every category after `afterSeq`, in seq order (readers that follow the log, e.g. the SOC feed). */
export function entriesAfter(db: Db, afterSeq: number, limit: number): Promise<AuditRow[]> {
  return db.select().from(auditLog).where(gt(auditLog.seq, afterSeq)).orderBy(asc(auditLog.seq)).limit(limit);
}

/** Categories present in the log or anchored after retention. */
export async function presentCategories(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ category: auditLog.category })
    .from(auditLog)
    .union(db.select({ category: auditChainAnchor.category }).from(auditChainAnchor));
  return rows.map((r) => r.category).sort();
}

export interface AuditFilter {
  categories?: string[];
  actorId?: string;
  /** Entries about one object (e.g. an account's id), optionally of one target type. */
  targetType?: string;
  targetId?: string;
  /** The entries of one request (the id an error answer shows). */
  requestId?: string;
  severities?: string[];
  outcome?: string;
  from?: Date;
  to?: Date;
  text?: string;
  /** Unit ids the reader may see; undefined = all. Entries without a unit are visible only with `all`. */
  unitIds?: string[];
  beforeSeq?: number;
  limit: number;
}

/** The conditions of a filter (all but paging), shared by the search and the counts. */
function filterConditions(f: Omit<AuditFilter, 'limit'>): (SQL | undefined)[] {
  return [
    f.categories?.length ? inArray(auditLog.category, f.categories) : undefined,
    f.actorId ? eq(auditLog.actorId, f.actorId) : undefined,
    f.targetType ? eq(auditLog.targetType, f.targetType) : undefined,
    f.targetId ? eq(auditLog.targetId, f.targetId) : undefined,
    f.requestId ? eq(auditLog.requestId, f.requestId) : undefined,
    f.severities?.length ? inArray(auditLog.severity, f.severities) : undefined,
    f.outcome ? eq(auditLog.outcome, f.outcome) : undefined,
    f.from ? gte(auditLog.at, f.from) : undefined,
    f.to ? lte(auditLog.at, f.to) : undefined,
    f.beforeSeq ? lt(auditLog.seq, f.beforeSeq) : undefined,
    f.text
      ? or(
          ilike(auditLog.description, `%${escapeLike(f.text)}%`),
          ilike(auditLog.actorName, `%${escapeLike(f.text)}%`),
          ilike(auditLog.action, `%${escapeLike(f.text)}%`),
        )
      : undefined,
    f.unitIds ? (f.unitIds.length ? inArray(auditLog.unitId, f.unitIds) : sql`false`) : undefined,
  ];
}

/** Newest-first search with keyset paging on seq. */
export function searchEntries(db: Db, f: AuditFilter): Promise<AuditRow[]> {
  return db
    .select()
    .from(auditLog)
    .where(and(...filterConditions(f)))
    .orderBy(desc(auditLog.seq))
    .limit(f.limit);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Deletes the prefix of a category's chain up to its last entry older than `before` (by seq, so no gap
 * is left even when batched entries arrive slightly out of time order) and moves the anchor to the
 * last removed entry, in one statement. Returns how many were removed.
 */
export async function deleteOlderThan(db: Db, category: string, before: Date): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`audit:${category}`}))`);
    const removed = (await tx.execute(sql`
      with gone as (
        delete from audit_log
        where category = ${category}
          and seq <= (select max(seq) from audit_log
                      where category = ${category} and at < ${before.toISOString()}::timestamptz)
        returning seq, hash
      ), last as (
        select seq, hash from gone order by seq desc limit 1
      ), anchored as (
        insert into audit_chain_anchor (category, seq, hash)
        select ${category}, seq, hash from last
        on conflict (category) do update set seq = excluded.seq, hash = excluded.hash
        returning 1
      )
      select count(*)::int as n from gone`)) as unknown as { rows: { n: number }[] };
    return removed.rows[0]?.n ?? 0;
  });
}

/** Entries per day (Vietnam time) and category since `from`, for the console's activity chart. */
export async function countByDay(
  db: Db,
  from: Date,
  unitIds: string[] | undefined,
): Promise<{ day: string; category: string; n: number }[]> {
  const scope = unitIds ? (unitIds.length ? inArray(auditLog.unitId, unitIds) : sql`false`) : undefined;
  const day = sql<string>`to_char(${auditLog.at} at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')`;
  return db
    .select({ day, category: auditLog.category, n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(and(gte(auditLog.at, from), scope))
    .groupBy(day, auditLog.category)
    .orderBy(day);
}

/** Width of one bar of the audit viewer's chart. */
export type AuditBucket = 'hour' | 'day' | 'month';

/** How each bucket is labelled: the start of the bucket in Vietnam time, ISO-like. */
const BUCKET_FORMAT: Record<AuditBucket, string> = {
  hour: 'YYYY-MM-DD"T"HH24:00',
  day: 'YYYY-MM-DD',
  month: 'YYYY-MM',
};

/**
 * Entries matching a filter counted per time bucket (Vietnam time) and category, in one grouped statement:
 * the audit viewer's chart of the selected period. Buckets without entries are left out.
 */
export async function countByBucket(
  db: Db,
  f: Omit<AuditFilter, 'limit' | 'beforeSeq'>,
  bucket: AuditBucket,
): Promise<{ bucket: string; category: string; n: number }[]> {
  const local = sql`(${auditLog.at} at time zone 'Asia/Ho_Chi_Minh')`;
  // Literals, not parameters: GROUP BY must see the very expression of the SELECT, and a parameter is a
  // new placeholder each time it is written. Both come from the closed set above, never from input.
  const label = sql<string>`to_char(date_trunc('${sql.raw(bucket)}', ${local}), '${sql.raw(BUCKET_FORMAT[bucket])}')`;
  return db
    .select({ bucket: label, category: auditLog.category, n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(and(...filterConditions(f)))
    .groupBy(label, auditLog.category)
    .orderBy(label, auditLog.category);
}
