/**
 * @module soc/processing/row-ids
 * Row ids a retried batch repeats: derived from one UUID per batch (a NATS message, a batch handed to a
 * processing thread) and the event's position, so a batch stored again after a lost acknowledgement replaces
 * its rows instead of adding them.
 */

/** `count` ids: the batch id's first 28 characters and the position in hex (still a UUID). */
export function rowIdsOf(batchId: string, count: number): string[] {
  const base = batchId.slice(0, 28);
  const ids: string[] = new Array(count);
  for (let i = 0; i < count; i++) ids[i] = `${base}${i.toString(16).padStart(8, '0')}`;
  return ids;
}
