/**
 * Replay protection across nodes: two real `tinhso serve` processes share one PostgreSQL database; a signed
 * request accepted by node 1 is refused by node 2 as a replay (LGSP_NONCE_REPLAYED), while a fresh request
 * to node 2 passes and a session key issued by node 1 is honoured by node 2 (same master key, stateless); a revoked key is
 * refused by both nodes within the bus delay.
 * Needs PostgreSQL (TEST_DATABASE_URL): PGlite cannot be shared between processes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../sdk/src/canonical.ts';
import { createServices, type Services } from '../../src/app.ts';
import { loadConfig } from '../../src/core/config/index.ts';
import { createLogger } from '../../src/core/log/logger.ts';
import { type Platform, startPlatform, stopPlatform } from '../../src/core/platform.ts';
import { realRegistryProvince, signAs } from '../../src/lgsp/auth/harness.ts';
import { operator } from '../../src/lgsp/registry/testing.ts';
import { testDatabaseUrl } from '../helpers/db.ts';
import { type ServerCluster, startCluster } from '../helpers/server-process.ts';

const reason = testDatabaseUrl
  ? ''
  : ' (skipped: TEST_DATABASE_URL is not set; two nodes need a shared PostgreSQL)';

describe.skipIf(!testDatabaseUrl)(`a nonce is accepted once across two nodes${reason}`, () => {
  let cluster: ServerCluster;
  let platform: Platform;
  let services: Services;

  beforeAll(async () => {
    cluster = await startCluster(2);
    // This test process is a third party on the same database: it registers the applications the way an
    // operator would, through the registry service; the nodes see them through their registry lookups.
    const config = loadConfig({
      env: {},
      file: '',
      overrides: {
        'database.url': cluster.databaseUrl,
        'security.masterKey': cluster.masterKey,
        dataDir: mkdtempSync(join(tmpdir(), 'tinhso-nonce-test-')),
        'scheduler.enabled': false,
        'log.level': 'silent',
      },
    });
    platform = await startPlatform(config, { log: createLogger('silent') });
    services = await createServices(platform);
  }, 180_000);

  afterAll(async () => {
    await services?.lgsp.close();
    await services?.bus.close();
    if (platform) await stopPlatform(platform);
    await cluster?.close();
  }, 60_000);

  it('node 2 refuses as a replay the very request node 1 accepted; a fresh request and node 1’s session pass on node 2', async () => {
    const [node1, node2] = cluster.nodes as [ServerCluster['nodes'][0], ServerCluster['nodes'][0]];
    const w = await realRegistryProvince(services);
    const body = JSON.stringify({ unitCode: w.unitCode, service: w.service.code });
    const signed = () =>
      signAs(w.source.signer, { method: 'POST', url: '/api/lgsp/auth/sessions', body }, Date.now());
    const send = (
      node: { url: string },
      headers: Record<string, string>,
      path = '/api/lgsp/auth/sessions',
      payload = body,
    ) => fetch(`${node.url}${path}`, { method: 'POST', headers, body: payload });

    const headers = signed();
    const first = await send(node1, headers);
    expect(first.status, await first.clone().text()).toBe(201);
    const replay = await send(node2, headers);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { code: string }).code).toBe('LGSP_NONCE_REPLAYED');
    // The same on node 1 itself, for completeness.
    expect(((await (await send(node1, headers)).json()) as { code: string }).code).toBe(
      'LGSP_NONCE_REPLAYED',
    );

    const fresh = await send(node2, signed());
    expect(fresh.status).toBe(201);

    // Node 1's session key, checked by the destination through node 2.
    const { sessionKey } = (await first.json()) as { sessionKey: string };
    const callBody = '{"soGiayTo":"030190000123"}';
    const request = {
      method: 'POST',
      path: '/ho-so',
      query: '',
      headers: signAs(
        w.source.signer,
        { method: 'POST', url: '/ho-so', body: callBody, headers: { 'x-lgsp-session': sessionKey } },
        Date.now(),
      ),
      bodySha256: sha256Hex(callBody),
    };
    const question = JSON.stringify({ sessionKey, request });
    const introspect = (node: { url: string }) =>
      send(
        node,
        signAs(
          w.destination.signer,
          { method: 'POST', url: '/api/lgsp/auth/introspect', body: question },
          Date.now(),
        ),
        '/api/lgsp/auth/introspect',
        question,
      );
    const answer = (await (await introspect(node2)).json()) as { active: boolean; code?: string };
    expect(answer).toMatchObject({ active: true });
    // The destination asking again about the same source request, on the other node: the source's nonce is spent.
    const second = (await (await introspect(node1)).json()) as { active: boolean; code?: string };
    expect(second).toMatchObject({ active: false, code: 'LGSP_NONCE_REPLAYED' });
  }, 60_000);

  it('a key revoked through the registry is refused by both nodes at once (the bus drops their caches)', async () => {
    const w = await realRegistryProvince(services);
    const body = JSON.stringify({ unitCode: w.unitCode, service: w.service.code });
    const ask = (node: { url: string }) =>
      fetch(`${node.url}/api/lgsp/auth/sessions`, {
        method: 'POST',
        headers: signAs(
          w.source.signer,
          { method: 'POST', url: '/api/lgsp/auth/sessions', body },
          Date.now(),
        ),
        body,
      });
    const [node1, node2] = cluster.nodes as [ServerCluster['nodes'][0], ServerCluster['nodes'][0]];
    expect((await ask(node1)).status).toBe(201);
    expect((await ask(node2)).status).toBe(201);
    await w.registry.revokeKey(operator(), w.source.accessKey, {
      reason: 'Thu hồi khi kiểm thử hai máy chủ',
    });
    for (const node of [node1, node2]) {
      let code = '';
      // The change travels by LISTEN/NOTIFY: allow it a moment, never the cache's 60 s.
      for (let i = 0; i < 50 && code !== 'LGSP_ACCESS_KEY_REVOKED'; i++) {
        code = ((await (await ask(node)).json()) as { code?: string }).code ?? '';
        if (code !== 'LGSP_ACCESS_KEY_REVOKED') await new Promise((r) => setTimeout(r, 100));
      }
      expect(code, node.url).toBe('LGSP_ACCESS_KEY_REVOKED');
    }
  }, 60_000);
});
