/**
 * @module soc/ingest/feeds/lgsp-reader
 * Reads the LGSP's exchange records for the SOC feed (LGSP-31) through the reader the LGSP module exports,
 * in seq order (gaps handled by `seqFeedReader`). The SOC never queries LGSP tables itself.
 */
import type { FeedReader } from './feed.ts';
import { seqFeedReader } from './seq-reader.ts';

/** An exchange record as the LGSP module hands it to followers: its columns, `seq` and write time. */
export interface FollowedExchange extends Record<string, unknown> {
  seq: number;
  timeIn: Date;
  timeOut: Date;
}

/** Reads exchange records after a seq, in seq order (the LGSP module's `exchangesAfter`). */
export type ExchangesAfter = (afterSeq: number, limit: number) => Promise<FollowedExchange[]>;

/** The LGSP feed's reader; the document is the record with times as ISO strings. */
export function lgspFeedReader(
  exchangesAfter: ExchangesAfter,
  now: () => Date,
  settleMs = 60_000,
): FeedReader {
  return seqFeedReader(
    async (afterSeq, limit) =>
      (await exchangesAfter(afterSeq, limit)).map((row) => ({
        seq: row.seq,
        // Records are buffered up to a flush interval after time_out, well inside the settle window.
        writtenAt: row.timeOut,
        doc: { ...row, timeIn: row.timeIn.toISOString(), timeOut: row.timeOut.toISOString() },
      })),
    now,
    settleMs,
  );
}
