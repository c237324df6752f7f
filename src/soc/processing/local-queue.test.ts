import { describe, expect, it } from 'vitest';
import type { RawEvent } from '../contracts.ts';
import { LocalQueue } from './local-queue.ts';

const ev = (i: number): RawEvent => ({ input: 'test', kind: 'http', receivedAt: i, text: `e${i}` });

/** A promise that stays pending until `release()`: a batch held in processing. */
function held(): { promise: Promise<void>; release: () => void } {
  let release: () => void = () => {};
  const promise = new Promise<void>((r) => {
    release = r;
  });
  return { promise, release };
}

describe('LocalQueue', () => {
  it('processes offered events in order, in batches no larger than the batch size', async () => {
    const seen: number[][] = [];
    const q = new LocalQueue({
      capacity: 1000,
      batchSize: 3,
      flushIntervalMs: 1,
      process: async (b) => {
        seen.push(b.map((e) => e.receivedAt));
      },
    });
    expect(q.offer([1, 2, 3, 4, 5, 6, 7].map(ev))).toBe(true);
    await q.idle();
    expect(seen.flat()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Math.max(...seen.map((b) => b.length))).toBeLessThanOrEqual(3);
  });

  it('refuses offers past its capacity, and says when there is room again', async () => {
    const { promise: gate, release } = held();
    const q = new LocalQueue({
      capacity: 4,
      batchSize: 100,
      flushIntervalMs: 1_000_000,
      process: () => gate,
    });
    expect(q.offer([1, 2, 3].map(ev))).toBe(true);
    expect(q.offer([4, 5].map(ev))).toBe(false);
    expect(q.depth).toBe(3);
    const room = q.drained();
    void q.close(50); // starts the loop now instead of after the flush interval
    release();
    await room;
    expect(q.depth).toBe(0);
  });

  it('takes a batch larger than half its capacity once drained says there is room (no busy wait)', async () => {
    const stored: number[] = [];
    const q = new LocalQueue({
      capacity: 10,
      batchSize: 4,
      flushIntervalMs: 1,
      process: async (b) => {
        await new Promise((r) => setTimeout(r, 5));
        for (const e of b) stored.push(e.receivedAt);
      },
    });
    expect(q.offer([1, 2, 3, 4, 5, 6, 7, 8].map(ev))).toBe(true);
    const big = [9, 10, 11, 12, 13, 14, 15, 16].map(ev);
    expect(q.offer(big)).toBe(false);
    let spins = 0;
    while (!q.offer(big) && spins < 1000) {
      spins++;
      await q.drained();
    }
    // Each refusal waited for real room: a handful of waits, not a microtask spin.
    expect(spins).toBeLessThan(5);
    await q.idle();
    expect(stored).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });

  it('keeps a failed batch and retries it until it is stored, losing nothing', async () => {
    let attempts = 0;
    const stored: number[] = [];
    const q = new LocalQueue({
      capacity: 100,
      batchSize: 10,
      flushIntervalMs: 1,
      maxRetryDelayMs: 5,
      process: async (b) => {
        attempts++;
        if (attempts < 3) throw new Error('database down');
        stored.push(...b.map((e) => e.receivedAt));
      },
    });
    await q.submit([1, 2, 3].map(ev));
    expect(stored).toEqual([1, 2, 3]);
    expect(attempts).toBe(3);
  });

  it('resolves submit only once its own events are processed', async () => {
    const stored: number[] = [];
    const q = new LocalQueue({
      capacity: 100,
      batchSize: 2,
      flushIntervalMs: 1,
      process: async (b) => {
        await new Promise((r) => setTimeout(r, 5));
        stored.push(...b.map((e) => e.receivedAt));
      },
    });
    q.offer([1, 2, 3].map(ev));
    await q.submit([4, 5].map(ev));
    expect(stored).toEqual([1, 2, 3, 4, 5]);
  });

  it('with concurrency, overlaps batches yet resolves submit only when every earlier event is processed', async () => {
    let running = 0;
    let most = 0;
    const stored: number[] = [];
    const q = new LocalQueue({
      capacity: 1000,
      batchSize: 2,
      flushIntervalMs: 1,
      concurrency: 2,
      process: async (b) => {
        running++;
        most = Math.max(most, running);
        // The first batch is the slowest: later batches finish before it.
        await new Promise((r) => setTimeout(r, b[0]?.receivedAt === 1 ? 60 : 5));
        stored.push(...b.map((e) => e.receivedAt));
        running--;
      },
    });
    q.offer([1, 2, 3, 4].map(ev));
    const early = q.submit([5, 6].map(ev));
    await early;
    expect(most).toBe(2);
    // 1 and 2 (the slow batch) are stored before submit of 5, 6 resolves, whatever order batches finished in.
    expect(stored).toEqual(expect.arrayContaining([1, 2, 3, 4, 5, 6]));
    await q.idle();
    expect(q.depth).toBe(0);
    expect(stored.slice(0, 2)).not.toEqual([1, 2]);
  });

  it('goes on with later batches while an earlier one is stalled, yet counts them done only after it', async () => {
    const { promise: stalled, release } = held();
    const started: number[] = [];
    const q = new LocalQueue({
      capacity: 1000,
      batchSize: 10,
      flushIntervalMs: 1,
      concurrency: 2,
      process: async (b) => {
        started.push(b[0]?.receivedAt as number);
        if (b[0]?.receivedAt === 0) await stalled;
      },
    });
    q.offer(Array.from({ length: 60 }, (_, i) => ev(i)));
    // Every other batch runs through the second loop while the first one stays stalled.
    await expect.poll(() => started.length).toBe(6);
    expect(started).toEqual([0, 10, 20, 30, 40, 50]);
    let idle = false;
    void q.idle().then(() => {
      idle = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(idle).toBe(false);
    expect(q.depth).toBe(60);
    release();
    await expect.poll(() => idle).toBe(true);
    expect(q.depth).toBe(0);
  });
});
