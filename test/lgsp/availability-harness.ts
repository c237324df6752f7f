/**
 * @module test/lgsp/availability-harness
 * Nodes of a deployment for the availability tests: a whole Tỉnh Số from createTestApp (IAM, org,
 * notifications, bus) plus an availability service fed by a destination list the test controls (the
 * registry's list is wired by the composition root later), its own scheduler with a node id, and a server
 * with IAM's gate and the availability routes. Local HTTP servers play the destinations.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import type { Database } from '../../src/core/db/index.ts';
import { buildServer } from '../../src/core/http/server.ts';
import { Scheduler } from '../../src/core/scheduler/index.ts';
import { type Availability, createAvailability } from '../../src/lgsp/availability/index.ts';
import type { DestinationService, RegistryChange, RegistryLookup } from '../../src/lgsp/contracts.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { testDatabaseUrl } from '../helpers/db.ts';

/** The destinations and rights every node of a test sees (the registry's part, played by the test). */
export interface FakeRegistry {
  services: Map<string, DestinationService>;
  rights: Map<string, string[]>;
  lookup: RegistryLookup;
  change(change: RegistryChange): void;
}

/** A registry stand-in over a mutable map. */
export function fakeRegistry(): FakeRegistry {
  const services = new Map<string, DestinationService>();
  const rights = new Map<string, string[]>();
  const listeners = new Set<(c: RegistryChange) => void>();
  return {
    services,
    rights,
    lookup: {
      credentialByAccessKey: async () => null,
      destination: async (unitCode, serviceCode) =>
        [...services.values()].find((s) => s.unitCode === unitCode && s.serviceCode === serviceCode) ?? null,
      destinationById: async (id) => services.get(id) ?? null,
      allowedOperations: async () => [],
      onChange: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    change: (c) => {
      for (const l of listeners) l(c);
    },
  };
}

/** One node: the platform and services of createTestApp, the availability under test and its routes. */
export interface Node extends TestApp {
  availability: Availability;
  scheduler: Scheduler;
  close(): Promise<void>;
}

/** Starts a node; pass `shared` (another node's database) for a second node of the same deployment. */
export async function startNode(
  registry: FakeRegistry,
  options: { nodeId: string; shared?: Database; overrides?: Record<string, unknown> } = { nodeId: 'node-a' },
): Promise<Node> {
  const t = await createTestApp(
    {
      nodeId: options.nodeId,
      // On PostgreSQL the bus needs a URL for its listener to carry messages between the nodes.
      ...(testDatabaseUrl ? { 'database.url': testDatabaseUrl } : {}),
      ...options.overrides,
    },
    options.shared,
  );
  const scheduler = new Scheduler(t.platform, { nodeId: options.nodeId });
  const probeAgent = new Agent({ connect: { timeout: 2000 }, keepAliveTimeout: 1000 });
  const availability = createAvailability({
    platform: t.platform,
    org: t.services.org,
    bus: t.services.bus,
    notifications: t.services.notifications,
    scheduler,
    registry: registry.lookup,
    listDestinations: async () => [...registry.services.values()],
    unitsWithRightsTo: async (id) => registry.rights.get(id) ?? [],
    probeAgent,
  });
  await availability.ready();
  const app = await buildServer(t.platform, {
    register: async (server) => {
      await t.services.iam.register(server);
      await server.register(async (api) => availability.routes(api), { prefix: '/api/lgsp' });
    },
  });
  await app.ready();
  return {
    ...t,
    app,
    availability,
    scheduler,
    close: async () => {
      await app.close();
      await scheduler.stop();
      await availability.close();
      await probeAgent.close();
      await t.close();
    },
  };
}

/** A local HTTP server playing a destination. */
export interface FakeDestination {
  url: string;
  /** Requests received so far. */
  hits: number;
  /** What it does now: answer a status, hang without answering, or refuse connections (closed). */
  mode: { kind: 'status'; status: number } | { kind: 'hang' };
  close(): Promise<void>;
}

/** Starts a destination answering `status` (or hanging) on 127.0.0.1. */
export async function fakeDestination(
  mode: FakeDestination['mode'] = { kind: 'status', status: 200 },
): Promise<FakeDestination> {
  const hanging = new Set<import('node:http').ServerResponse>();
  const d: FakeDestination = {
    url: '',
    hits: 0,
    mode,
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    d.hits++;
    if (d.mode.kind === 'hang') {
      hanging.add(res);
      return;
    }
    res
      .writeHead(d.mode.status, { 'content-type': 'text/plain' })
      .end(req.method === 'HEAD' ? undefined : 'ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  d.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return d;
}

/** A port on 127.0.0.1 where nothing listens (taken and released at once). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

let seq = 0;

/** A destination service record for the fake registry. */
export function destination(
  unit: { id: string; code: string },
  baseUrl: string,
  fields: Partial<DestinationService> = {},
): DestinationService {
  seq++;
  return {
    serviceId: crypto.randomUUID(),
    serviceCode: `svc${seq}`,
    name: `Dịch vụ thử ${seq}`,
    unitId: unit.id,
    unitCode: unit.code,
    providerApplicationId: crypto.randomUUID(),
    protocol: 'rest-json',
    baseUrl,
    healthPath: '/health',
    timeoutMs: 400,
    allowedMethods: ['GET'],
    active: true,
    ...fields,
  };
}
