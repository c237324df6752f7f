/**
 * @module core/audit/service
 * The one audit path of Tỉnh Số: `audit(tx, ctx, entry)` inside the transaction of the change it records,
 * and a batched access log that never costs a request a synchronous insert.
 */
import type { Ctx } from '../context.ts';
import { BatchWriter, type Db } from '../db/index.ts';
import { type AuditCategory, type AuditSeverity, auditCategories } from './categories.ts';
import { entryHash, type HashedFields } from './chain.ts';
import {
  type AuditBucket,
  type AuditFilter,
  type AuditRow,
  appendChained,
  chainStart,
  countByBucket,
  countByDay,
  deleteOlderThan,
  entriesAfter,
  presentCategories,
  readChainPage,
  searchEntries,
} from './store.ts';

/** What a module says about a change it made. */
export interface AuditEntry {
  category: AuditCategory;
  /** Stable machine name of the action, e.g. `iam.account.create`. */
  action: string;
  /** Human description (Vietnamese), shown in the log viewer. */
  description: string;
  severity?: AuditSeverity;
  outcome?: 'success' | 'failure';
  target?: { type: string; id: string };
  /** Unit the change belongs to, for scoped reading; defaults to the actor's unit. */
  unitId?: string | null;
  details?: Record<string, unknown>;
}

function toFields(ctx: Ctx, e: AuditEntry, at: Date): HashedFields {
  return {
    at,
    category: e.category,
    action: e.action,
    description: e.description.normalize('NFC'),
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    unitId: e.unitId === undefined ? ctx.actor.unitId : e.unitId,
    severity: e.severity ?? 'info',
    sourceIp: ctx.ip,
    outcome: e.outcome ?? 'success',
    requestId: ctx.requestId,
    targetType: e.target?.type ?? null,
    targetId: e.target?.id ?? null,
    details: e.details ?? {},
  };
}

/** Writes one audit entry in `tx`, the transaction of the change it records. */
export async function audit(tx: Db, ctx: Ctx, entry: AuditEntry, now: Date = new Date()): Promise<void> {
  await appendChained(tx, entry.category, [toFields(ctx, entry, now)]);
}

/**
 * Writes an entry in its own transaction: for events with no surrounding change (a failed login,
 * a refused request, a runtime error).
 */
export async function auditAlone(db: Db, ctx: Ctx, entry: AuditEntry, now: Date = new Date()): Promise<void> {
  await db.transaction((tx) => audit(tx, ctx, entry, now));
}

export interface AccessLogOptions {
  flushIntervalMs: number;
  batchSize: number;
  onError: (err: unknown) => void;
}

/**
 * Buffers access entries and writes them in batches (one chained multi-row insert per flush, through
 * `BatchWriter`), so a request never waits for its access-log insert. Entries survive until `close()`.
 */
export class AccessLog {
  private readonly writer: BatchWriter<HashedFields>;

  constructor(db: Db, options: AccessLogOptions) {
    this.writer = new BatchWriter({
      ...options,
      write: (batch) => db.transaction((tx) => appendChained(tx, 'access', batch)),
    });
  }

  /** Totals since start, exported as metrics so the cost of access logging is visible. */
  get stats(): { entriesWritten: number; flushes: number; flushSeconds: number } {
    const { written, flushes, flushSeconds } = this.writer.stats;
    return { entriesWritten: written, flushes, flushSeconds };
  }

  /** Queues one access entry; returns at once. */
  record(ctx: Ctx, entry: Omit<AuditEntry, 'category'>, at: Date = new Date()): void {
    this.writer.add(toFields(ctx, { ...entry, category: 'access' }, at));
  }

  /** Number of entries not yet written. */
  get pending(): number {
    return this.writer.pending;
  }

  /** Writes everything buffered so far; concurrent calls are serialised. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Flushes and stops the timer. */
  close(): Promise<void> {
    return this.writer.close();
  }
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  categories: { category: string; checked: number; brokenAtSeq: number | null }[];
}

/** Recomputes every category's chain; reports the first altered, inserted or removed entry. */
export async function verifyChain(db: Db, onProgress?: (checked: number) => void): Promise<VerifyResult> {
  const categories: VerifyResult['categories'] = [];
  let total = 0;
  for (const category of await presentCategories(db)) {
    let prev = await chainStart(db, category);
    let after = 0;
    let checked = 0;
    let brokenAtSeq: number | null = null;
    for (;;) {
      const page = await readChainPage(db, category, after, 5000);
      for (const row of page) {
        const expected = entryHash(prev, row);
        if (row.prevHash !== prev || row.hash !== expected) {
          brokenAtSeq = row.seq;
          break;
        }
        prev = row.hash;
        checked++;
      }
      total += page.length;
      onProgress?.(total);
      if (brokenAtSeq !== null || page.length < 5000) break;
      after = page[page.length - 1]!.seq;
    }
    categories.push({ category, checked, brokenAtSeq });
  }
  return { ok: categories.every((c) => c.brokenAtSeq === null), checked: total, categories };
}

/**
 * Entries of every category after `afterSeq` in seq order, at most `limit`: for readers that follow the log
 * (the SOC's platform feed, LGSP-31). Seqs are taken at insert and commit in any order, so a reader keeps
 * its own rule for gaps (an entry still uncommitted, or a rolled-back one).
 */
export function auditEntriesAfter(db: Db, afterSeq: number, limit: number): Promise<AuditRow[]> {
  return entriesAfter(db, afterSeq, limit);
}

/** Searches the log newest first. */
export function searchAudit(db: Db, filter: AuditFilter): Promise<AuditRow[]> {
  return searchEntries(db, filter);
}

/** The longest period drawn hour by hour, and day by day; longer ones are drawn month by month. */
const HOURLY_UP_TO_MS = 3 * 86_400_000;
const DAILY_UP_TO_MS = 120 * 86_400_000;
/** The period of the chart when the filter names none: the last 30 days. */
export const DEFAULT_STATS_DAYS = 30;

/** Entries of a filter per category and time bucket over its period, and per category in all. */
export interface AuditStats {
  from: Date;
  to: Date;
  bucket: AuditBucket;
  series: { bucket: string; category: string; n: number }[];
  byCategory: { category: string; n: number }[];
  total: number;
}

/**
 * Counts the entries a filter matches per category over its period (`from`/`to`; the last 30 days when
 * missing), bucketed by hour, day or month so a chart has a readable number of bars. Set-based: one
 * grouped query, whatever the number of entries.
 */
export async function auditStats(
  db: Db,
  filter: Omit<AuditFilter, 'limit' | 'beforeSeq'>,
  now: Date = new Date(),
): Promise<AuditStats> {
  const to = filter.to ?? now;
  const from = filter.from ?? new Date(to.getTime() - DEFAULT_STATS_DAYS * 86_400_000);
  const span = to.getTime() - from.getTime();
  const bucket: AuditBucket = span <= HOURLY_UP_TO_MS ? 'hour' : span <= DAILY_UP_TO_MS ? 'day' : 'month';
  const series = await countByBucket(db, { ...filter, from, to }, bucket);
  const totals = new Map<string, number>();
  for (const r of series) totals.set(r.category, (totals.get(r.category) ?? 0) + r.n);
  const byCategory = [...totals]
    .map(([category, n]) => ({ category, n }))
    .sort((a, b) => b.n - a.n || a.category.localeCompare(b.category));
  return { from, to, bucket, series, byCategory, total: series.reduce((s, r) => s + r.n, 0) };
}

/** Entries per day and category since `from`, limited to `unitIds` when given (the reader's scope). */
export function auditActivity(
  db: Db,
  from: Date,
  unitIds?: string[],
): Promise<{ day: string; category: string; n: number }[]> {
  return countByDay(db, from, unitIds);
}

/** Applies retention: each category keeps `days[category]` days (default from the category table). */
export async function applyRetention(
  db: Db,
  days: Partial<Record<string, number>>,
  now: Date = new Date(),
): Promise<Record<string, number>> {
  const removed: Record<string, number> = {};
  for (const category of await presentCategories(db)) {
    const keep = days[category] ?? auditCategories[category as AuditCategory]?.defaultRetentionDays ?? 365;
    const n = await deleteOlderThan(db, category, new Date(now.getTime() - keep * 86_400_000));
    if (n > 0) removed[category] = n;
  }
  return removed;
}

export type { AuditFilter, AuditRow };
