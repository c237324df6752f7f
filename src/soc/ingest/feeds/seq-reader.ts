/**
 * @module soc/ingest/feeds/seq-reader
 * Follows a table by an insert sequence. Sequence numbers are drawn at insert time and transactions commit
 * in any order, so a number missing before a newer row may belong to a row still being committed: the reader
 * stops before such a gap until the row after it is older than `settleMs` (then the gap is taken to be a
 * rolled-back insert), so no row is skipped.
 */
import type { FeedReader } from './feed.ts';

/** What a followed row must offer: its sequence number and when it was written. */
export interface SequencedRow {
  seq: number;
  writtenAt: Date;
  doc: Record<string, unknown>;
}

/** A feed reader over `fetch(afterSeq, limit)` (one set-based query); its cursor is the last seq taken. */
export function seqFeedReader(
  fetch: (afterSeq: number, limit: number) => Promise<SequencedRow[]>,
  now: () => Date,
  settleMs = 60_000,
): FeedReader {
  return async (after, limit) => {
    const afterSeq = after ? Number.parseInt(after, 10) || 0 : 0;
    const rows = await fetch(afterSeq, limit);
    const taken: Record<string, unknown>[] = [];
    let last = afterSeq;
    const settled = now().getTime() - settleMs;
    for (const row of rows) {
      if (row.seq !== last + 1 && row.writtenAt.getTime() > settled) break;
      taken.push(row.doc);
      last = row.seq;
    }
    return { rows: taken, cursor: String(last) };
  };
}
