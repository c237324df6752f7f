/**
 * @module soc/processing/room
 * When a bounded ingest sink takes an offer. Sinks say `drained` once they are half empty; an offer must then
 * be taken whatever its size, or a batch larger than half the capacity would be refused forever while its
 * sender spins on `drained` resolving at once. The capacity is thus exceeded by at most one offer.
 */

/** Whether a sink holding `depth` events takes `count` more. */
export function hasRoom(depth: number, count: number, capacity: number): boolean {
  return depth <= capacity / 2 || depth + count <= capacity;
}

/** Whether a sink holding `depth` events has room again for waiting senders (half empty). */
export function isDrained(depth: number, capacity: number): boolean {
  return depth <= capacity / 2;
}
