import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

describe('GroupCommit', () => {
  it('writes items submitted in one turn together and gives each caller its own result', async () => {
    const batches: number[][] = [];
    const g = new GroupCommit<number, number>({
      maxBatch: 3,
      write: async (b) => {
        batches.push([...b]);
        return b.map((n) => n * 10);
      },
    });
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => g.submit(n)));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('rejects every item of a failed batch, and the next batch is written all the same', async () => {
    let calls = 0;
    const g = new GroupCommit<string, string>({
      maxBatch: 2,
      write: async (b) => {
        if (++calls === 1) throw new Error('database away');
        return b.map((s) => s.toUpperCase());
      },
    });
    const settled = await Promise.allSettled(['a', 'b', 'c'].map((s) => g.submit(s)));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(await g.submit('d')).toBe('D');
  });
});
