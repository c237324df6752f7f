/**
 * The cluster rate limiter on its own (src/lgsp/gateway/rate-limit.ts): windows, the shared counter written in
 * one statement, a second node's share of what is left, and the fallback when the database cannot be reached.
 * Syncs are called by hand (the timer is set far away) so each step is deterministic.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, queryRows, sql } from '../../src/core/db/index.ts';
import { pruneRateCounters, RateLimiter } from '../../src/lgsp/gateway/rate-limit.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

function limiter(node: string, clock: { t: number }, db: Db = database.db) {
  return new RateLimiter(db, { nodeId: node, defaultPerMinute: 1000, syncMs: 1e9, now: () => clock.t });
}

function admitted(
  l: RateLimiter,
  app: string,
  n: number,
  perMinute: number | null,
  perDay: number | null = null,
) {
  let ok = 0;
  for (let i = 0; i < n; i++) if (l.check(app, perMinute, perDay).ok) ok++;
  return ok;
}

describe('RateLimiter', () => {
  it('admits the limit in a minute, then refuses until the window ends, and starts again in the next', async () => {
    const clock = { t: Date.UTC(2026, 10, 23, 1, 0, 10) };
    const l = limiter(`n-${randomUUID()}`, clock);
    await l.start();
    const app = randomUUID();
    expect(admitted(l, app, 12, 10)).toBe(10);
    const refused = l.check(app, 10, null);
    expect(refused).toEqual({ ok: false, code: 'LGSP_RATE_LIMITED', limit: 10, retryAfter: 50 });
    clock.t += 60_000;
    expect(admitted(l, app, 3, 10)).toBe(3);
    await l.close();
  });

  it('writes the increments of every key to the shared counter in one sync', async () => {
    const clock = { t: Date.UTC(2026, 10, 23, 2, 0, 0) };
    const l = limiter(`n-${randomUUID()}`, clock);
    await l.start();
    const a = randomUUID();
    const b = randomUUID();
    admitted(l, a, 7, 100);
    admitted(l, b, 3, 100, 50);
    await l.sync();
    const rows = await queryRows<{ key: string; n: number }>(
      database.db,
      sql`select key, n from lgsp_rate_counter where key in (${`m:${a}`}, ${`m:${b}`}, ${`d:${b}`}) order by key`,
    );
    const counts = Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
    expect(counts).toEqual({ [`m:${a}`]: 7, [`m:${b}`]: 3, [`d:${b}`]: 3 });
    await l.close();
  });

  it('gives a second node a share of what the first left, and refuses the quota of the day', async () => {
    const clock = { t: Date.UTC(2026, 10, 23, 3, 0, 0) };
    // The limiters of the tests above stopped; their heartbeats (alive for 3 s) must not count here.
    await database.db.execute(sql`delete from lgsp_rate_node`);
    const a = limiter(`a-${randomUUID()}`, clock);
    const b = limiter(`b-${randomUUID()}`, clock);
    await a.start();
    const app = randomUUID();
    expect(admitted(a, app, 80, 100)).toBe(80);
    await a.sync();
    // B starts after A's heartbeat: two nodes, so B may use (100 − 80) / (2 · 2) = 5 before its next sync.
    await b.start();
    expect(admitted(b, app, 10, 100)).toBe(5);
    await b.sync();
    await a.sync();
    // Both now know 85 were used: each may take ceil(15 / 4) = 4 more.
    expect(admitted(a, app, 10, 100)).toBe(4);
    expect(admitted(b, app, 10, 100)).toBe(4);
    const quotaApp = randomUUID();
    // A quota of 3 a day with two nodes: A's share is ceil(3 / 4) = 1 per sync; until the day's budget is
    // spent the refusal says to retry in a second (the next sync), then at Vietnam midnight.
    expect(admitted(a, quotaApp, 5, null, 3)).toBe(1);
    expect(a.check(quotaApp, null, 3)).toMatchObject({
      ok: false,
      code: 'LGSP_QUOTA_EXCEEDED',
      retryAfter: 1,
    });
    let total = 1;
    for (let i = 0; i < 5; i++) {
      await a.sync();
      total += admitted(a, quotaApp, 5, null, 3);
    }
    expect(total).toBe(3);
    // 03:00 UTC is 10:00 in Vietnam: 14 hours to midnight.
    expect(a.check(quotaApp, null, 3)).toMatchObject({
      ok: false,
      code: 'LGSP_QUOTA_EXCEEDED',
      retryAfter: 14 * 3600,
    });
    await a.close();
    await b.close();
  });

  it('keeps enforcing the limit on its own counts when the database cannot be reached', async () => {
    const clock = { t: Date.UTC(2026, 10, 23, 4, 0, 0) };
    const broken = {
      execute: async () => {
        throw new Error('database down');
      },
    } as unknown as Db;
    const errors: unknown[] = [];
    const l = new RateLimiter(broken, {
      nodeId: 'alone',
      defaultPerMinute: 20,
      syncMs: 1e9,
      now: () => clock.t,
      onError: (err) => errors.push(err),
    });
    await l.start();
    const app = randomUUID();
    expect(admitted(l, app, 15, null)).toBe(15);
    await l.sync();
    expect(errors.length).toBeGreaterThan(0);
    expect(l.stats.failures).toBeGreaterThan(0);
    expect(admitted(l, app, 15, null)).toBe(5);
    await l.close().catch(() => {});
  });

  it('prunes windows no limiter reads any more', async () => {
    const now = new Date(Date.UTC(2026, 10, 23, 5, 0, 0));
    const minute = Math.floor(now.getTime() / 60_000);
    const old = `m:${randomUUID()}`;
    const recent = `m:${randomUUID()}`;
    await database.db.execute(
      sql`insert into lgsp_rate_counter (key, win, n) values (${old}, ${minute - 120}, 1), (${recent}, ${minute - 1}, 1)`,
    );
    await pruneRateCounters(database.db, now);
    const left = await queryRows<{ key: string }>(
      database.db,
      sql`select key from lgsp_rate_counter where key in (${old}, ${recent})`,
    );
    expect(left.map((r) => r.key)).toEqual([recent]);
  });
});
