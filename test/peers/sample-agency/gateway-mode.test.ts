/**
 * Gateway mode end to end over real sockets (Article 10, LGSP-29): the sample source (SDK LgspClient) obtains
 * a session key from the whole application (real registry, authentication service and gateway, listening on a
 * port) and calls `/{unitCode}/{service}/…`; the gateway checks the signature and the session, and forwards to
 * the sample agency's backend without the source's credentials.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLgspError } from '../../../sdk/src/errors.ts';
import { realRegistryProvince } from '../../../src/lgsp/auth/harness.ts';
import { operator, restService } from '../../../src/lgsp/registry/testing.ts';
import { createTestApp, type TestApp } from '../../helpers/app.ts';
import { type SampleDestination, startSampleBackend } from './destination.ts';
import { sampleSource } from './source.ts';

let t: TestApp;
let backend: SampleDestination;
let platformUrl: string;

beforeAll(async () => {
  t = await createTestApp();
  // The SDK signs with the wall clock: the platform's clock must be the wall clock too.
  Object.defineProperty(t.clock, 'now', { get: () => new Date() });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  platformUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  backend = await startSampleBackend();
});
afterAll(async () => {
  await backend?.close();
  await t?.close();
});

describe('gateway mode: source → gateway → destination backend (LGSP-29)', () => {
  it('forwards a signed call with its session key, and tells the backend who called', async () => {
    const w = await realRegistryProvince(t.services);
    const service = await restService(w.registry, w.destination.app.id, {
      code: 'hotich-gw',
      baseUrl: `${backend.url}/api`,
      allowedMethods: ['GET', 'POST'],
    });
    await w.registry.setRight(operator(), w.source.app.id, service.id, { operations: ['GET'] });
    const src = sampleSource({
      baseUrl: platformUrl,
      accessKey: w.source.accessKey,
      secretKey: w.source.secretKey,
    });

    const res = await src.recordViaGateway(w.unitCode, 'hotich-gw', '030190000123');
    expect(res.status, await res.clone().text()).toBe(200);
    const seen = (await res.json()) as Record<string, unknown>;
    expect(seen).toMatchObject({
      method: 'GET',
      url: '/api/ho-so/030190000123?chiTiet=day-du',
      sourceUnit: w.province.finance.code,
      sourceApplication: w.source.app.code,
      leakedCredentials: [],
    });

    // POST is outside the right: the platform refuses, the backend never sees it.
    const before = backend.seen.answered;
    const refused = await src.client
      .call(w.unitCode, 'hotich-gw', { method: 'POST', path: '/ho-so', body: '{}' })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isLgspError(refused, 'LGSP_OPERATION_NOT_ALLOWED')).toBe(true);
    expect((refused as { status: number }).status).toBe(403);
    expect(backend.seen.answered).toBe(before);
  });
});
