/**
 * @module soc/health/counters
 * The SIEM's own counters (SOC-16): events and bytes received and dropped per input, parsed and parse errors,
 * stored and the storage lag. Totals since start, read by the health sampler and the Prometheus metrics.
 */
import type { SiemCounters } from '../contracts.ts';

export interface InputTotals {
  events: number;
  bytes: number;
  dropped: number;
  dropReasons: Record<string, number>;
}

/** The counter all forensic imports (`file:<importId>`) add to. */
export const FILE_IMPORTS_INPUT = 'file';

/**
 * The counter an input adds to: each forensic import is its own input id, but one counter holds them all, so
 * the health figures and metric labels stay few (and name no unit's import to operators of other units).
 */
export function inputKey(id: string): string {
  return id.startsWith('file:') ? FILE_IMPORTS_INPUT : id;
}

/** In-memory totals of this node. */
export class SiemTotals implements SiemCounters {
  readonly inputs = new Map<string, InputTotals>();
  parsedEvents = 0;
  parseErrors = 0;
  /** Events the time limit stopped, per pipeline (`(choice)` while one was being chosen). */
  readonly timeouts = new Map<string, number>();
  storedEvents = 0;
  /** Largest lag of the last stored batch, in milliseconds. */
  lastLagMs = 0;
  lastStoredAt = 0;
  /** Largest batch lag since the health sampler last took it (so a sample shows its interval's worst). */
  private peakLagMs = 0;

  private input(id: string): InputTotals {
    const key = inputKey(id);
    let t = this.inputs.get(key);
    if (!t) {
      t = { events: 0, bytes: 0, dropped: 0, dropReasons: {} };
      this.inputs.set(key, t);
    }
    return t;
  }

  received(input: string, count: number, bytes: number): void {
    const t = this.input(input);
    t.events += count;
    t.bytes += bytes;
  }

  dropped(input: string, count: number, reason: string): void {
    const t = this.input(input);
    t.dropped += count;
    t.dropReasons[reason] = (t.dropReasons[reason] ?? 0) + count;
  }

  parsed(count: number, parseErrors: number): void {
    this.parsedEvents += count;
    this.parseErrors += parseErrors;
  }

  timedOut(pipeline: string | null): void {
    const key = pipeline ?? '(choice)';
    this.timeouts.set(key, (this.timeouts.get(key) ?? 0) + 1);
  }

  stored(count: number, lagMs: number): void {
    this.storedEvents += count;
    this.lastLagMs = lagMs;
    if (lagMs > this.peakLagMs) this.peakLagMs = lagMs;
    this.lastStoredAt = Date.now();
  }

  /** The largest batch lag since the previous call (null when nothing was stored meanwhile), and resets it. */
  takePeakLag(storedSince: boolean): number | null {
    const peak = this.peakLagMs;
    this.peakLagMs = 0;
    return storedSince ? peak : null;
  }

  /** Events received by every input since start. */
  receivedTotal(): number {
    let total = 0;
    for (const t of this.inputs.values()) total += t.events;
    return total;
  }

  /** Events dropped by every input since start. */
  droppedTotal(): number {
    let total = 0;
    for (const t of this.inputs.values()) total += t.dropped;
    return total;
  }
}
