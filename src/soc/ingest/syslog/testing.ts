/**
 * @module soc/ingest/syslog/testing
 * Test helpers: a real LocalQueue as the sink, collecting what it processes, and listeners on free ports.
 */
import { createLogger } from '../../../core/log/logger.ts';
import type { RawEvent } from '../../contracts.ts';
import { SiemTotals } from '../../health/counters.ts';
import { LocalQueue } from '../../processing/local-queue.ts';
import type { ListenerOptions } from './listener.ts';

/** A LocalQueue whose processing collects the events, with `until` to wait for a count. */
export function collectingQueue(
  options: { capacity?: number; batchSize?: number; process?: (b: RawEvent[]) => Promise<void> } = {},
) {
  const events: RawEvent[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const queue = new LocalQueue({
    capacity: options.capacity ?? 100_000,
    batchSize: options.batchSize ?? 500,
    flushIntervalMs: 1,
    process: async (batch) => {
      await options.process?.(batch);
      events.push(...batch);
      for (const w of waiters.splice(0)) {
        if (events.length >= w.n) w.resolve();
        else waiters.push(w);
      }
    },
  });
  return {
    queue,
    events,
    /** Resolves once `n` events were processed; rejects after `ms`. */
    until(n: number, ms = 10_000): Promise<RawEvent[]> {
      if (events.length >= n) return Promise.resolve(events);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${events.length} of ${n} events arrived`)), ms);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve(events);
          },
        });
      });
    },
  };
}

/** Listener options on 127.0.0.1 and a free port, over `queue`, counting into fresh totals. */
export function listenerOptions(
  queue: LocalQueue,
  overrides: Partial<ListenerOptions> = {},
): ListenerOptions & { counters: SiemTotals } {
  return {
    input: 'syslog-test',
    host: '127.0.0.1',
    port: 0,
    maxEventBytes: 65_536,
    maxConnections: 100,
    charset: () => undefined,
    sink: queue,
    log: createLogger('silent'),
    ...overrides,
    counters: new SiemTotals(),
  };
}
