/**
 * The Elasticsearch-compatible endpoint replayed with the exact requests of each shipper (fixtures/): the
 * handshake calls answer like Elasticsearch 8.17 (with `X-Elastic-Product`), and each `_bulk` item is
 * answered 201 only once durable, reaching the processor with its document and pipeline hint. One shipper
 * is replayed over a real socket with undici.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { systemCtx } from '../../../core/context.ts';
import { buildProvince } from '../../../org/testing.ts';
import type { RawEvent } from '../../contracts.ts';
import { issueToken, recordRawEvents } from '../testing.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const BASE = '/api/soc/ingest/es';

interface Fixture {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

let t: TestApp;
let token: Awaited<ReturnType<typeof issueToken>>;
let seen: RawEvent[];

beforeAll(async () => {
  t = await createTestApp();
  token = await issueToken(t.services.soc, 'Bộ gửi nhật ký');
  seen = recordRawEvents(t.services.soc);
});
beforeEach(() => {
  seen.length = 0;
});
afterAll(async () => {
  await t.close();
});

/** A fixture's request with the test token in its header, the body compressed as its headers say. */
function load(name: string) {
  const fixture = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(fixture.headers)) {
    headers[k] = v.replace('{{apiKey}}', token.apiKeyBase64).replace('{{basic}}', token.basic);
  }
  const ndjson = readFileSync(join(FIXTURES, fixture.body));
  const payload = headers['content-encoding'] === 'gzip' ? gzipSync(ndjson) : ndjson;
  const sources = ndjson
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim())
    .filter((_l, i) => i % 2 === 1)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { fixture, headers, payload, sources };
}

const expected: [string, string | undefined][] = [
  ['filebeat-8-system-auth', 'linux-auth'],
  ['winlogbeat-8-security-sysmon', 'windows'],
  ['fluent-bit-es', undefined],
  ['vector-es', 'nginx'],
  ['logstash-8-suricata', 'suricata'],
];

describe('the handshake calls shippers make before _bulk', () => {
  const handshakes = JSON.parse(readFileSync(join(FIXTURES, 'handshakes.json'), 'utf8')) as Record<
    string,
    { method: 'GET' | 'HEAD' | 'PUT'; url: string; body?: unknown }[]
  >;

  it('answers GET / like Elasticsearch 8.17 with the product header clients check', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `${BASE}/`,
      headers: { authorization: token.bearer },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-elastic-product']).toBe('Elasticsearch');
    expect(res.json()).toMatchObject({
      cluster_name: 'tinhso-soc',
      version: { number: '8.17.0', build_flavor: 'default' },
      tagline: 'You Know, for Search',
    });
    expect(typeof res.json().cluster_uuid).toBe('string');
    const head = await t.app.inject({
      method: 'HEAD',
      url: `${BASE}/`,
      headers: { authorization: token.bearer },
    });
    expect(head.statusCode).toBe(200);
  });

  for (const [shipper, calls] of Object.entries(handshakes)) {
    it(`answers every call ${shipper} makes with 2xx`, async () => {
      for (const call of calls) {
        const res = await t.app.inject({
          method: call.method,
          url: `${BASE}${call.url}`,
          headers: { authorization: `ApiKey ${token.apiKeyBase64}`, 'content-type': 'application/json' },
          ...(call.body ? { payload: JSON.stringify(call.body) } : {}),
        });
        expect(res.statusCode, `${call.method} ${call.url}: ${res.body}`).toBe(200);
        expect(res.headers['x-elastic-product']).toBe('Elasticsearch');
      }
    });
  }

  it('reports the licence active and ILM available (Beats and Logstash check before using ILM)', async () => {
    const headers = { authorization: token.bearer };
    const license = await t.app.inject({ method: 'GET', url: `${BASE}/_license`, headers });
    expect(license.json().license).toMatchObject({ status: 'active', type: 'basic' });
    const xpack = await t.app.inject({ method: 'GET', url: `${BASE}/_xpack`, headers });
    expect(xpack.json().features.ilm).toEqual({ available: true, enabled: true });
    const tpl = await t.app.inject({
      method: 'GET',
      url: `${BASE}/_index_template/filebeat-8.17.0`,
      headers,
    });
    expect(tpl.json().index_templates[0].name).toBe('filebeat-8.17.0');
  });

  it('refuses the handshake without a token, still saying it is Elasticsearch', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${BASE}/` });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('SOC_INGEST_TOKEN_INVALID');
    expect(res.headers['x-elastic-product']).toBe('Elasticsearch');
  });
});

describe('_bulk from each shipper', () => {
  for (const [name, pipeline] of expected) {
    it(`${name}: every item 201, durable, with its document and pipeline hint ${pipeline ?? '(none)'}`, async () => {
      const { fixture, headers, payload, sources } = load(name);
      const res = await t.app.inject({
        method: fixture.method,
        url: `${BASE}${fixture.url}`,
        headers,
        payload,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['x-elastic-product']).toBe('Elasticsearch');
      const body = res.json();
      expect(body.errors).toBe(false);
      expect(body.items).toHaveLength(sources.length);
      for (const item of body.items) {
        const [op, result] = Object.entries(item)[0] as [string, { status: number; _id: string }];
        expect(['create', 'index']).toContain(op);
        expect(result.status).toBe(201);
        expect(result._id).toMatch(/^[\w-]{20}$/);
      }
      // Durable before the answer: the processor already had every item.
      expect(seen).toHaveLength(sources.length);
      seen.forEach((raw, i) => {
        expect(raw).toMatchObject({ input: 'bulk', kind: 'bulk', peer: '127.0.0.1' });
        expect(raw.pipeline).toBe(pipeline);
        expect(raw.doc).toMatchObject(sources[i] as Record<string, unknown>);
      });
    });
  }

  it('keeps the index as a hint when the document has none (Fluent Bit → event.dataset)', async () => {
    const { fixture, headers, payload } = load('fluent-bit-es');
    await t.app.inject({ method: fixture.method, url: `${BASE}${fixture.url}`, headers, payload });
    expect(seen[0]?.doc).toMatchObject({ event: { dataset: 'fluent-bit' } });
  });

  it('answers update and delete per item with 400, takes the rest, and maps ?pipeline= and /{index}/_bulk', async () => {
    const body = [
      '{"delete":{"_index":"x","_id":"1"}}',
      '{"update":{"_index":"x","_id":"2"}}',
      '{"doc":{"a":1}}',
      '{"index":{}}',
      '{"message":"một"}',
      '{"create":{"_index":"khac"}}',
      'không phải json',
      '',
    ].join('\n');
    const res = await t.app.inject({
      method: 'POST',
      url: `${BASE}/logs-zeek.conn-default/_bulk?pipeline=suricata`,
      headers: { authorization: token.bearer, 'content-type': 'application/x-ndjson' },
      payload: body,
    });
    const out = res.json();
    expect(out.errors).toBe(true);
    expect(out.items.map((i: Record<string, { status: number }>) => Object.values(i)[0]?.status)).toEqual([
      400, 400, 201, 201,
    ]);
    expect(out.items[0].delete.error.type).toBe('illegal_argument_exception');
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({
      pipeline: 'suricata',
      doc: { message: 'một', data_stream: { type: 'logs', dataset: 'zeek.conn', namespace: 'default' } },
    });
    expect(seen[1]).toMatchObject({ pipeline: 'suricata', text: 'không phải json', tags: ['_json_invalid'] });
  });

  it("stamps every item, parsed or raw, with the unit of the shipper's token", async () => {
    const { finance: unit } = await buildProvince(t.services.org, systemCtx());
    const unitToken = await issueToken(t.services.soc, 'Winlogbeat của Sở Tài chính', unit.id);
    const res = await t.app.inject({
      method: 'POST',
      url: `${BASE}/_bulk`,
      headers: { authorization: unitToken.bearer, 'content-type': 'application/x-ndjson' },
      payload: '{"create":{"_index":"winlogbeat"}}\n{"message":"đăng nhập"}\n{"index":{}}\nkhông phải json\n',
    });
    expect(res.json().errors).toBe(false);
    expect(seen.map((e) => e.unitId)).toEqual([unit.id, unit.id]);
  });

  it('refuses a malformed action line or a bomb as a whole, taking nothing', async () => {
    const headers = { authorization: token.bearer, 'content-type': 'application/x-ndjson' };
    const broken = await t.app.inject({
      method: 'POST',
      url: `${BASE}/_bulk`,
      headers,
      payload: '{"index":{}}\n{"a":1}\n{"index":\n{"b":2}\n',
    });
    expect([broken.statusCode, broken.json().code]).toEqual([400, 'SOC_BULK_MALFORMED']);
    const bomb = await t.app.inject({
      method: 'POST',
      url: `${BASE}/_bulk`,
      headers,
      payload: `{"index":{}}\n{"a":1}\n{"index":{}}\n${'{"a":'.repeat(70)}1${'}'.repeat(70)}\n`,
    });
    expect([bomb.statusCode, bomb.json().code]).toEqual([400, 'SOC_INGEST_JSON_TOO_DEEP']);
    expect(seen).toHaveLength(0);
  });

  it('takes Winlogbeat gzip _bulk over a real socket (undici)', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { fixture, headers, payload, sources } = load('winlogbeat-8-security-sysmon');
    const res = await request(`${address}${BASE}${fixture.url}`, { method: 'POST', headers, body: payload });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-elastic-product']).toBe('Elasticsearch');
    const body = (await res.body.json()) as { errors: boolean; items: unknown[] };
    expect(body.errors).toBe(false);
    expect(body.items).toHaveLength(2);
    expect(seen.map((e) => (e.doc as { winlog: { event_id: string } }).winlog.event_id)).toEqual([
      '4625',
      '1',
    ]);
    expect(seen[0]?.doc).toMatchObject(sources[0] as Record<string, unknown>);
  });
});
