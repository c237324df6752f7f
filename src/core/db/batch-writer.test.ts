import { describe, expect, it, vi } from 'vitest';
import { BatchWriter } from './batch-writer.ts';

describe('BatchWriter', () => {
  it('writes a batch as soon as batchSize rows wait, and the rest on flush', async () => {
    const batches: number[][] = [];
    const w = new BatchWriter<number>({
      flushIntervalMs: 60_000,
      batchSize: 3,
      write: async (b) => void batches.push([...b]),
      onError: () => {},
    });
    for (const n of [1, 2, 3, 4]) w.add(n);
    await w.flush();
    expect(batches).toEqual([[1, 2, 3], [4]]);
    expect(w.stats).toMatchObject({ written: 4, flushes: 2, failures: 0 });
    await w.close();
  });

  it('keeps a failed batch ahead of newer rows and writes it later without new rows arriving', async () => {
    vi.useFakeTimers();
    try {
      const batches: number[][] = [];
      let down = true;
      const errors: unknown[] = [];
      const w = new BatchWriter<number>({
        flushIntervalMs: 100,
        batchSize: 1000,
        write: async (b) => {
          if (down) throw new Error('database away');
          batches.push([...b]);
        },
        onError: (err) => errors.push(err),
      });
      w.add(1);
      w.add(2);
      await vi.advanceTimersByTimeAsync(100);
      expect(errors).toHaveLength(1);
      expect(w.pending).toBe(2);
      w.add(3);
      down = false;
      // The retry is due five intervals after the failure, whether or not rows keep coming.
      await vi.advanceTimersByTimeAsync(500);
      expect(batches).toEqual([[1, 2, 3]]);
      expect(w.stats).toMatchObject({ written: 3, failures: 1 });
      await w.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
