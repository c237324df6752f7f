import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { systemCtx } from '../../core/context.ts';
import { queryRows, sql } from '../../core/db/index.ts';
import { buildProvince, type Province } from '../../org/testing.ts';
import type { HistogramResultT, HitT, SavedSearchViewT, SearchResultT, TermsResultT } from './schema.ts';
import { insertEvents } from './testing.ts';

let t: TestApp;
let p: Province;
let admin: LoggedIn;
let financeReader: LoggedIn;
let districtReader: LoggedIn;
let plainUser: LoggedIn;
const now = new Date();
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
let financeIds: string[] = [];
let districtIds: string[] = [];
let orphanIds: string[] = [];
let districtEvent: { ts: string; id: string };

beforeAll(async () => {
  t = await createTestApp();
  p = await buildProvince(t.services.org, systemCtx());
  admin = await loginAs(t, { roles: ['tech_admin'], unitId: p.root.id, scope: 'all' });
  financeReader = await loginAs(t, { roles: ['business_admin'], unitId: p.finance.id, scope: 'own' });
  districtReader = await loginAs(t, { roles: ['business_admin'], unitId: p.district.id, scope: 'subtree' });
  plainUser = await loginAs(t, { roles: ['user'], unitId: p.finance.id, scope: 'own' });
  const finance = await insertEvents(
    t.platform.db,
    Array.from({ length: 30 }, (_, i) => ({
      ts: minutesAgo(1 + i * 3),
      unitId: p.finance.id,
      doc: {
        event: {
          dataset: i % 3 === 0 ? 'nginx.access' : 'linux.auth',
          outcome: i % 2 ? 'failure' : 'success',
        },
        host: { name: `web-${String(i % 4).padStart(2, '0')}` },
        user: { name: i % 5 === 0 ? 'root' : `u${i % 3}` },
        source: { ip: `10.0.${i % 2}.${i + 1}` },
        message: i === 7 ? '=HYPERLINK("http://evil")' : `Đăng nhập thất bại lần ${i}`,
        labels: { env: 'prod' },
      },
    })),
  );
  financeIds = finance.map((a) => a.id);
  const district = await insertEvents(
    t.platform.db,
    Array.from({ length: 5 }, (_, i) => ({
      ts: minutesAgo(2 + i * 7),
      unitId: p.communeA.id,
      doc: {
        event: { dataset: 'linux.auth' },
        host: { name: 'commune-srv' },
        user: { name: 'root' },
        message: 'secret district event',
      },
    })),
  );
  districtIds = district.map((a) => a.id);
  districtEvent = district[0]!;
  const orphans = await insertEvents(
    t.platform.db,
    Array.from({ length: 3 }, (_, i) => ({
      ts: minutesAgo(5 + i),
      doc: { message: 'no unit yet', user: { name: 'root' } },
    })),
  );
  orphanIds = orphans.map((a) => a.id);
});
afterAll(() => t.close());

function call(who: LoggedIn, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) {
  return t.app.inject(
    payload === undefined
      ? { method, url, headers: who.headers }
      : { method, url, headers: who.headers, payload },
  );
}

async function search(who: LoggedIn, body: object): Promise<SearchResultT> {
  const res = await call(who, 'POST', '/api/soc/search', body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as SearchResultT;
}

describe('POST /api/soc/search', () => {
  it('answers hits newest first with the column fields and doc, an exact total, and the time taken', async () => {
    const r = await search(financeReader, { query: 'user.name:root', last: '24h', size: 3 });
    expect(r.total).toEqual({ value: 6, relation: 'eq' });
    expect(r.hits).toHaveLength(3);
    const times = r.hits.map((h) => h.ts);
    expect([...times].sort().reverse()).toEqual(times);
    expect(r.hits[0]).toMatchObject({
      userName: 'root',
      unitId: p.finance.id,
      doc: { user: { name: 'root' } },
    });
    expect(r.took).toBeGreaterThanOrEqual(0);
    expect(r.nextCursor).toEqual(expect.any(String));
  });

  it('pages with the cursor through every match exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r: SearchResultT = await search(financeReader, {
        query: '',
        last: '24h',
        size: 7,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...r.hits.map((h) => h.id));
      expect(r.total).toEqual({ value: 30, relation: 'eq' });
      if (!r.nextCursor) break;
      cursor = r.nextCursor;
    }
    expect(seen.sort()).toEqual([...financeIds].sort());
  });

  it('requires a time range, and reports syntax errors with their position', async () => {
    const noRange = await call(financeReader, 'POST', '/api/soc/search', { query: 'a' });
    expect(noRange.statusCode).toBe(400);
    expect(noRange.json()).toMatchObject({ code: 'SOC_TIME_RANGE_INVALID' });
    const bad = await call(financeReader, 'POST', '/api/soc/search', {
      query: 'user.name:(root',
      last: '1h',
    });
    expect(bad.statusCode).toBe(400);
    const problem = bad.json() as {
      code: string;
      title: string;
      errors: { field: string; message: string }[];
    };
    expect(problem.code).toBe('SOC_QUERY_SYNTAX');
    expect(problem.title).toContain('15');
    expect(problem.errors[0]).toEqual({ field: 'body.query', message: "position 15: expected ')'" });
    const cursor = await call(financeReader, 'POST', '/api/soc/search', { last: '1h', cursor: 'bm9wZQ' });
    expect(cursor.json()).toMatchObject({ code: 'SOC_CURSOR_INVALID' });
  });

  it('is refused without soc.events.read', async () => {
    const res = await call(plainUser, 'POST', '/api/soc/search', { query: '', last: '1h' });
    expect(res.statusCode).toBe(403);
  });
});

describe('aggregations', () => {
  it('histogram: automatic interval, every bucket present, counts add up', async () => {
    const res = await call(financeReader, 'POST', '/api/soc/search/histogram', { query: '', last: '24h' });
    expect(res.statusCode, res.body).toBe(200);
    const h = res.json() as HistogramResultT;
    expect(h.interval).toBe('15m');
    expect(h.buckets.length).toBeGreaterThanOrEqual(96);
    expect(h.buckets.length).toBeLessThanOrEqual(97);
    expect(h.buckets.reduce((s, b) => s + b.count, 0)).toBe(30);
    // Buckets start on quarter hours of Vietnam time.
    for (const b of h.buckets) expect(new Date(b.at).getTime() % 900_000).toBe(0);
  });

  it('histogram split by a field: top series and other', async () => {
    const res = await call(financeReader, 'POST', '/api/soc/search/histogram', {
      query: '',
      last: '2h',
      field: 'host.name',
      series: 2,
    });
    expect(res.statusCode, res.body).toBe(200);
    const h = res.json() as HistogramResultT;
    expect(h.interval).toBe('5m');
    // web-00 and web-01 have 8 events each, web-02 and web-03 7: the tie of the top two goes by name.
    expect(h.series).toEqual(['web-00', 'web-01']);
    const totals = h.buckets.reduce(
      (acc, b) => ({
        series: acc.series + (b.counts ?? []).reduce((s, c) => s + c, 0),
        other: acc.other + (b.other ?? 0),
      }),
      { series: 0, other: 0 },
    );
    expect(totals).toEqual({ series: 16, other: 14 });
  });

  it('terms: top values with the count of the others', async () => {
    const res = await call(financeReader, 'POST', '/api/soc/search/terms', {
      query: '',
      last: '24h',
      field: 'host.name',
      size: 2,
    });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as TermsResultT;
    expect(r.buckets).toEqual([
      { value: 'web-00', count: 8 },
      { value: 'web-01', count: 8 },
    ]);
    expect(r.other).toBe(14);
    expect(r.total).toBe(30);
    const ips = (
      await call(financeReader, 'POST', '/api/soc/search/terms', { last: '24h', field: 'labels.env' })
    ).json() as TermsResultT;
    expect(ips.buckets).toEqual([{ value: 'prod', count: 30 }]);
    const message = await call(financeReader, 'POST', '/api/soc/search/terms', {
      last: '24h',
      field: 'message',
    });
    expect(message.json()).toMatchObject({ code: 'SOC_FIELD_NOT_AGGREGATABLE' });
  });

  it('field sidebar: fields of the sample with their top values', async () => {
    const res = await call(
      financeReader,
      'GET',
      '/api/soc/search/fields?last=24h&query=event.dataset%3Anginx.access',
    );
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as {
      sampled: number;
      fields: { field: string; count: number; column: boolean; topValues: { value: string }[] }[];
    };
    expect(r.sampled).toBe(10);
    const dataset = r.fields.find((f) => f.field === 'event.dataset');
    expect(dataset).toMatchObject({
      count: 10,
      column: true,
      topValues: [{ value: 'nginx.access', count: 10 }],
    });
    expect(r.fields.find((f) => f.field === 'labels.env')).toMatchObject({ column: false, count: 10 });
  });
});

describe('row scope: a unit sees only its own events, by every route', () => {
  const routes = async (who: LoggedIn) => {
    const hits = (await search(who, { query: '', last: '24h', size: 500 })).hits.map((h) => h.id);
    const terms = (
      (
        await call(who, 'POST', '/api/soc/search/terms', { last: '24h', field: 'user.name', size: 100 })
      ).json() as TermsResultT
    ).total;
    const histogram = (
      (await call(who, 'POST', '/api/soc/search/histogram', { last: '24h' })).json() as HistogramResultT
    ).buckets.reduce((s, b) => s + b.count, 0);
    const fields = (await call(who, 'GET', '/api/soc/search/fields?last=24h&query=secret')).json() as {
      sampled: number;
    };
    const detail = await call(
      who,
      'GET',
      `/api/soc/events/${districtEvent.id}?ts=${encodeURIComponent(districtEvent.ts)}`,
    );
    const exported = await call(who, 'POST', '/api/soc/search/export', { last: '24h', format: 'ndjson' });
    return {
      hits,
      terms,
      histogram,
      fields: fields.sampled,
      detail: detail.statusCode,
      exported: exported.body,
    };
  };

  it('the finance reader never sees district or unit-less events', async () => {
    const r = await routes(financeReader);
    expect(r.hits.sort()).toEqual([...financeIds].sort());
    expect(r.terms).toBe(30);
    expect(r.histogram).toBe(30);
    expect(r.fields).toBe(0);
    expect(r.detail).toBe(404);
    expect(r.exported).not.toContain('secret district event');
    expect(r.exported).not.toContain('no unit yet');
    expect(r.exported.trim().split('\n')).toHaveLength(30);
  });

  it('the district reader sees its subtree (the commune), not finance', async () => {
    const r = await routes(districtReader);
    expect(r.hits.sort()).toEqual([...districtIds].sort());
    expect(r.fields).toBe(5);
    expect(r.detail).toBe(200);
  });

  it("scope 'all' also sees events without a unit", async () => {
    const r = await routes(admin);
    expect(r.hits.sort()).toEqual([...financeIds, ...districtIds, ...orphanIds].sort());
    expect(r.terms).toBe(38);
  });

  it('event detail answers one event by (id, ts), with its document', async () => {
    const res = await call(
      districtReader,
      'GET',
      `/api/soc/events/${districtEvent.id}?ts=${encodeURIComponent(districtEvent.ts)}`,
    );
    const hit = res.json() as HitT;
    expect(hit).toMatchObject({
      id: districtEvent.id,
      hostName: 'commune-srv',
      doc: { message: 'secret district event' },
    });
    const badTs = await call(districtReader, 'GET', `/api/soc/events/${districtEvent.id}?ts=yesterday`);
    expect(badTs.statusCode).toBe(404);
  });
});

describe('POST /api/soc/search/export', () => {
  it('streams CSV with the chosen columns through core/files (BOM, quoting, formula guard)', async () => {
    const res = await call(financeReader, 'POST', '/api/soc/search/export', {
      query: '',
      last: '24h',
      format: 'csv',
      columns: ['@timestamp', 'host.name', 'user.name', 'labels.env', 'message'],
      limit: 12,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('.csv');
    const lines = res.body.split('\r\n').filter((l) => l.length > 0);
    expect(lines[0]).toBe('\uFEFFtimestamp,host.name,user.name,labels.env,message');
    expect(lines).toHaveLength(13);
    expect(res.body.match(/\uFEFF/g)).toHaveLength(1);
    expect(lines[1]).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z,web-00,root,prod,Đăng nhập thất bại lần 0$/);
    const formula = lines.find((l) => l.includes('HYPERLINK'));
    expect(formula).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });

  it('streams NDJSON of whole events, capped by the limit, and audits the export', async () => {
    const res = await call(financeReader, 'POST', '/api/soc/search/export', {
      last: '24h',
      format: 'ndjson',
      limit: 5,
    });
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; doc: { host: { name: string } } });
    expect(lines).toHaveLength(5);
    expect(lines[0]!.doc.host.name).toBe('web-00');
    const audits = await queryRows<{ n: number }>(
      t.platform.db,
      sql`select count(*)::int as n from audit_log where action = 'soc.events.export'`,
    );
    expect(audits[0]!.n).toBeGreaterThanOrEqual(1);
  });
});

describe('saved searches', () => {
  const body = (over: object = {}) => ({
    name: 'Đăng nhập root thất bại',
    query: 'user.name:root AND event.outcome:failure',
    timeRange: { last: '24h' },
    columns: ['host.name', 'source.ip'],
    shared: false,
    ...over,
  });

  it('owner creates, lists, changes and deletes; each change is audited as configuration', async () => {
    const created = await call(financeReader, 'POST', '/api/soc/saved-searches', body());
    expect(created.statusCode, created.body).toBe(201);
    const s = created.json() as SavedSearchViewT;
    expect(s).toMatchObject({ own: true, shared: false, name: 'Đăng nhập root thất bại' });
    const dup = await call(financeReader, 'POST', '/api/soc/saved-searches', body());
    expect(dup.statusCode).toBe(409);
    const list = (await call(financeReader, 'GET', '/api/soc/saved-searches')).json() as {
      items: SavedSearchViewT[];
    };
    expect(list.items.map((i) => i.id)).toContain(s.id);
    const updated = await call(
      financeReader,
      'PUT',
      `/api/soc/saved-searches/${s.id}`,
      body({ name: 'Root', shared: true }),
    );
    expect(updated.json()).toMatchObject({ name: 'Root', shared: true });
    const deleted = await call(financeReader, 'DELETE', `/api/soc/saved-searches/${s.id}`);
    expect(deleted.statusCode).toBe(204);
    expect((await call(financeReader, 'GET', `/api/soc/saved-searches/${s.id}`)).statusCode).toBe(404);
    const audits = await queryRows<{ action: string; category: string }>(
      t.platform.db,
      sql`select action, category from audit_log where target_id = ${s.id} order by seq`,
    );
    expect(audits).toEqual([
      { action: 'soc.savedSearch.create', category: 'config' },
      { action: 'soc.savedSearch.update', category: 'config' },
      { action: 'soc.savedSearch.delete', category: 'config' },
    ]);
  });

  it('others see only shared ones, and cannot change or delete them', async () => {
    const priv = (
      await call(financeReader, 'POST', '/api/soc/saved-searches', body({ name: 'private' }))
    ).json() as SavedSearchViewT;
    const shared = (
      await call(financeReader, 'POST', '/api/soc/saved-searches', body({ name: 'shared', shared: true }))
    ).json() as SavedSearchViewT;
    const theirs = (await call(districtReader, 'GET', '/api/soc/saved-searches')).json() as {
      items: SavedSearchViewT[];
    };
    expect(theirs.items.map((i) => i.id)).toContain(shared.id);
    expect(theirs.items.map((i) => i.id)).not.toContain(priv.id);
    expect(theirs.items.find((i) => i.id === shared.id)).toMatchObject({ own: false });
    expect((await call(districtReader, 'GET', `/api/soc/saved-searches/${priv.id}`)).statusCode).toBe(404);
    expect(
      (await call(districtReader, 'PUT', `/api/soc/saved-searches/${shared.id}`, body({ name: 'x' })))
        .statusCode,
    ).toBe(403);
    expect((await call(districtReader, 'DELETE', `/api/soc/saved-searches/${shared.id}`)).statusCode).toBe(
      403,
    );
    expect((await call(districtReader, 'DELETE', `/api/soc/saved-searches/${priv.id}`)).statusCode).toBe(404);
    expect((await call(plainUser, 'GET', '/api/soc/saved-searches')).statusCode).toBe(403);
  });

  it('refuses a query that does not parse or a range that does not resolve', async () => {
    const bad = await call(
      financeReader,
      'POST',
      '/api/soc/saved-searches',
      body({ name: 'bad', query: 'a:(' }),
    );
    expect(bad.json()).toMatchObject({ code: 'SOC_QUERY_SYNTAX' });
    const noRange = await call(
      financeReader,
      'POST',
      '/api/soc/saved-searches',
      body({ name: 'bad', timeRange: {} }),
    );
    expect(noRange.json()).toMatchObject({ code: 'SOC_TIME_RANGE_INVALID' });
  });
});
