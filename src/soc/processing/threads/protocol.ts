/**
 * @module soc/processing/threads/protocol
 * What the main thread and a processing thread say to each other, and the counts a batch brings back: the
 * thread's counters are recorded per batch and replayed on the main thread's totals, so the health screen
 * and the metrics read one set of figures whichever thread did the work.
 */
import type { RawEvent, SiemCounters } from '../../contracts.ts';

/** How a processing thread opens the platform: the main thread's configuration and database. */
export interface ThreadData {
  /** The main thread's configuration (a plain object: it crosses threads by structured clone). */
  config: unknown;
  connection: { url: string; schema?: string };
  /** Position of the thread in the pool (logs). */
  index: number;
  /** Module the bootstrap imports: the real thread, or a test double. */
  entry: string;
}

/** A message to a processing thread. */
export type ToThread =
  | {
      type: 'batch';
      /** Request number, answered by `done` or `failed`. */
      id: number;
      /** One UUID per batch, the same on every attempt: row ids derive from it. */
      batchId: string;
      /** A retry: rows of an earlier attempt may be committed and are replaced. */
      replace: boolean;
      events: RawEvent[];
    }
  | { type: 'close' };

/** A message from a processing thread. */
export type FromThread =
  | { type: 'ready' }
  | { type: 'done'; id: number; counts: BatchCounts }
  | { type: 'failed'; id: number; message: string }
  /** The thread could not start (database unreachable, bad configuration): it ends. */
  | { type: 'fatal'; message: string }
  | { type: 'closed' };

/** The counters one batch moved. */
export interface BatchCounts {
  parsed: number;
  parseErrors: number;
  stored: number;
  lagMs: number;
  /** [input, count, reason] */
  dropped: [string, number, string][];
  /** [pipeline (null while choosing one), events stopped] */
  timeouts: [string | null, number][];
}

/** Empty counts for one batch. */
export function emptyCounts(): BatchCounts {
  return { parsed: 0, parseErrors: 0, stored: 0, lagMs: 0, dropped: [], timeouts: [] };
}

/** Counters that record into `counts` (a processing thread's processor uses one per batch). */
export function recordingCounters(counts: BatchCounts): SiemCounters {
  return {
    // Inputs count what they receive on the main thread.
    received() {},
    dropped(input, count, reason) {
      counts.dropped.push([input, count, reason]);
    },
    parsed(count, parseErrors) {
      counts.parsed += count;
      counts.parseErrors += parseErrors;
    },
    stored(count, lagMs) {
      counts.stored += count;
      if (lagMs > counts.lagMs) counts.lagMs = lagMs;
    },
    timedOut(pipeline) {
      const last = counts.timeouts.find((t) => t[0] === pipeline);
      if (last) last[1]++;
      else counts.timeouts.push([pipeline, 1]);
    },
  };
}

/** Adds a batch's counts to the main thread's counters, in the order the processor reports them. */
export function replayCounts(counts: BatchCounts, into: SiemCounters): void {
  for (const [pipeline, n] of counts.timeouts) for (let i = 0; i < n; i++) into.timedOut(pipeline);
  into.parsed(counts.parsed, counts.parseErrors);
  for (const [input, count, reason] of counts.dropped) into.dropped(input, count, reason);
  into.stored(counts.stored, counts.lagMs);
}
