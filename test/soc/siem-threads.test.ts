/**
 * The SIEM with a processing thread (PostgreSQL): events posted to the HTTP input are parsed, enriched and
 * committed by the thread, not by the thread that received them; the health figures count them; an operator
 * pipeline created through the API applies in the thread at once (the bus reaches it), and what it drops or
 * stops at the time limit is counted on the main thread's health screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, recordRawEvents } from '../../src/soc/ingest/testing.ts';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../helpers/app.ts';
import { testDatabaseUrl } from '../helpers/db.ts';
import { createPipeline, postEvent } from '../helpers/soc.ts';

describe.skipIf(!testDatabaseUrl)('the SIEM with a processing thread', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let token: Awaited<ReturnType<typeof issueToken>>;

  beforeAll(async () => {
    t = await createTestApp({ 'soc.processing.threads': 1, 'database.url': testDatabaseUrl });
    await t.services.soc.start();
    admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
    token = await issueToken(t.services.soc, 'Mã luồng xử lý');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const post = (doc: object) => postEvent(t, token.bearer, doc);

  async function stored(marker: string) {
    await t.services.soc.ingestion.idle();
    return t.platform.database.rawTransaction((tx) =>
      tx.query<{ doc: Record<string, unknown>; source_id: string | null; tags: string[] | null }>(
        'select doc, source_id, tags from soc_events where message like $1',
        [`%${marker}%`],
      ),
    );
  }

  it('processes posted events in the thread and counts them on the health screen', async () => {
    const onMainThread = recordRawEvents(t.services.soc);
    const before = t.services.soc.counters.storedEvents;
    for (let i = 0; i < 3; i++) {
      const res = await post({ message: `đăng nhập thất bại luồng-${i}`, host: { name: 'may-chu-01' } });
      expect(res.statusCode, res.body).toBe(202);
    }
    const rows = await stored('luồng-');
    expect(rows).toHaveLength(3);
    // Tied to an inventoried source by the thread's enricher.
    expect(rows.every((r) => r.source_id !== null)).toBe(true);
    expect(onMainThread).toEqual([]);
    expect(t.services.soc.counters.storedEvents - before).toBe(3);
    const health = await t.app.inject({ method: 'GET', url: '/api/soc/health', headers: admin.headers });
    expect(health.statusCode, health.body).toBe(200);
    expect(health.json().totals).toMatchObject({ parsed: expect.any(Number), stored: expect.any(Number) });
    expect(health.json().totals.stored).toBeGreaterThanOrEqual(3);
    expect(health.json().processing).toEqual({
      mode: 'threads',
      threads: { configured: 1, running: 1, lastError: null, lastErrorAt: null },
    });
    const metrics = await t.app.inject({ method: 'GET', url: '/api/soc/metrics', headers: admin.headers });
    expect(metrics.body).toContain('tinhso_soc_processing_threads{state="running"} 1');
  });

  it('applies an operator pipeline created through the API in the thread, and counts what it drops and stops', async () => {
    const yaml = [
      'id: luong-kiem-thu',
      'name: Luồng kiểm thử trong luồng xử lý',
      'match: { field: labels.ung_dung, equals: kiemthu }',
      'processors:',
      '  - set: { field: labels.da_qua, value: luong }',
      '  - drop: { if: { field: labels.bo, exists: true } }',
      "  - grok: { field: message, patterns: ['^(?:\\w+\\s?)*$'] }",
    ].join('\n');
    await createPipeline(t, admin, yaml);
    // The thread hears of the change on the bus (PostgreSQL NOTIFY), a moment after the API answered.
    let rows: Awaited<ReturnType<typeof stored>> = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      await post({ message: `ghi nhan ${i} qua luong`, labels: { ung_dung: 'kiemthu' } });
      rows = (await stored('qua luong')).filter((r) => (r.doc.labels as Record<string, unknown>)?.da_qua);
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows.length).toBeGreaterThan(0);
    expect(await post({ message: 'bo di', labels: { ung_dung: 'kiemthu', bo: 'co' } })).toMatchObject({
      statusCode: 202,
    });
    expect(await post({ message: `${'quaylui'.repeat(6)}!`, labels: { ung_dung: 'kiemthu' } })).toMatchObject(
      {
        statusCode: 202,
      },
    );
    const timedOut = await stored('quaylui');
    expect(timedOut[0]?.tags).toContain('_pipeline_timeout');
    expect(t.services.soc.counters.inputs.get('http')?.dropReasons.pipeline_drop).toBe(1);
    const health = await t.app.inject({ method: 'GET', url: '/api/soc/health', headers: admin.headers });
    expect(health.json().totals.pipelineTimeouts).toEqual([{ pipeline: 'luong-kiem-thu', events: 1 }]);
  }, 60_000);
});
