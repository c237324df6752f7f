/**
 * @module soc/ingest/feeds/audit-reader
 * Reads the platform's audit log for the SOC feed through core/audit's exported reader, in seq order.
 * Seqs are drawn at insert time and transactions commit in any order, so a seq missing before a newer row
 * may be an entry still being committed: the reader stops before such a gap until the row after it is
 * older than `settleMs` (then the gap is taken to be a rolled-back entry), so no entry is skipped.
 */
import { type AuditRow, auditEntriesAfter } from '../../../core/audit/index.ts';
import type { Db } from '../../../core/db/index.ts';
import type { FeedReader } from './feed.ts';

/** An audit entry as the SIEM receives it: every column, times as ISO strings. */
export function auditDoc(row: AuditRow): Record<string, unknown> {
  return { ...row, at: row.at.toISOString() };
}

/** The audit feed's reader; its cursor is the last seq taken. */
export function auditFeedReader(db: Db, now: () => Date, settleMs = 60_000): FeedReader {
  return async (after, limit) => {
    const afterSeq = after ? Number.parseInt(after, 10) || 0 : 0;
    const rows = await auditEntriesAfter(db, afterSeq, limit);
    const taken: Record<string, unknown>[] = [];
    let last = afterSeq;
    const settled = now().getTime() - settleMs;
    for (const row of rows) {
      if (row.seq !== last + 1 && row.at.getTime() > settled) break;
      taken.push(auditDoc(row));
      last = row.seq;
    }
    return { rows: taken, cursor: String(last) };
  };
}
