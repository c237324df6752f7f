/**
 * @module test/lgsp/gateway-fakes
 * The gateway on the real platform and HTTP server (hooks, error envelope, access log, database), with
 * in-memory fakes of the registry, the authentication service and the availability tracker, and small
 * destination servers, so each error path of the gateway is tested on its own.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/core/config/index.ts';
import type { Database } from '../../src/core/db/index.ts';
import { AppError } from '../../src/core/errors/index.ts';
import { buildServer } from '../../src/core/http/server.ts';
import type { App } from '../../src/core/http/types.ts';
import { createLogger } from '../../src/core/log/logger.ts';
import { type Platform, startPlatform, stopPlatform } from '../../src/core/platform.ts';
import { createScheduler } from '../../src/core/scheduler/index.ts';
import type { AuthService } from '../../src/lgsp/auth/index.ts';
import type {
  AppCredential,
  AvailabilityState,
  AvailabilityTracker,
  DestinationService,
  RegistryLookup,
  SessionClaims,
} from '../../src/lgsp/contracts.ts';
import type { LgspDeps } from '../../src/lgsp/deps.ts';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/lgsp/gateway/index.ts';
import type { OrgService } from '../../src/org/index.ts';
import { createTestDatabase } from '../helpers/db.ts';

/** SHA-256 hex of a body. */
export const sha256 = (body: string | Buffer) => createHash('sha256').update(body).digest('hex');

/** A fake credential of a source application. */
export function credential(over: Partial<AppCredential> = {}): AppCredential {
  const id = randomUUID();
  return {
    applicationId: id,
    applicationCode: `app-${id.slice(0, 6)}`,
    applicationName: 'Ứng dụng thử',
    unitId: randomUUID(),
    unitCode: '000.00.02.H99',
    accessKey: `AK${randomBytes(8).toString('hex')}`,
    keyStatus: 'active',
    validUntil: null,
    kind: 'hmac',
    algorithms: ['HMAC-SHA256'],
    secret: randomBytes(32),
    publicKeyPem: null,
    allowedNetworks: [],
    applicationActive: true,
    rateLimitPerMinute: null,
    quotaPerDay: null,
    ...over,
  };
}

/** A fake destination service. */
export function service(baseUrl: string, over: Partial<DestinationService> = {}): DestinationService {
  return {
    serviceId: randomUUID(),
    serviceCode: 'hotich',
    name: 'Hộ tịch',
    unitId: randomUUID(),
    unitCode: '000.00.01.H99',
    providerApplicationId: randomUUID(),
    protocol: 'rest-json',
    baseUrl,
    healthPath: null,
    timeoutMs: 2000,
    allowedMethods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
    active: true,
    ...over,
  };
}

/** In-memory registry, authentication and availability the tests fill as they need. */
export class Fakes {
  readonly credentials = new Map<string, AppCredential>();
  readonly services: DestinationService[] = [];
  /** `${applicationId}/${serviceId}` → operations. */
  readonly rights = new Map<string, string[]>();
  readonly availability = new Map<string, AvailabilityState>();
  readonly outcomes: { serviceId: string; ok: boolean }[] = [];

  readonly registry: RegistryLookup = {
    credentialByAccessKey: async (key) => this.credentials.get(key) ?? null,
    destination: async (unitCode, code) =>
      this.services.find((s) => s.unitCode === unitCode && s.serviceCode === code) ?? null,
    destinationById: async (id) => this.services.find((s) => s.serviceId === id) ?? null,
    allowedOperations: async (app, svc) => this.rights.get(`${app}/${svc}`) ?? [],
    onChange: () => () => {},
  };

  /** Accepts a request whose access key is known and whose `x-test-signature` is not `bad`. */
  readonly auth: Pick<AuthService, 'verifyRequest' | 'verifySession'> = {
    verifyRequest: async (parts) => {
      const cred = this.credentials.get(String(parts.headers['x-lgsp-access-key'] ?? ''));
      if (!cred || parts.headers['x-test-signature'] === 'bad') throw new AppError('LGSP_SIGNATURE_INVALID');
      return { credential: cred, algorithm: 'HMAC-SHA256', skewSeconds: 0 };
    },
    /** Session keys of the fakes: `fake.<applicationId>.<serviceId>.<OPS,…>`. */
    verifySession: async (key): Promise<SessionClaims> => {
      const [tag, app, svc, ops] = key.split('.');
      if (tag !== 'fake' || !app || !svc) throw new AppError('LGSP_SIGNATURE_INVALID');
      return {
        sessionId: randomUUID(),
        sourceApplicationId: app,
        sourceUnitCode: '000.00.02.H99',
        serviceId: svc,
        operations: (ops ?? '').split(','),
        expiresAt: new Date(Date.now() + 60_000),
      };
    },
  };

  readonly tracker: AvailabilityTracker = {
    state: (id) => this.availability.get(id) ?? null,
    recordOutcome: (serviceId, ok) => {
      this.outcomes.push({ serviceId, ok });
    },
  };

  /** A source application with a right on `svc` (one-step mode). */
  source(
    svc: DestinationService,
    ops: string[] = ['GET', 'POST', 'PUT', 'DELETE'],
    over: Partial<AppCredential> = {},
  ) {
    const cred = credential(over);
    this.credentials.set(cred.accessKey, cred);
    this.rights.set(`${cred.applicationId}/${svc.serviceId}`, ops);
    return cred;
  }

  /** Registers a destination. */
  add(svc: DestinationService): DestinationService {
    this.services.push(svc);
    return svc;
  }
}

/** The headers a signed call carries (the fake auth does not check the signature itself). */
export function signedHeaders(
  cred: AppCredential,
  body: string | Buffer = '',
  extra: Record<string, string> = {},
) {
  return {
    'x-lgsp-access-key': cred.accessKey,
    'x-lgsp-algorithm': 'HMAC-SHA256',
    'x-lgsp-timestamp': String(Math.floor(Date.now() / 1000)),
    'x-lgsp-nonce': randomBytes(12).toString('hex'),
    'x-lgsp-content-sha256': sha256(body),
    'x-lgsp-signed-headers': Object.keys(extra)
      .filter((h) => h === 'x-lgsp-session' || h === 'content-type')
      .join(';'),
    'x-lgsp-signature': 'c2lnbmF0dXJl',
    ...extra,
  };
}

export interface Harness {
  fakes: Fakes;
  gateway: Gateway;
  platform: Platform;
  app: App;
  /** `http://127.0.0.1:<port>` of the gateway. */
  base: string;
  close(): Promise<void>;
}

/** Starts the real server with only the gateway mounted, over the fakes. */
export async function startGateway(
  options: GatewayOptions = {},
  overrides: Record<string, unknown> = {},
  shared?: Database,
): Promise<Harness> {
  const database = shared ?? (await createTestDatabase());
  const config = loadConfig({
    env: {},
    file: '',
    overrides: {
      dataDir: mkdtempSync(join(tmpdir(), 'tinhso-gw-')),
      'security.masterKey': randomBytes(32).toString('hex'),
      'log.level': 'silent',
      'scheduler.enabled': false,
      nodeId: `node-${randomBytes(3).toString('hex')}`,
      ...overrides,
    },
  });
  const platform = await startPlatform(config, { database, migrate: false, log: createLogger('silent') });
  const fakes = new Fakes();
  const deps = {
    platform,
    scheduler: createScheduler(platform),
    org: { visibleUnitIds: async () => 'all' } as unknown as OrgService,
    bus: {} as LgspDeps['bus'],
    notifications: {} as LgspDeps['notifications'],
  } satisfies LgspDeps;
  const gateway = createGateway(
    { ...deps, registry: fakes.registry, auth: fakes.auth as AuthService, availability: fakes.tracker },
    { recordFlushMs: 50, rateSyncMs: 50, retryBaseMs: 20, ...options },
  );
  const app = await buildServer(platform, { register: async (a) => gateway.registerProxy(a) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  return {
    fakes,
    gateway,
    platform,
    app,
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      await gateway.close();
      if (shared) await platform.accessLog.close();
      else await stopPlatform(platform);
    },
  };
}

/** What a destination server saw of one request. */
export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  completed: boolean;
}

/** A destination server; `handler` answers (default: 200 JSON echo of the method and path). */
export async function startDestination(
  handler?: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void,
  options: { consume?: boolean } = {},
): Promise<{ url: string; port: number; seen: Seen[]; server: http.Server; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const entry: Seen = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.alloc(0),
      completed: false,
    };
    seen.push(entry);
    if (options.consume === false && handler) return handler(req, res, Buffer.alloc(0));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    req.on('end', () => {
      entry.completed = true;
      entry.body = Buffer.concat(chunks);
      if (handler) handler(req, res, entry.body);
      else {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, url: req.url }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
