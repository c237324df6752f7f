/**
 * @module soc/store/volume
 * The per-batch volume rollup: events and bytes per (UTC day, source, unit, dataset), aggregated in memory
 * and upserted by the writer in one statement. Rows are sorted by key so two concurrent batches lock the
 * rollup rows in the same order and can never deadlock.
 */
import type { NormalisedEvent } from '../contracts.ts';
import { isoDay } from './partitions.ts';
import { type EncodedRow, validUuid } from './rows.ts';

/** Column arrays of the rollup rows (the upsert's unnest parameters). */
export interface VolumeRows {
  days: string[];
  sourceIds: (string | null)[];
  unitIds: (string | null)[];
  datasets: (string | null)[];
  events: number[];
  bytes: number[];
}

interface Acc {
  day: number;
  sourceId: string | null;
  unitId: string | null;
  dataset: string | null;
  events: number;
  bytes: number;
}

/** Aggregates a batch's rows by (day, source, unit, dataset); `bytes[i]` is row i's encoded size. */
export function volumeOf(
  events: readonly NormalisedEvent[],
  rows: readonly EncodedRow[],
  bytes: readonly number[],
): VolumeRows {
  const acc = new Map<string, Acc>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as EncodedRow;
    const event = events[i] as NormalisedEvent;
    const sourceId = validUuid(event.sourceId);
    const unitId = validUuid(event.unitId);
    const key = `${row.day}|${sourceId ?? ''}|${unitId ?? ''}|${row.dataset ?? '\u0000'}`;
    const size = bytes[i] as number;
    const a = acc.get(key);
    if (a) {
      a.events++;
      a.bytes += size;
    } else acc.set(key, { day: row.day, sourceId, unitId, dataset: row.dataset, events: 1, bytes: size });
  }
  const sorted = [...acc.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
  return {
    days: sorted.map((a) => isoDay(a.day)),
    sourceIds: sorted.map((a) => a.sourceId),
    unitIds: sorted.map((a) => a.unitId),
    datasets: sorted.map((a) => a.dataset),
    events: sorted.map((a) => a.events),
    bytes: sorted.map((a) => a.bytes),
  };
}
