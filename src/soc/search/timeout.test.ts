/**
 * A search too broad for its range is stopped by PostgreSQL's statement timeout and answered with
 * SOC_SEARCH_TIMEOUT (what to narrow), instead of holding a connection and a core; within the limit the same
 * search answers. PGlite has no statement timer, so this runs on PostgreSQL only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from '../../../test/helpers/db.ts';
import { systemCtx } from '../../core/context.ts';
import { sql } from '../../core/db/index.ts';
import { isAppError } from '../../core/errors/index.ts';
import { createSearchService } from './service.ts';
import { ensurePartitions } from './testing.ts';

const day = new Date('2026-03-02T00:00:00Z');
let database: TestDatabase;

beforeAll(async () => {
  if (!testDatabaseUrl) return;
  database = await createTestDatabase();
  await ensurePartitions(database.db, [day]);
  // 200,000 events in one statement: enough that a leading-wildcard scan of every message takes well over 5 ms.
  await database.db.execute(sql`
    insert into soc_events (ts, id, received_at, input, message, doc)
    select ${day.toISOString()}::timestamptz + g * interval '400 milliseconds', gen_random_uuid(),
           ${day.toISOString()}::timestamptz, 'test', 'Failed password for user' || g, '{}'::jsonb
      from generate_series(1, 200000) as g`);
  await database.db.execute(sql`analyze soc_events`);
}, 120_000);

afterAll(async () => {
  await database?.close();
});

describe.skipIf(!testDatabaseUrl)('search statement timeout (needs TEST_DATABASE_URL)', () => {
  const body = {
    query: 'message:*user19999*',
    from: day.toISOString(),
    to: new Date(day.getTime() + 86_400_000).toISOString(),
    size: 10,
  };
  const service = (timeoutMs: number) =>
    createSearchService({
      db: database.db,
      org: { visibleUnitIds: async () => 'all' },
      now: () => new Date(day.getTime() + 86_400_000),
      timeoutMs,
    });

  it('stops a search running past the limit with SOC_SEARCH_TIMEOUT naming the limit', async () => {
    const err = await service(5)
      .search(systemCtx(), body)
      .then(() => null)
      .catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('SOC_SEARCH_TIMEOUT');
    expect(isAppError(err) && err.details).toMatchObject({ seconds: 0.005 });
  });

  it('answers the same search within a generous limit, and the connection is usable afterwards', async () => {
    const result = await service(30_000).search(systemCtx(), body);
    expect(result.total.value).toBe(11);
    const again = await service(30_000).search(systemCtx(), { ...body, query: 'message:*user200000' });
    expect(again.total.value).toBe(1);
  });
});
