/**
 * The nonce store on its own: claims made together share one statement, a nonce is refused inside its
 * window and free again after it (an expired row left by a late pruning job does not block it), and a
 * failed statement refuses its whole batch without stopping the next one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.ts';
import type { Db } from '../../core/db/index.ts';
import { NonceStore } from './nonces.ts';

let database: TestDatabase;
let clock = new Date('2026-11-23T08:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('NonceStore', () => {
  it('claims concurrent nonces in one statement and refuses a nonce again inside its window only', async () => {
    const store = new NonceStore(database.db, { now: () => clock });
    const until = new Date(clock.getTime() + 300_000);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.claim('lgsp_khoa', `nonce-${String(i).padStart(16, '0')}`, until),
      ),
    );
    expect(results.every(Boolean)).toBe(true);
    expect(store.stats.statements).toBe(1);
    expect(await store.claim('lgsp_khoa', 'nonce-0000000000000007', until)).toBe(false);
    expect(await store.claim('lgsp_khac', 'nonce-0000000000000007', until)).toBe(true);
    // Past its window, with the row not yet pruned, the nonce may serve again.
    clock = new Date(until.getTime() + 1000);
    expect(
      await store.claim('lgsp_khoa', 'nonce-0000000000000007', new Date(clock.getTime() + 300_000)),
    ).toBe(true);
    expect(await store.prune()).toBeGreaterThanOrEqual(49);
  });

  it('rejects a batch whose statement failed, then carries on with the next', async () => {
    let fail = true;
    const flaky = new Proxy(database.db, {
      get(target, prop, receiver) {
        if (prop === 'execute' && fail) {
          return async () => {
            fail = false;
            throw new Error('mất kết nối');
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Db;
    const store = new NonceStore(flaky, { now: () => clock });
    const until = new Date(clock.getTime() + 300_000);
    const first = await Promise.allSettled([
      store.claim('k1', 'a'.repeat(16), until),
      store.claim('k1', 'b'.repeat(16), until),
    ]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await store.claim('k1', 'a'.repeat(16), until)).toBe(true);
  });
});
