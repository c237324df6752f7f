/**
 * @module lgsp/auth/harness
 * Test harness of the authentication service: the platform of a test app, an authentication service over a
 * MemoryRegistry, its routes on a server of their own, and helpers that sign requests with the SDK.
 */
import type { InjectOptions } from 'fastify';
import { type Algorithm, EMPTY_SHA256, sha256Hex, splitTarget } from '../../../sdk/src/canonical.ts';
import { signRequest } from '../../../sdk/src/sign.ts';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import type { Services } from '../../app.ts';
import { systemCtx } from '../../core/context.ts';
import { buildServer } from '../../core/http/server.ts';
import type { App } from '../../core/http/types.ts';
import { Scheduler } from '../../core/scheduler/index.ts';
import { buildProvince } from '../../org/testing.ts';
import type { LgspDeps } from '../deps.ts';
import { freshCode, hmacApplication, operator, restService } from '../registry/testing.ts';
import { type AuthService, createAuthService } from './index.ts';
import { MemoryRegistry, type TestApplication } from './testing.ts';

export interface AuthHarness {
  t: TestApp;
  registry: MemoryRegistry;
  auth: AuthService;
  /** A server with only the authentication routes, at `/api/lgsp/auth`. */
  server: App;
  /** The scheduler the service registered its job with (the app's own holds the real service's). */
  scheduler: Scheduler;
  close(): Promise<void>;
}

/** Starts the harness; `overrides` are configuration overrides (e.g. `lgsp.clockSkewSeconds`). */
export async function startAuthHarness(overrides: Record<string, unknown> = {}): Promise<AuthHarness> {
  const t = await createTestApp(overrides);
  const registry = new MemoryRegistry();
  const s = t.services;
  const scheduler = new Scheduler(t.platform);
  // The authentication service reads only the platform and the scheduler of these.
  const deps = {
    platform: t.platform,
    org: s.org,
    bus: s.bus,
    notifications: s.notifications,
    scheduler,
  } as unknown as LgspDeps;
  const auth = createAuthService({ ...deps, registry });
  const server = await buildServer(t.platform, {
    register: async (app) => {
      await app.register(async (a: App) => auth.routes(a), { prefix: '/api/lgsp/auth' });
    },
  });
  await server.ready();
  return {
    t,
    registry,
    auth,
    server,
    scheduler,
    close: async () => {
      await server.close();
      await t.close();
    },
  };
}

/** What to sign. */
export interface SignedCall {
  method: string;
  /** Target with the query string, e.g. `/a/b?x=1`. */
  url: string;
  body?: string;
  headers?: Record<string, string>;
  algorithm?: Algorithm;
  timestamp?: number;
  nonce?: string;
}

/** Signs a call as `app` with the SDK; returns the headers (including the call's own). */
export function signAs(app: TestApplication, call: SignedCall, nowMs: number): Record<string, string> {
  const { path, query } = splitTarget(call.url);
  const headers: Record<string, string> = { ...(call.headers ?? {}) };
  if (call.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const algorithm = call.algorithm ?? (app.credential.kind === 'hmac' ? 'HMAC-SHA256' : 'RSA-PSS-SHA256');
  const signed = signRequest({
    algorithm,
    accessKey: app.credential.accessKey,
    key: app.secretKey ? { secretKey: app.secretKey } : { privateKey: app.privateKeyPem as string },
    method: call.method,
    path,
    query,
    contentSha256: call.body === undefined ? EMPTY_SHA256 : sha256Hex(call.body),
    headers,
    // Every header the test sets is covered, as a careful client would do.
    signHeaders: Object.keys(headers).map((n) => n.toLowerCase()),
    timestamp: call.timestamp ?? Math.floor(nowMs / 1000),
    ...(call.nonce ? { nonce: call.nonce } : {}),
  });
  return { ...headers, ...signed.headers };
}

/** An inject request signed as `app`. */
export function injectSigned(app: TestApplication, call: SignedCall, nowMs: number): InjectOptions {
  return {
    method: call.method as InjectOptions['method'],
    url: call.url,
    headers: signAs(app, call, nowMs),
    ...(call.body !== undefined ? { payload: call.body } : {}),
  };
}

/** Something that signs like a TestApplication: an access key with its HMAC secret from the real registry. */
export function hmacSigner(accessKey: string, secretKey: string): TestApplication {
  return {
    credential: { accessKey, kind: 'hmac' } as TestApplication['credential'],
    secretKey,
    privateKeyPem: null,
  };
}

/**
 * Through the REAL registry: a source application of the finance department, a destination application
 * of the health department providing `hotich` (GET, POST), and the source's right to GET and POST it.
 */
export async function realRegistryProvince(services: Services) {
  const reg = services.lgsp.registry.service;
  const p = await buildProvince(services.org, systemCtx());
  const source = await hmacApplication(reg, p.finance, { code: freshCode('nguon') });
  const destination = await hmacApplication(reg, p.health, { code: freshCode('dich') });
  const service = await restService(reg, destination.app.id, { code: freshCode('hotich') });
  await reg.setRight(operator(), source.app.id, service.id, { operations: ['GET', 'POST'] });
  return {
    province: p,
    registry: reg,
    source: { ...source, signer: hmacSigner(source.accessKey, source.secretKey) },
    destination: { ...destination, signer: hmacSigner(destination.accessKey, destination.secretKey) },
    service,
    unitCode: service.unit.code,
  };
}
