/**
 * The HTTP JSON input: single objects, arrays and NDJSON (gzip too) are durable when answered; an NDJSON line
 * that is not JSON is kept raw and named; bombs, oversized and undecodable bodies are refused with a code and
 * nothing of the request is taken.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, type TestApp } from '../../../../test/helpers/app.ts';
import { systemCtx } from '../../../core/context.ts';
import { buildProvince } from '../../../org/testing.ts';
import type { RawEvent } from '../../contracts.ts';
import { issueToken, recordRawEvents } from '../testing.ts';

let t: TestApp;
let auth: string;
let seen: RawEvent[];

beforeAll(async () => {
  t = await createTestApp({ 'soc.ingest.maxBulkBytes': 256 * 1024, 'soc.ingest.maxEventBytes': 256 });
  auth = (await issueToken(t.services.soc)).bearer;
  seen = recordRawEvents(t.services.soc);
});
beforeEach(() => {
  seen.length = 0;
});
afterAll(async () => {
  await t.close();
});

function post(payload: string | Buffer, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/soc/ingest/events',
    headers: { authorization: auth, 'content-type': 'application/json', ...headers },
    payload,
  });
}

describe('POST /api/soc/ingest/events', () => {
  it('takes one JSON object, durable when answered', async () => {
    const res = await post(JSON.stringify({ message: 'Đăng nhập thất bại', user: { name: 'quantri' } }));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ accepted: 1, invalidLines: [] });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      input: 'http',
      kind: 'http',
      peer: '127.0.0.1',
      doc: { message: 'Đăng nhập thất bại', user: { name: 'quantri' } },
    });
  });

  it("stamps the events with the unit of the token they came with, and no unit for the province's token", async () => {
    const p = await buildProvince(t.services.org, systemCtx());
    const unitToken = await issueToken(t.services.soc, 'Mã của Sở Tài chính', p.finance.id);
    const res = await post(JSON.stringify({ message: 'từ Sở Tài chính' }), {
      authorization: unitToken.bearer,
    });
    expect(res.statusCode, res.body).toBe(202);
    await post(JSON.stringify({ message: 'của tỉnh' }));
    expect(seen.map((e) => [e.doc?.message, e.unitId])).toEqual([
      ['từ Sở Tài chính', p.finance.id],
      ['của tỉnh', null],
    ]);
  });

  it('takes a JSON array as a batch; a non-object element becomes { message }', async () => {
    const res = await post(JSON.stringify([{ a: 1 }, { b: 2 }, 'chuỗi']));
    expect(res.json()).toEqual({ accepted: 3, invalidLines: [] });
    expect(seen.map((e) => e.doc)).toEqual([{ a: 1 }, { b: 2 }, { message: 'chuỗi' }]);
  });

  it('takes NDJSON, keeping a malformed line raw with _json_invalid and naming it', async () => {
    const body = '{"n":1}\r\n\n{"n":2\n{"n":3}\n';
    const res = await post(body, { 'content-type': 'application/x-ndjson' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 3, invalidLines: [3] });
    expect(seen[0]?.doc).toEqual({ n: 1 });
    expect(seen[1]).toMatchObject({ text: '{"n":2', tags: ['_json_invalid'] });
    expect(seen[2]?.doc).toEqual({ n: 3 });
  });

  it('cuts a raw line longer than maxEventBytes on a character boundary and tags it', async () => {
    const long = `không phải json ${'ư'.repeat(400)}`;
    const res = await post(`{"ok":true}\n${long}\n`, { 'content-type': 'application/x-ndjson' });
    expect(res.json().invalidLines).toEqual([2]);
    const raw = seen[1] as RawEvent;
    expect(raw.tags).toEqual(['_json_invalid', 'truncated']);
    expect(Buffer.byteLength(raw.text ?? '')).toBeLessThanOrEqual(256);
    expect(raw.text).not.toContain('\uFFFD');
  });

  it('decompresses gzip and deflate bodies', async () => {
    const ndjson = Buffer.from('{"z":1}\n{"z":2}\n');
    const gz = await post(gzipSync(ndjson), {
      'content-type': 'application/x-ndjson',
      'content-encoding': 'gzip',
    });
    expect(gz.json()).toEqual({ accepted: 2, invalidLines: [] });
    const { deflateSync } = await import('node:zlib');
    const df = await post(deflateSync(Buffer.from('{"z":3}')), { 'content-encoding': 'deflate' });
    expect(df.json()).toEqual({ accepted: 1, invalidLines: [] });
    expect(seen.map((e) => e.doc)).toEqual([{ z: 1 }, { z: 2 }, { z: 3 }]);
  });

  it('refuses a JSON bomb (depth > 64, or too many elements) with a code and takes nothing of the request', async () => {
    const deep = `{"ok":1}\n${'['.repeat(65)}${']'.repeat(65)}\n`;
    const res = await post(deep, { 'content-type': 'application/x-ndjson' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'SOC_INGEST_JSON_TOO_DEEP' });
    const shallow = await post(`${'['.repeat(64)}${']'.repeat(64)}`);
    expect(shallow.statusCode).toBe(202);
    seen.length = 0;
    // 100 001 elements of one document: over the default limit, under the body limit.
    const wide = await post(`[[${'0,'.repeat(100_000)}0]]`);
    expect([wide.statusCode, wide.json().code]).toEqual([400, 'SOC_INGEST_JSON_TOO_LARGE']);
    const many = await post(`{"a":[${'1,'.repeat(30_000)}1]}`);
    expect(many.statusCode).toBe(202);
    expect(seen).toHaveLength(1);
  });

  it('refuses a body over soc.ingest.maxBulkBytes, plain or as a gzip bomb, with 413 and takes nothing', async () => {
    const big = `${'{"m":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}\n'.repeat(8000)}`;
    const plain = await post(big, { 'content-type': 'application/x-ndjson' });
    expect(plain.statusCode).toBe(413);
    expect(plain.json().code).toBe('SOC_INGEST_BODY_TOO_LARGE');
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const zipped = await post(bomb, { 'content-encoding': 'gzip' });
    expect(zipped.statusCode).toBe(413);
    expect(zipped.json().code).toBe('SOC_INGEST_BODY_TOO_LARGE');
    expect(seen).toHaveLength(0);
  });

  it('refuses an unknown encoding, a corrupt gzip body and a malformed single document', async () => {
    const br = await post('{}', { 'content-encoding': 'br' });
    expect([br.statusCode, br.json().code]).toEqual([415, 'SOC_INGEST_ENCODING_UNSUPPORTED']);
    const corrupt = await post(Buffer.from('khong phai gzip'), { 'content-encoding': 'gzip' });
    expect([corrupt.statusCode, corrupt.json().code]).toEqual([400, 'SOC_INGEST_BODY_CORRUPT']);
    const bad = await post('{"a":');
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'SOC_INGEST_JSON_INVALID']);
    expect(seen).toHaveLength(0);
  });
});

describe('the input switch', () => {
  it('answers 503 SOC_INPUT_STOPPED while the http input is stopped, takes nothing, and takes events again once started', async () => {
    const admin = await loginAs(t, { roles: ['tech_admin'] });
    const call = (url: string) => t.app.inject({ method: 'POST', url, headers: admin.headers });
    const stop = await call('/api/soc/inputs/http/stop');
    expect(stop.statusCode, stop.body).toBe(200);
    const refused = await post(JSON.stringify({ message: 'khi dừng' }));
    expect(refused.statusCode).toBe(503);
    expect(refused.json().code).toBe('SOC_INPUT_STOPPED');
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(seen).toHaveLength(0);
    const start = await call('/api/soc/inputs/http/start');
    expect(start.statusCode, start.body).toBe(200);
    const taken = await post(JSON.stringify({ message: 'khi chạy lại' }));
    expect(taken.statusCode).toBe(202);
    expect(seen).toHaveLength(1);
  });
});
