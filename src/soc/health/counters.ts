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

/** In-memory totals of this node. */
export class SiemTotals implements SiemCounters {
  readonly inputs = new Map<string, InputTotals>();
  parsedEvents = 0;
  parseErrors = 0;
  storedEvents = 0;
  /** Largest lag of the last stored batch, in milliseconds. */
  lastLagMs = 0;
  lastStoredAt = 0;

  private input(id: string): InputTotals {
    let t = this.inputs.get(id);
    if (!t) {
      t = { events: 0, bytes: 0, dropped: 0, dropReasons: {} };
      this.inputs.set(id, t);
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

  stored(count: number, lagMs: number): void {
    this.storedEvents += count;
    this.lastLagMs = lagMs;
    this.lastStoredAt = Date.now();
  }
}
