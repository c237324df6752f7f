import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { BUS_RECONNECTED, type Bus, type BusHandler } from '../../core/bus/index.ts';
import { systemCtx } from '../../core/context.ts';
import { buildProvince, type Province } from '../../org/testing.ts';
import type { RegistryChange } from '../contracts.ts';
import { Cache, createLookup, REGISTRY_CHANGED } from './lookup.ts';
import { hmacApplication, operator, restService } from './testing.ts';

describe('Cache', () => {
  const make = (max = 100) => {
    const clock = { now: 0 };
    const counters = { hits: 0, misses: 0 };
    return { cache: new Cache<string>(1000, max, () => clock.now, counters), clock, counters };
  };

  it('shares one load between concurrent callers, then answers from memory until the TTL', async () => {
    const { cache, clock, counters } = make();
    let loads = 0;
    const load = async () => `v${++loads}`;
    expect(await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)])).toEqual([
      'v1',
      'v1',
      'v1',
    ]);
    expect(await cache.get('k', load)).toBe('v1');
    expect(counters).toEqual({ hits: 1, misses: 1 });
    clock.now = 1000;
    expect(await cache.get('k', load)).toBe('v2');
  });

  it('does not keep a value whose load began before a change', async () => {
    const { cache } = make();
    let release!: (v: string) => void;
    const slow = cache.get('k', () => new Promise<string>((r) => (release = r)));
    cache.drop((k) => k === 'k');
    // A caller after the change does not join the stale load.
    const fresh = cache.get('k', async () => 'new');
    release('old');
    expect(await slow).toBe('old');
    expect(await fresh).toBe('new');
    expect(await cache.get('k', async () => 'unused')).toBe('new');
  });

  it('evicts the least recently used entries beyond its size', async () => {
    const { cache } = make(10);
    for (let i = 0; i < 10; i++) await cache.get(`k${i}`, async () => `v${i}`);
    await cache.get('k0', async () => 'reloaded'); // a hit: k0 becomes the most recent
    await cache.get('k10', async () => 'v10'); // full: the oldest tenth (k1) goes
    expect([...cache.entries.keys()]).not.toContain('k1');
    expect([...cache.entries.keys()]).toContain('k0');
    expect(cache.entries.size).toBeLessThanOrEqual(10);
  });
});

describe('lookup and the bus', () => {
  let t: TestApp;
  let p: Province;
  beforeAll(async () => {
    t = await createTestApp();
    p = await buildProvince(t.services.org, systemCtx());
  });
  afterAll(() => t.close());

  /** A bus whose messages from "another node" the test delivers by hand. */
  function fakeBus() {
    const handlers = new Map<string, Set<BusHandler>>();
    const published: unknown[] = [];
    const bus = {
      id: 'fake',
      publish: async (_topic: string, payload: unknown) => {
        published.push(payload);
      },
      subscribe: (topic: string, handler: BusHandler) => {
        const set = handlers.get(topic) ?? new Set();
        set.add(handler);
        handlers.set(topic, set);
        return () => set.delete(handler);
      },
      ready: async () => {},
      status: () => ({ transport: 'in-process', listening: true, reconnects: 0 }),
      close: async () => {},
    } as unknown as Bus;
    const remote = (topic: string, payload: unknown) => {
      for (const h of handlers.get(topic) ?? []) void h(payload, { topic, origin: 'other', local: false });
    };
    return { bus, remote, published };
  }

  it('drops an entry when another node announces a change, ignores malformed messages, drops all after a reconnect', async () => {
    const { app, accessKey } = await hmacApplication(t.services.lgsp.registry.service, p.finance);
    const service = await restService(t.services.lgsp.registry.service, app.id);
    const { bus, remote } = fakeBus();
    const lookup = createLookup({ platform: t.platform, org: t.services.org, bus });
    const seen: RegistryChange[] = [];
    lookup.onChange((c) => seen.push(c));
    try {
      await lookup.credentialByAccessKey(accessKey);
      await lookup.destinationById(service.id);
      const misses = lookup.stats().misses;

      remote(REGISTRY_CHANGED, { kind: 'nonsense', id: 1 });
      await lookup.credentialByAccessKey(accessKey);
      expect(lookup.stats().misses).toBe(misses);
      expect(seen).toEqual([]);

      remote(REGISTRY_CHANGED, { kind: 'key', id: accessKey });
      await lookup.credentialByAccessKey(accessKey);
      await lookup.destinationById(service.id);
      expect(lookup.stats().misses).toBe(misses + 1);
      expect(seen).toEqual([{ kind: 'key', id: accessKey }]);

      remote(BUS_RECONNECTED, null);
      await lookup.credentialByAccessKey(accessKey);
      await lookup.destinationById(service.id);
      expect(lookup.stats().misses).toBe(misses + 3);
      expect(seen.at(-1)).toEqual({ kind: 'application', id: '*' });
    } finally {
      lookup.close();
    }
  });

  it('announces each registry write on the bus', async () => {
    const { bus, published } = fakeBus();
    const lookup = createLookup({ platform: t.platform, org: t.services.org, bus });
    try {
      await lookup.changed({ kind: 'right', id: 'a', serviceId: 'b' });
      expect(published).toEqual([{ kind: 'right', id: 'a', serviceId: 'b' }]);
    } finally {
      lookup.close();
    }
  });

  it('publishes lgsp.registry.changed on the platform bus when a key is revoked', async () => {
    const { accessKey } = await hmacApplication(t.services.lgsp.registry.service, p.health);
    const heard: unknown[] = [];
    const stop = t.services.bus.subscribe(REGISTRY_CHANGED, (payload) => {
      heard.push(payload);
    });
    try {
      await t.services.lgsp.registry.service.revokeKey(operator(), accessKey, { reason: 'Thử' });
      expect(heard).toContainEqual({ kind: 'key', id: accessKey });
    } finally {
      stop();
    }
  });
});
