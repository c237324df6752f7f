/**
 * Backups of a platform whose SIEM has stored events: the day partitions of `soc_events` (and their index
 * partitions) must not stop a backup, and a restore brings the events back in their partitions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreBackup, runBackup } from '../../src/core/backup/index.ts';
import { systemCtx } from '../../src/core/context.ts';
import { sql } from '../../src/core/db/index.ts';
import { issueToken } from '../../src/soc/ingest/testing.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { postEvent } from '../helpers/soc.ts';

let t: TestApp;
let target: TestDatabase;
beforeAll(async () => {
  t = await createTestApp();
  target = await createTestDatabase();
});
afterAll(async () => {
  await target?.close();
  await t?.close();
});

async function storedMessages(db: TestApp['platform']['db']): Promise<string[]> {
  const res = (await db.execute(sql`select message from soc_events order by message`)) as unknown as {
    rows: { message: string }[];
  };
  return res.rows.map((r) => r.message);
}

describe('backup with SIEM day partitions', () => {
  it('backs up, verifies and restores a platform holding SIEM events in day partitions', async () => {
    const token = await issueToken(t.services.soc);
    const now = t.clock.now.getTime();
    for (const [i, at] of [now, now - 86_400_000].entries()) {
      const res = await postEvent(t, token.bearer, {
        '@timestamp': new Date(at).toISOString(),
        message: `sự kiện ${i}: Đăng nhập thất bại`,
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
    }
    await t.services.soc.ingestion.idle();
    const before = await storedMessages(t.platform.db);
    expect(before).toHaveLength(2);

    const record = await runBackup(t.platform, { ctx: systemCtx('quantri') });
    expect(record, record.message ?? '').toMatchObject({ status: 'success', verified: true });

    await restoreBackup(target, record.file, { ctx: systemCtx('quantri') });
    expect(await storedMessages(target.db)).toEqual(before);
    const partitions = (await target.db.execute(
      sql`select c.relname from pg_class c where c.relispartition and c.relkind = 'r'
            and c.relname like 'soc_events_p%' and c.relnamespace = current_schema()::regnamespace`,
    )) as unknown as { rows: unknown[] };
    expect(partitions.rows.length).toBeGreaterThanOrEqual(2);
  });
});
