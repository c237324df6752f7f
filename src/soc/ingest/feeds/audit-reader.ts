/**
 * @module soc/ingest/feeds/audit-reader
 * Reads the platform's audit log for the SOC feed through core/audit's exported reader, in seq order
 * (gaps handled by `seqFeedReader`).
 */
import { type AuditRow, auditEntriesAfter } from '../../../core/audit/index.ts';
import type { Db } from '../../../core/db/index.ts';
import type { FeedReader } from './feed.ts';
import { seqFeedReader } from './seq-reader.ts';

/** An audit entry as the SIEM receives it: every column, times as ISO strings. */
export function auditDoc(row: AuditRow): Record<string, unknown> {
  return { ...row, at: row.at.toISOString() };
}

/** The audit feed's reader; its cursor is the last seq taken. */
export function auditFeedReader(db: Db, now: () => Date, settleMs = 60_000): FeedReader {
  return seqFeedReader(
    async (afterSeq, limit) =>
      (await auditEntriesAfter(db, afterSeq, limit)).map((row) => ({
        seq: row.seq,
        writtenAt: row.at,
        doc: auditDoc(row),
      })),
    now,
    settleMs,
  );
}
