import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../../test/helpers/app.ts';
import { systemCtx } from '../../../core/context.ts';
import { queryRows, sql } from '../../../core/db/index.ts';
import { buildProvince } from '../../../org/testing.ts';
import { fixture } from './testing.ts';

interface View {
  id: string;
  state: string;
  sizeBytes: number;
  bytesRead: number;
  percent: number;
  eventsSubmitted: number;
  eventsPerSecond: number | null;
  etaSeconds: number | null;
}

let t: TestApp;
let analyst: LoggedIn;

// The processing queue here starts a batch only when 100,000 events wait or after ten minutes: a job's
// submitted events stay in flight until the test lets the queue go, so the job is caught running.
beforeAll(async () => {
  t = await createTestApp({ 'soc.processing.batchSize': 100_000, 'soc.processing.flushIntervalMs': 600_000 });
  const p = await buildProvince(t.services.org, systemCtx());
  analyst = await loginAs(t, { roles: ['business_admin'], unitId: p.communeA.id });
});
afterAll(() => t.close());

const get = async (id: string) =>
  (
    await t.app.inject({ method: 'GET', url: `/api/soc/imports/${id}`, headers: analyst.headers })
  ).json() as View;
const cancel = (id: string) =>
  t.app.inject({ method: 'POST', url: `/api/soc/imports/${id}/cancel`, headers: analyst.headers });
const upload = async (name: string) => {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/soc/imports?name=${name}`,
    headers: { ...analyst.headers, 'content-type': 'application/octet-stream' },
    payload: fixture('auth.log'),
  });
  expect(res.statusCode, res.body).toBe(202);
  return res.json() as View;
};

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('import progress and cancellation', () => {
  it('reports progress of the running job, queues the next one, and cancels either', async () => {
    const first = await upload('first.log');
    const second = await upload('second.log');
    // The progress statement runs once a second while the job waits for its events to be stored.
    await until(async () => (await get(first.id)).bytesRead === first.sizeBytes);
    t.clock.advance(10_000);
    expect(await get(first.id)).toMatchObject({
      state: 'running',
      percent: 100,
      eventsSubmitted: 0,
      eventsPerSecond: 0,
      etaSeconds: 0,
    });
    // One import at a time per node: the second waits.
    expect(await get(second.id)).toMatchObject({ state: 'queued', bytesRead: 0 });

    const queued = await cancel(second.id);
    expect(queued.statusCode).toBe(200);
    expect(queued.json()).toMatchObject({ state: 'cancelled' });
    await until(
      async () => !existsSync(join(t.platform.config.dataDir, 'soc-imports', `${second.id}.upload`)),
    );

    const running = await cancel(first.id);
    expect(running.statusCode).toBe(200);
    expect(running.json()).toMatchObject({ state: 'running' }); // stops once its accepted events are stored

    await t.services.soc.ingestion.close?.(); // lets the queue store what it holds
    await t.services.soc.fileImports.idle();
    expect(await get(first.id)).toMatchObject({ state: 'cancelled', eventsSubmitted: 9, eventsPerSecond: 1 });
    expect(await get(second.id)).toMatchObject({ state: 'cancelled', eventsSubmitted: 0 });

    const audited = await queryRows<{ action: string; target_id: string }>(
      t.platform.db,
      sql`select action, target_id from audit_log where category = 'soc' order by seq`,
    );
    expect(audited.filter((a) => a.target_id === first.id).map((a) => a.action)).toEqual([
      'soc.import.start',
      'soc.import.cancel',
      'soc.import.finish',
    ]);
    expect(audited.filter((a) => a.target_id === second.id).map((a) => a.action)).toEqual([
      'soc.import.start',
      'soc.import.cancel',
    ]);
    expect(await cancel(first.id).then((r) => r.statusCode)).toBe(409);
  });
});
