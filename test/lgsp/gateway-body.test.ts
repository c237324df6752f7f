/**
 * Bodies through the gateway: size limit, digest checked while streaming (a tampered body never completes
 * upstream), JSON↔XML conversion both ways, malformed bodies never forwarded, and a 50 MB body streamed with
 * bounded memory.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  service,
  sha256,
  signedHeaders,
  startDestination,
  startGateway,
} from './gateway-fakes.ts';

let h: Harness;
let dest: Awaited<ReturnType<typeof startDestination>>;
const MAX = 4 * 1024 * 1024;

beforeAll(async () => {
  h = await startGateway({}, { 'lgsp.gatewayMaxBodyBytes': MAX });
  dest = await startDestination((req, res, body) => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({ bytes: body.length, sha256: sha256(body), type: req.headers['content-type'] ?? null }),
    );
  });
});
afterAll(async () => {
  await h.close();
  await dest.close();
});

async function post(path: string, headers: Record<string, string>, body: string | Buffer | Readable) {
  const res = await request(`${h.base}${path}`, { method: 'POST', headers, body });
  const text = await res.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {}
  return { status: res.statusCode, headers: res.headers, text, json };
}

/** A stream of `total` bytes in `chunk`-sized pieces of a repeated pattern, and its SHA-256. */
function bigBody(total: number, chunk = 64 * 1024) {
  const piece = Buffer.alloc(chunk, 'Dữ liệu hộ tịch 0123456789 ');
  const hash = createHash('sha256');
  for (let sent = 0; sent < total; sent += chunk)
    hash.update(piece.subarray(0, Math.min(chunk, total - sent)));
  const digest = hash.digest('hex');
  const stream = () => {
    let sent = 0;
    return new Readable({
      read() {
        if (sent >= total) {
          this.push(null);
          return;
        }
        const n = Math.min(chunk, total - sent);
        sent += n;
        this.push(piece.subarray(0, n));
      },
    });
  };
  return { digest, stream };
}

describe('size limit', () => {
  it('refuses a Content-Length above lgsp.gatewayMaxBodyBytes before reading it', async () => {
    const svc = h.fakes.add(service(dest.url, { serviceCode: 'big1' }));
    const cred = h.fakes.source(svc, ['POST']);
    const { digest, stream } = bigBody(MAX + 1);
    const before = dest.seen.length;
    const res = await post(
      '/000.00.01.H99/big1/x',
      { ...signedHeaders(cred), 'x-lgsp-content-sha256': digest, 'content-length': String(MAX + 1) },
      stream(),
    );
    expect(res.status).toBe(413);
    expect(res.json.code).toBe('LGSP_BODY_TOO_LARGE');
    expect(dest.seen.length).toBe(before);
  });

  it('refuses a chunked body once it grows past the limit while streaming', async () => {
    const svc = h.fakes.add(service(dest.url, { serviceCode: 'big2' }));
    const cred = h.fakes.source(svc, ['POST']);
    const { digest, stream } = bigBody(MAX + 512 * 1024);
    const res = await post(
      '/000.00.01.H99/big2/x',
      { ...signedHeaders(cred), 'x-lgsp-content-sha256': digest, 'content-type': 'application/octet-stream' },
      stream(),
    );
    expect(res.status).toBe(413);
    expect(res.json.code).toBe('LGSP_BODY_TOO_LARGE');
    const seen = dest.seen.at(-1);
    expect(seen?.completed ?? false).toBe(false);
  });
});

describe('digest of the body', () => {
  it('refuses a small body that does not match the signed digest without contacting the destination', async () => {
    const svc = h.fakes.add(service(dest.url, { serviceCode: 'dig1' }));
    const cred = h.fakes.source(svc, ['POST']);
    const before = dest.seen.length;
    const headers = { ...signedHeaders(cred, '{"a":1}'), 'content-type': 'application/json' };
    const res = await post('/000.00.01.H99/dig1/x', headers, '{"a":2}');
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('LGSP_BODY_DIGEST_MISMATCH');
    expect(dest.seen.length).toBe(before);
  });

  it('destroys the upstream request of a streamed tampered body before it completes', async () => {
    const svc = h.fakes.add(service(dest.url, { serviceCode: 'dig2' }));
    const cred = h.fakes.source(svc, ['POST']);
    const { stream } = bigBody(2 * 1024 * 1024);
    const before = dest.seen.length;
    const headers = {
      ...signedHeaders(cred),
      'x-lgsp-content-sha256': sha256('something else'),
      'content-type': 'application/octet-stream',
      'content-length': String(2 * 1024 * 1024),
    };
    const res = await post('/000.00.01.H99/dig2/x', headers, stream());
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('LGSP_BODY_DIGEST_MISMATCH');
    await new Promise((r) => setTimeout(r, 100));
    // The destination saw the request start, but never its end: the last chunk was held back.
    expect(dest.seen.length).toBe(before + 1);
    expect(dest.seen.at(-1)!.completed).toBe(false);
  });

  it('streams a matching large body through and the destination gets it whole', async () => {
    const svc = h.fakes.add(service(dest.url, { serviceCode: 'dig3' }));
    const cred = h.fakes.source(svc, ['POST']);
    const { digest, stream } = bigBody(3 * 1024 * 1024 + 17);
    const res = await post(
      '/000.00.01.H99/dig3/x',
      { ...signedHeaders(cred), 'x-lgsp-content-sha256': digest, 'content-type': 'application/octet-stream' },
      stream(),
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ bytes: 3 * 1024 * 1024 + 17, sha256: digest });
  });
});

describe('JSON↔XML conversion', () => {
  it('sends XML to a REST-XML destination for a JSON caller and answers JSON', async () => {
    const xmlDest = await startDestination((_req, res, body) => {
      res.setHeader('content-type', 'application/xml');
      res.end(`<ketQua><nhan>${body.length}</nhan><ma>0123</ma><ten lang="vi">Trần Thị Bình</ten></ketQua>`);
    });
    const svc = h.fakes.add(service(xmlDest.url, { serviceCode: 'xml1', protocol: 'rest-xml' }));
    const cred = h.fakes.source(svc, ['POST']);
    const body = JSON.stringify({ hoSo: { ma: '0042', nguoi: [{ ten: 'An' }, { ten: 'Bình' }] } });
    const res = await post(
      '/000.00.01.H99/xml1/x',
      { ...signedHeaders(cred, body), 'content-type': 'application/json', accept: 'application/json' },
      body,
    );
    expect(res.status).toBe(200);
    const seen = xmlDest.seen.at(-1)!;
    expect(seen.headers['content-type']).toContain('application/xml');
    expect(seen.body.toString()).toContain(
      '<hoSo><ma>0042</ma><nguoi><ten>An</ten></nguoi><nguoi><ten>Bình</ten></nguoi></hoSo>',
    );
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.json).toEqual({
      ketQua: {
        nhan: String(seen.body.length),
        ma: '0123',
        ten: { '#text': 'Trần Thị Bình', '@_lang': 'vi' },
      },
    });
    await xmlDest.close();
  });

  it('wraps JSON in a SOAP envelope for a SOAP destination and unwraps the answer', async () => {
    const soap = await startDestination((_req, res) => {
      res.setHeader('content-type', 'text/xml; charset=utf-8');
      res.end(
        '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><TraCuuResponse><kq>OK</kq></TraCuuResponse></s:Body></s:Envelope>',
      );
    });
    const svc = h.fakes.add(service(soap.url, { serviceCode: 'soap1', protocol: 'soap' }));
    const cred = h.fakes.source(svc, ['POST']);
    const body = JSON.stringify({ TraCuu: { so: '1' } });
    const res = await post(
      '/000.00.01.H99/soap1/x',
      { ...signedHeaders(cred, body), 'content-type': 'application/json' },
      body,
    );
    expect(soap.seen.at(-1)!.body.toString()).toMatch(
      /<soap:Envelope xmlns:soap="http:\/\/schemas.xmlsoap.org\/soap\/envelope\/"><soap:Body><TraCuu><so>1<\/so><\/TraCuu><\/soap:Body><\/soap:Envelope>/,
    );
    expect(res.json).toEqual({ TraCuuResponse: { kq: 'OK' } });
    await soap.close();
  });

  it('sends JSON to a REST-JSON destination for an XML caller and answers XML', async () => {
    const jsonDest = await startDestination((_req, res, body) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ketQua: { nhan: JSON.parse(body.toString()) } }));
    });
    const svc = h.fakes.add(service(jsonDest.url, { serviceCode: 'json1' }));
    const cred = h.fakes.source(svc, ['POST']);
    const body = '<hoSo><ma>0042</ma></hoSo>';
    const res = await post(
      '/000.00.01.H99/json1/x',
      { ...signedHeaders(cred, body), 'content-type': 'application/xml' },
      body,
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(jsonDest.seen.at(-1)!.body.toString())).toEqual({ hoSo: { ma: '0042' } });
    expect(res.headers['content-type']).toContain('application/xml');
    expect(res.text).toContain('<ketQua><nhan><hoSo><ma>0042</ma></hoSo></nhan></ketQua>');
    await jsonDest.close();
  });

  it('refuses malformed JSON or XML and XML with a DTD, never forwarding them', async () => {
    const xmlSvc = h.fakes.add(service(dest.url, { serviceCode: 'conv-bad', protocol: 'rest-xml' }));
    const jsonSvc = h.fakes.add(service(dest.url, { serviceCode: 'conv-bad2' }));
    const cred = h.fakes.source(xmlSvc, ['POST']);
    const cred2 = h.fakes.source(jsonSvc, ['POST']);
    const before = dest.seen.length;
    const badJson = '{"a": ';
    const r1 = await post(
      '/000.00.01.H99/conv-bad/x',
      { ...signedHeaders(cred, badJson), 'content-type': 'application/json' },
      badJson,
    );
    expect(r1.status).toBe(400);
    expect(r1.json.code).toBe('LGSP_BODY_MALFORMED');
    const badXml = '<a><b></a>';
    const r2 = await post(
      '/000.00.01.H99/conv-bad2/x',
      { ...signedHeaders(cred2, badXml), 'content-type': 'application/xml' },
      badXml,
    );
    expect(r2.json.code).toBe('LGSP_BODY_MALFORMED');
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>';
    const r3 = await post(
      '/000.00.01.H99/conv-bad2/x',
      { ...signedHeaders(cred2, laughs), 'content-type': 'application/xml' },
      laughs,
    );
    expect(r3.json.code).toBe('LGSP_BODY_MALFORMED');
    expect(dest.seen.length).toBe(before);
  });

  it('refuses a body to convert that grows past the conversion limit, without forwarding it', async () => {
    const svc = h.fakes.add(service(dest.url, { serviceCode: 'conv-big', protocol: 'rest-xml' }));
    const cred = h.fakes.source(svc, ['POST']);
    const before = dest.seen.length;
    // Chunked (no Content-Length): the limit is found while reading (here min(10 MB, gatewayMaxBodyBytes)).
    const { digest, stream } = bigBody(MAX + 1024);
    const res = await post(
      '/000.00.01.H99/conv-big/x',
      { ...signedHeaders(cred), 'x-lgsp-content-sha256': digest, 'content-type': 'application/json' },
      stream(),
    );
    expect(res.status).toBe(413);
    expect(res.json.code).toBe('LGSP_CONVERSION_TOO_LARGE');
    expect(dest.seen.length).toBe(before);
  });

  it('answers LGSP_DESTINATION_BAD_RESPONSE when the answer to convert is unparseable', async () => {
    const broken = await startDestination((_req, res) => {
      res.setHeader('content-type', 'application/xml');
      res.end('<kq><a></kq>');
    });
    const svc = h.fakes.add(service(broken.url, { serviceCode: 'conv-ans', protocol: 'rest-xml' }));
    const cred = h.fakes.source(svc, ['GET']);
    const res = await request(`${h.base}/000.00.01.H99/conv-ans/x`, {
      headers: { ...signedHeaders(cred), accept: 'application/json' },
    });
    const json = (await res.body.json()) as { code: string };
    expect(res.statusCode).toBe(502);
    expect(json.code).toBe('LGSP_DESTINATION_BAD_RESPONSE');
    await broken.close();
  });
});

describe('streaming memory', () => {
  it('streams a 50 MB body with the process RSS growing by less than 30 MB', async () => {
    const big = await startGateway({}, { 'lgsp.gatewayMaxBodyBytes': 64 * 1024 * 1024 });
    try {
      const svc = big.fakes.add(service(dest.url, { serviceCode: 'fifty' }));
      const cred = big.fakes.source(svc, ['POST']);
      const total = 50 * 1024 * 1024;
      const { digest, stream } = bigBody(total);
      // The destination above would buffer; this one counts and hashes as it goes.
      const counting = await startDestination(
        (req, res) => {
          const hash = createHash('sha256');
          let n = 0;
          req.on('data', (c: Buffer) => {
            n += c.length;
            hash.update(c);
          });
          req.on('end', () => res.end(JSON.stringify({ bytes: n, sha256: hash.digest('hex') })));
        },
        { consume: false },
      );
      big.fakes.services.pop();
      const svc2 = big.fakes.add(service(counting.url, { serviceCode: 'fifty', serviceId: svc.serviceId }));
      void svc2;
      const send = (size: number, digestOf: string, body: Readable) =>
        request(`${big.base}/000.00.01.H99/fifty/upload`, {
          method: 'POST',
          headers: {
            ...signedHeaders(cred),
            'x-lgsp-content-sha256': digestOf,
            'content-type': 'application/octet-stream',
            'content-length': String(size),
          },
          body,
        });
      // A first 16 MB transfer grows V8's young generation and the sockets' buffers to their working size,
      // so the figure below is what the body's size adds, not the start-up of streaming itself.
      const warm = bigBody(16 * 1024 * 1024);
      await (await send(16 * 1024 * 1024, warm.digest, warm.stream())).body.dump();
      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      const res = await send(total, digest, stream());
      const json = (await res.body.json()) as { bytes: number; sha256: string };
      clearInterval(sampler);
      expect(res.statusCode).toBe(200);
      expect(json).toEqual({ bytes: total, sha256: digest });
      const growthMb = (peak - baseline) / 1024 / 1024;
      console.info(`50 MB streamed: RSS growth ${growthMb.toFixed(1)} MB`);
      expect(growthMb).toBeLessThan(30);
      await counting.close();
    } finally {
      await big.close();
    }
  }, 60_000);
});
