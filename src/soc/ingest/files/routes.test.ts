import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../../test/helpers/app.ts';
import { systemCtx } from '../../../core/context.ts';
import { queryRows, sql } from '../../../core/db/index.ts';
import { buildProvince, type Province } from '../../../org/testing.ts';
import { fixture, utf16le } from './testing.ts';

const MAX_IMPORT = 64 * 1024;

interface View {
  id: string;
  input: string;
  state: string;
  format: string | null;
  requestedFormat: string;
  encoding: string | null;
  compressed: boolean | null;
  sizeBytes: number;
  bytesRead: number;
  percent: number;
  eventsSubmitted: number;
  problemLines: number;
  eventsPerSecond: number | null;
  etaSeconds: number | null;
  errorCode: string | null;
}

let t: TestApp;
let p: Province;
let analyst: LoggedIn;

beforeAll(async () => {
  t = await createTestApp({ 'soc.ingest.maxImportBytes': MAX_IMPORT, 'soc.ingest.maxEventBytes': 8192 });
  p = await buildProvince(t.services.org, systemCtx());
  analyst = await loginAs(t, { roles: ['business_admin'], unitId: p.communeA.id, scope: 'own' });
});
afterAll(() => t.close());

const importDir = () => join(t.platform.config.dataDir, 'soc-imports');

function upload(who: LoggedIn, body: Buffer | Readable, query: Record<string, string>, headers = {}) {
  return t.app.inject({
    method: 'POST',
    url: `/api/soc/imports?${new URLSearchParams(query)}`,
    headers: { ...who.headers, 'content-type': 'application/octet-stream', ...headers },
    payload: body,
  });
}

async function importFile(body: Buffer, query: Record<string, string>, headers = {}): Promise<View> {
  const before = t.services.soc.counters.storedEvents;
  const imported = () => t.services.soc.counters.inputs.get('file')?.events ?? 0;
  const importedBefore = imported();
  const res = await upload(analyst, body, query, headers);
  expect(res.statusCode, res.body).toBe(202);
  const queued = res.json() as View;
  await t.services.soc.fileImports.idle();
  await t.services.soc.ingestion.idle();
  const done = (
    await t.app.inject({ method: 'GET', url: `/api/soc/imports/${queued.id}`, headers: analyst.headers })
  ).json() as View;
  // What the job counts as submitted is what the SIEM's ingestion took in under the imports' input.
  expect(imported() - importedBefore).toBe(done.eventsSubmitted);
  expect(t.services.soc.counters.storedEvents - before).toBe(done.eventsSubmitted);
  return done;
}

describe('POST /api/soc/imports, each format end to end', () => {
  it.each([
    ['app.jsonl', 'jsonl', 4],
    ['suricata-eve.ndjson', 'suricata-eve', 5],
    ['zeek-conn.ndjson', 'zeek-json', 3],
    ['zeek-conn.tsv.log', 'zeek-tsv', 3],
    ['auth.log', 'auth-log', 9],
    ['nginx-access.log', 'nginx', 4],
    ['apache-access.log', 'apache', 4],
    ['winlogbeat.ndjson', 'winlogbeat', 3],
    ['get-winevent.utf8.txt', 'get-winevent', 3],
  ])('imports %s detected as %s', async (file, format, events) => {
    const body = fixture(file);
    const job = await importFile(body, { name: file, format: 'auto' });
    expect(job).toMatchObject({
      state: 'done',
      requestedFormat: 'auto',
      format,
      sizeBytes: body.length,
      bytesRead: body.length,
      percent: 100,
      eventsSubmitted: events,
      problemLines: 0,
      errorCode: null,
      etaSeconds: null,
    });
    expect(readdirSync(importDir())).toEqual([]);
  });

  it('tags every event of an import so the console link tags:"import:<id>" finds exactly them', async () => {
    const job = await importFile(fixture('auth.log'), { name: 'auth.log', format: 'auto' });
    await importFile(fixture('nginx-access.log'), { name: 'nginx-access.log', format: 'auto' });
    const all = await loginAs(t, { roles: ['business_admin'], scope: 'all' });
    // Forensic logs are old: the link searches the longest range a search takes.
    t.clock.advance(1000);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/soc/search',
      headers: all.headers,
      payload: { query: `tags:"import:${job.id}"`, last: '400d', size: 50 },
    });
    expect(res.statusCode, res.body).toBe(200);
    const found = res.json() as { total: { value: number }; hits: { input: string }[] };
    expect(found.total.value).toBe(9);
    expect(new Set(found.hits.map((h) => h.input))).toEqual(new Set([`file:${job.id}`]));
    // The events are the uploader's unit's: the analyst finds them in their own scope, a neighbour does not.
    const search = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/soc/search',
        headers,
        payload: { query: `tags:"import:${job.id}"`, last: '400d', size: 50 },
      });
    const own = (await search(analyst.headers)).json() as {
      total: { value: number };
      hits: { unitId: string }[];
    };
    expect(own.total.value).toBe(9);
    expect(new Set(own.hits.map((h) => h.unitId))).toEqual(new Set([p.communeA.id]));
    const neighbour = await loginAs(t, { roles: ['business_admin'], unitId: p.communeB.id, scope: 'own' });
    expect((await search(neighbour.headers)).json()).toMatchObject({ total: { value: 0 } });
  });

  it('imports Get-WinEvent output as PowerShell writes it: UTF-16 LE with a BOM', async () => {
    const job = await importFile(utf16le(fixture('get-winevent.utf8.txt').toString('utf8')), {
      name: 'security.json',
      format: 'get-winevent',
    });
    expect(job).toMatchObject({
      state: 'done',
      format: 'get-winevent',
      encoding: 'utf-16le',
      eventsSubmitted: 3,
    });
  });

  it('imports a gzip file, by the gzip flag or by its magic bytes, reporting compressed bytes read', async () => {
    const gz = gzipSync(fixture('auth.log'));
    const told = await importFile(gz, { name: 'auth.log.gz', format: 'auth-log', gzip: 'true' });
    expect(told).toMatchObject({ state: 'done', compressed: true, eventsSubmitted: 9, bytesRead: gz.length });
    const sniffed = await importFile(gz, { name: 'auth.log.1.gz', format: 'auto' });
    expect(sniffed).toMatchObject({
      state: 'done',
      format: 'auth-log',
      compressed: true,
      eventsSubmitted: 9,
    });
  });

  it('keeps a cut line and a garbage line, tagged, and counts them as problems', async () => {
    const body = Buffer.concat([
      Buffer.from(`{"event_type":"alert","pad":"${'x'.repeat(10_000)}"}\n`),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0x0a]),
      Buffer.from('{"event_type":"dns"}\n'),
    ]);
    const job = await importFile(body, { name: 'eve.json', format: 'suricata-eve' });
    expect(job).toMatchObject({ state: 'done', eventsSubmitted: 3, problemLines: 2 });
  });

  it('records a damaged gzip file as a failed job with its code, and removes the file', async () => {
    const gz = gzipSync(fixture('auth.log'));
    const job = await importFile(gz.subarray(0, gz.length - 30), { name: 'auth.log.gz', format: 'auth-log' });
    expect(job).toMatchObject({ state: 'failed', errorCode: 'SOC_IMPORT_GZIP_INVALID' });
    expect(readdirSync(importDir())).toEqual([]);
  });
});

describe('POST /api/soc/imports, refused uploads', () => {
  const jobCount = async () =>
    (await queryRows<{ n: number }>(t.platform.db, sql`select count(*)::int as n from soc_imports`))[0]?.n;

  it('refuses a body over soc.ingest.maxImportBytes with its code and leaves nothing behind', async () => {
    const before = await jobCount();
    const big = Buffer.alloc(MAX_IMPORT + 1, 0x61);
    const declared = await upload(analyst, big, { name: 'big.log' });
    expect(declared.statusCode).toBe(413);
    expect(declared.json()).toMatchObject({ code: 'SOC_IMPORT_TOO_LARGE' });
    // Without a declared length, the stream is counted and cut when it passes the limit.
    const streamed = await upload(analyst, Readable.from([big.subarray(0, 40_000), big.subarray(40_000)]), {
      name: 'big.log',
    });
    expect(streamed.statusCode).toBe(413);
    expect(streamed.json()).toMatchObject({ code: 'SOC_IMPORT_TOO_LARGE' });
    expect(readdirSync(importDir())).toEqual([]);
    expect(await jobCount()).toBe(before);
  });

  it('refuses an empty file and an unknown format', async () => {
    const empty = await upload(analyst, Buffer.alloc(0), { name: 'empty.log' });
    expect(empty.json()).toMatchObject({ code: 'SOC_IMPORT_EMPTY' });
    const unknown = await upload(analyst, fixture('auth.log'), { name: 'a.log', format: 'evtx' });
    expect(unknown.statusCode).toBe(400);
    expect(readdirSync(importDir())).toEqual([]);
  });
});

describe('import jobs: audit, permission and unit scope', () => {
  it('audits the start and the end of an import under the uploader', async () => {
    const job = await importFile(fixture('nginx-access.log'), { name: 'access.log' });
    const rows = await queryRows<{ action: string; actor_id: string; unit_id: string; details: unknown }>(
      t.platform.db,
      sql`select action, actor_id, unit_id, details from audit_log
          where category = 'soc' and target_id = ${job.id} order by seq`,
    );
    expect(rows.map((r) => r.action)).toEqual(['soc.import.start', 'soc.import.finish']);
    expect(rows.every((r) => r.actor_id === analyst.accountId && r.unit_id === p.communeA.id)).toBe(true);
    expect(rows[1]?.details).toMatchObject({ state: 'done', eventsSubmitted: 4, format: 'nginx' });
  });

  it('needs soc.events.read', async () => {
    const plain = await loginAs(t, { roles: ['user'], unitId: p.communeA.id });
    expect((await upload(plain, fixture('auth.log'), { name: 'a.log' })).statusCode).toBe(403);
    const list = await t.app.inject({ method: 'GET', url: '/api/soc/imports', headers: plain.headers });
    expect(list.statusCode).toBe(403);
  });

  it('shows a job to its uploader and to those whose scope covers its unit, to nobody else', async () => {
    const job = await importFile(fixture('auth.log'), { name: 'scoped.log' });
    const neighbour = await loginAs(t, { roles: ['business_admin'], unitId: p.communeB.id, scope: 'own' });
    const district = await loginAs(t, { roles: ['business_admin'], unitId: p.district.id, scope: 'subtree' });
    const ids = async (who: LoggedIn) =>
      (
        (
          await t.app.inject({ method: 'GET', url: '/api/soc/imports?limit=200', headers: who.headers })
        ).json() as {
          items: View[];
        }
      ).items.map((i) => i.id);
    expect(await ids(analyst)).toContain(job.id);
    expect(await ids(district)).toContain(job.id);
    expect(await ids(neighbour)).not.toContain(job.id);
    const get = await t.app.inject({
      method: 'GET',
      url: `/api/soc/imports/${job.id}`,
      headers: neighbour.headers,
    });
    expect(get.statusCode).toBe(404);
    expect(get.json()).toMatchObject({ code: 'SOC_IMPORT_NOT_FOUND' });
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/api/soc/imports/${job.id}/cancel`,
      headers: neighbour.headers,
    });
    expect(cancel.json()).toMatchObject({ code: 'SOC_IMPORT_NOT_FOUND' });
    // The uploader may not cancel what has ended either.
    const ended = await t.app.inject({
      method: 'POST',
      url: `/api/soc/imports/${job.id}/cancel`,
      headers: analyst.headers,
    });
    expect(ended.statusCode).toBe(409);
    expect(ended.json()).toMatchObject({ code: 'SOC_IMPORT_FINISHED' });
  });
});

describe('POST /api/soc/imports over a real connection', () => {
  /** Sends `chunks` chunked (no declared length), slowly enough for the server to answer mid-body. */
  function post(query: string, chunks: Buffer[], headers: Record<string, string> = {}) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const address = t.app.server.address() as AddressInfo;
      const req = request(
        {
          host: '127.0.0.1',
          port: address.port,
          method: 'POST',
          path: `/api/soc/imports?${query}`,
          headers: { ...analyst.headers, 'content-type': 'application/octet-stream', ...headers },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      // The server may close the connection before the whole body is sent: that is the point.
      req.on('error', (err) =>
        err.message.includes('EPIPE') || err.message.includes('ECONNRESET') ? undefined : reject(err),
      );
      const next = (i: number): void => {
        if (i === chunks.length) req.end();
        else if (!req.destroyed) req.write(chunks[i], () => setTimeout(() => next(i + 1), 5));
      };
      next(0);
    });
  }

  beforeAll(async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
  });

  it('streams a chunked upload to disk and imports it', async () => {
    const body = fixture('suricata-eve.ndjson');
    const res = await post('name=eve.json', [body.subarray(0, 1000), body.subarray(1000)]);
    expect(res.status, res.body).toBe(202);
    const job = JSON.parse(res.body) as View;
    await t.services.soc.fileImports.idle();
    const done = (
      await t.app.inject({ method: 'GET', url: `/api/soc/imports/${job.id}`, headers: analyst.headers })
    ).json() as View;
    expect(done).toMatchObject({ state: 'done', format: 'suricata-eve', eventsSubmitted: 5 });
  });

  it('answers 413 while the client is still sending an oversized body, and keeps no file', async () => {
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    const res = await post(
      'name=big.log',
      Array.from({ length: 12 }, () => chunk),
    );
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'SOC_IMPORT_TOO_LARGE' });
    expect(readdirSync(importDir())).toEqual([]);
  });
});
