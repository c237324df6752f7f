/**
 * The SIEM end to end in one process: an sshd line sent by util-linux `logger` over syslog TCP and a Winlogbeat
 * event posted to the Elasticsearch-compatible `_bulk` endpoint are parsed by the shipped pipelines, tied to an
 * inventoried source, committed to the day partitions and found through the search API by ECS fields; an
 * operator pipeline that drops events keeps them out of the store and counts them; one whose pattern
 * backtracks is stopped at the time limit, the event kept raw and counted on the health screen.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/soc/ingest/testing.ts';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../helpers/app.ts';
import { createPipeline, postEvent } from '../helpers/soc.ts';

const run = promisify(execFile);
let t: TestApp;
let analyst: LoggedIn;
let admin: LoggedIn;

beforeAll(async () => {
  t = await createTestApp({ 'soc.syslog.udpPort': 0, 'soc.syslog.tcpPort': 0, 'soc.syslog.tlsPort': 0 });
  await t.services.soc.start();
  analyst = await loginAs(t, { roles: ['business_admin'], scope: 'all' });
  admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

async function search(query: string) {
  await t.services.soc.ingestion.idle();
  // The test app's clock stands still, and a range ends before its `to`: move past the events just sent.
  t.clock.advance(1000);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/soc/search',
    headers: analyst.headers,
    payload: { query, last: '24h' },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { hits: { doc: Record<string, unknown> }[]; total: { value: number } };
}

describe('the SIEM from shipper to search', () => {
  it.skipIf(!existsSync('/usr/bin/logger'))(
    'stores an sshd failure sent by logger over syslog TCP as ECS and finds it by user and source IP',
    async () => {
      const address = t.services.soc.inputs.address('syslog-tcp');
      expect(address).not.toBeNull();
      const line = 'Failed password for invalid user quantri from 203.113.7.9 port 52144 ssh2';
      await run('/usr/bin/logger', [
        '--tcp',
        '-n',
        '127.0.0.1',
        '-P',
        String(address?.port),
        '--rfc3164',
        '-t',
        'sshd[4242]',
        '-p',
        'auth.info',
        line,
      ]);
      let found: Awaited<ReturnType<typeof search>> | undefined;
      for (let i = 0; i < 50; i++) {
        found = await search('user.name:quantri AND source.ip:203.113.0.0/16');
        if (found.total.value > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(found?.total.value).toBe(1);
      expect(found?.hits[0]?.doc).toMatchObject({
        event: { outcome: 'failure', category: expect.arrayContaining(['authentication']) },
        source: { ip: '203.113.7.9', port: 52144 },
        process: { name: 'sshd' },
      });
      const sources = await t.app.inject({
        method: 'GET',
        url: '/api/soc/sources',
        headers: analyst.headers,
      });
      expect(sources.statusCode, sources.body).toBe(200);
      expect(JSON.stringify(sources.json())).toContain('syslog');
    },
  );

  it('stores a Winlogbeat 4625 posted to _bulk and finds it by event code and host', async () => {
    const token = await issueToken(t.services.soc);
    const doc = {
      '@timestamp': t.platform.now().toISOString(),
      agent: { type: 'winlogbeat', version: '8.17.0' },
      host: { name: 'may-tram-ubnd-01' },
      event: { code: '4625', provider: 'Microsoft-Windows-Security-Auditing', module: 'security' },
      winlog: {
        channel: 'Security',
        event_id: '4625',
        provider_name: 'Microsoft-Windows-Security-Auditing',
        computer_name: 'may-tram-ubnd-01',
        event_data: {
          TargetUserName: 'ketoan',
          IpAddress: '10.20.30.40',
          LogonType: '3',
          Status: '0xc000006d',
        },
      },
      message: 'An account failed to log on.',
    };
    const body = `${JSON.stringify({ create: { _index: 'winlogbeat-8.17.0' } })}\n${JSON.stringify(doc)}\n`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/soc/ingest/es/_bulk',
      headers: { authorization: token.bearer, 'content-type': 'application/x-ndjson' },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().errors).toBe(false);
    const found = await search('host.name:may-tram-ubnd-01 AND user.name:ketoan');
    expect(found.total.value).toBe(1);
    expect(found.hits[0]?.doc).toMatchObject({
      event: { outcome: 'failure' },
      source: { ip: '10.20.30.40' },
    });
  });

  it('keeps out of the store what an operator pipeline drops, and counts it for the input', async () => {
    const yaml = [
      'id: bo-qua-kiem-thu',
      'name: Bỏ sự kiện kiểm thử',
      'description: Bỏ các sự kiện kiểm thử của máy giám sát',
      'match:',
      '  field: labels.kiem_thu',
      '  exists: true',
      'processors:',
      '  - drop: {}',
    ].join('\n');
    await createPipeline(t, admin, yaml);
    const token = await issueToken(t.services.soc, 'Mã bỏ qua');
    const post = (doc: object) => postEvent(t, token.bearer, doc);
    expect((await post({ message: 'giám sát định kỳ', labels: { kiem_thu: 'co' } })).statusCode).toBe(202);
    expect((await post({ message: 'sự kiện thật cần giữ' })).statusCode).toBe(202);
    expect((await search('"giám sát định kỳ"')).total.value).toBe(0);
    expect((await search('"sự kiện thật cần giữ"')).total.value).toBe(1);
    expect(t.services.soc.counters.inputs.get('http')?.dropReasons.pipeline_drop).toBe(1);
  });

  it('stops an operator pattern that backtracks on an event, stores the event raw, and counts it per pipeline', async () => {
    const yaml = [
      'id: phan-tich-cham',
      'name: Luồng có mẫu quay lui',
      'match: { field: labels.ung_dung, equals: cham }',
      'processors:',
      "  - grok: { field: message, patterns: ['^(?:\\w+\\s?)*$'] }",
    ].join('\n');
    await createPipeline(t, admin, yaml);
    const token = await issueToken(t.services.soc, 'Mã quay lui');
    const started = Date.now();
    const post = await postEvent(t, token.bearer, {
      message: `${'quaylui'.repeat(6)}!`,
      labels: { ung_dung: 'cham' },
    });
    expect(post.statusCode).toBe(202);
    const found = await search('tags:_pipeline_timeout AND labels.ung_dung:cham');
    // 2^42 ways to split the line: without the limit the node would still be at it.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(found.total.value).toBe(1);
    expect(found.hits[0]?.doc).toMatchObject({
      message: `${'quaylui'.repeat(6)}!`,
      event: { original: expect.stringContaining(`${'quaylui'.repeat(6)}!`) },
      error: { message: expect.stringMatching(/^\[phan-tich-cham\] stopped after 250 ms/) },
    });
    const health = await t.app.inject({ method: 'GET', url: '/api/soc/health', headers: admin.headers });
    expect(health.json().totals.pipelineTimeouts).toEqual([{ pipeline: 'phan-tich-cham', events: 1 }]);
    const metrics = await t.app.inject({ method: 'GET', url: '/api/soc/metrics', headers: admin.headers });
    expect(metrics.body).toContain('tinhso_soc_pipeline_timeouts_total{pipeline="phan-tich-cham"} 1');
  });
});
