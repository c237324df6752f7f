/**
 * Direct mode end to end over real sockets (Article 10, LGSP-29): the sample source (SDK LgspClient) asks
 * the platform for a session key and calls the sample destination at its own address; the destination
 * (SDK lgspHandler) asks the platform to check the call before answering. The platform is the
 * authentication service of a test app, listening on a port, over an in-memory registry.
 */

import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../sdk/src/canonical.ts';
import { isLgspError, LgspError } from '../../../sdk/src/errors.ts';
import { type AuthHarness, startAuthHarness } from '../../../src/lgsp/auth/harness.ts';
import type { TestApplication } from '../../../src/lgsp/auth/testing.ts';
import { type SampleDestination, startSampleDestination } from './destination.ts';
import { sampleSource } from './source.ts';

let h: AuthHarness;
let platformUrl: string;
let destination: SampleDestination;
let source: TestApplication;
let dest: TestApplication;
let unitCode: string;

const configOf = (app: TestApplication) =>
  app.secretKey
    ? { baseUrl: platformUrl, accessKey: app.credential.accessKey, secretKey: app.secretKey }
    : {
        baseUrl: platformUrl,
        accessKey: app.credential.accessKey,
        privateKeyPem: app.privateKeyPem as string,
      };

beforeAll(async () => {
  h = await startAuthHarness();
  // Real time: the SDK signs with the wall clock, so the platform's clock must be the wall clock too.
  Object.defineProperty(h.t.clock, 'now', { get: () => new Date() });
  await h.server.listen({ port: 0, host: '127.0.0.1' });
  platformUrl = `http://127.0.0.1:${(h.server.server.address() as AddressInfo).port}`;
  source = h.registry.addApplication({
    code: 'mot-cua-so-tu-phap',
    algorithms: ['HMAC-SHA256', 'HMAC-SHA1'],
  });
  dest = h.registry.addApplication({ code: 'ho-tich-huyen', kind: 'rsa' });
  const service = h.registry.addService(dest.credential, 'hotich', ['GET', 'POST']);
  unitCode = service.unitCode;
  h.registry.grant(source.credential, service, ['POST']);
  destination = await startSampleDestination({ ...configOf(dest), algorithm: 'RSA-SHA256' });
});
afterAll(async () => {
  await destination?.close();
  await h?.close();
});

describe('direct mode: source → destination, destination → platform (LGSP-29)', () => {
  it('delivers a signed call with a Vietnamese path, repeated query names and a JSON body; the destination knows the source', async () => {
    const src = sampleSource(configOf(source));
    const res = await src.sendDirect(destination.url, unitCode, 'hotich', { hoTen: 'Nguyễn Thị Ánh' });
    expect(res.status, await res.clone().text()).toBe(200);
    const answer = (await res.json()) as Record<string, unknown> & { body: string };
    expect(answer.source).toEqual({
      unitCode: source.credential.unitCode,
      applicationCode: 'mot-cua-so-tu-phap',
      applicationName: source.credential.applicationName,
    });
    expect(answer.operations).toEqual(['POST']);
    // Sent as signed: NFC, UTF-8 percent-encoded, query pairs in canonical order.
    expect(answer.url).toBe('/h%E1%BB%93-s%C6%A1/khai-sinh?loai=ban-chinh&loai=ban-sao&nam=2026');
    expect(JSON.parse(answer.body)).toEqual({ hoTen: 'Nguyễn Thị Ánh' });
  });

  it('reuses the cached session key and streams a large body whose digest the caller gives', async () => {
    const src = sampleSource({ ...configOf(source), algorithm: 'HMAC-SHA1' });
    const first = await src.client.requestSession(unitCode, 'hotich');
    const again = await src.client.requestSession(unitCode, 'hotich');
    expect(again.sessionKey).toBe(first.sessionKey);

    const big = Buffer.alloc(3 * 1024 * 1024, 'Ă');
    const res = await src.client.callDirect(destination.url, unitCode, 'hotich', {
      method: 'POST',
      path: '/tep',
      body: Readable.from([big.subarray(0, 1_000_000), big.subarray(1_000_000)]),
      bodySha256: sha256Hex(big),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { bodyBytes: number }).bodyBytes).toBe(big.length);
  });

  it('refuses a replayed call, an altered body and an operation outside the session, each with its code', async () => {
    const src = sampleSource(configOf(source));
    const session = await src.client.requestSession(unitCode, 'hotich');
    // Capture exactly what the SDK sends, then send it again byte for byte.
    let captured: { url: string; init: RequestInit } | null = null;
    const spy = sampleSource({
      ...configOf(source),
      fetch: async (url, init) => {
        captured = { url: String(url), init: init as RequestInit };
        return fetch(url, init);
      },
    });
    const ok = await spy.client.signedFetch(destination.url, {
      method: 'POST',
      path: '/ho-so',
      body: '{"a":1}',
      sessionKey: session.sessionKey,
    });
    expect(ok.status).toBe(200);
    const sent = captured as unknown as { url: string; init: RequestInit };
    const replay = await fetch(sent.url, sent.init);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { code: string }).code).toBe('LGSP_NONCE_REPLAYED');

    const altered = await fetch(sent.url, { ...sent.init, body: '{"a":2}' });
    expect(altered.status).toBe(400);
    expect(((await altered.json()) as { code: string }).code).toBe('LGSP_BODY_DIGEST_MISMATCH');

    const get = await src.client
      .callDirect(destination.url, unitCode, 'hotich', { method: 'GET', path: '/ho-so' })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isLgspError(get, 'LGSP_ACCESS_DENIED')).toBe(true);
    expect((get as LgspError).status).toBe(403);
  });

  it('tells a source without a right, or with a revoked key, why it gets no session', async () => {
    const stranger = h.registry.addApplication();
    const err = await sampleSource(configOf(stranger))
      .client.requestSession(unitCode, 'hotich')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LgspError);
    expect((err as LgspError).code).toBe('LGSP_ACCESS_DENIED');
    expect((err as LgspError).status).toBe(403);

    const revoked = h.registry.addApplication();
    h.registry.update(revoked.credential.accessKey, { keyStatus: 'revoked' });
    const err2 = await sampleSource(configOf(revoked))
      .client.requestSession(unitCode, 'hotich')
      .catch((e: unknown) => e);
    expect((err2 as LgspError).code).toBe('LGSP_ACCESS_KEY_REVOKED');
  });

  it('answers a call without the protocol headers locally, without asking the platform', async () => {
    const res = await fetch(`${destination.url}/ho-so`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('LGSP_SIGNATURE_MISSING');
  });
});
