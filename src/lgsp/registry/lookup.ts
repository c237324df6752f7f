/**
 * @module lgsp/registry/lookup
 * The registry's hot path (RegistryLookup): read on every signed call by the authentication service and
 * the gateway, so it answers from memory. Entries live ~60 s and are dropped at once when the registry
 * changes: every write publishes `lgsp.registry.changed` on the bus, which reaches every node sharing
 * the database, so a revoked key is refused everywhere without waiting for the TTL.
 */
import { BUS_RECONNECTED, type Bus } from '../../core/bus/index.ts';
import { systemCtx } from '../../core/context.ts';
import { isAppError } from '../../core/errors/index.ts';
import type { Platform } from '../../core/platform.ts';
import { open } from '../../core/security/secret-box.ts';
import { type OrgService, tryNormaliseCode } from '../../org/index.ts';
import type {
  AppCredential,
  DestinationService,
  KeyStatus,
  RegistryChange,
  RegistryLookup,
} from '../contracts.ts';
import {
  activeServices,
  credentialRow,
  rightOperations,
  type ServiceWithProvider,
  servicesByIds,
  servicesByUnitsAndCode,
  unitsWithRightsTo,
} from './store.ts';

/** Bus topic of registry changes (payload: a RegistryChange). */
export const REGISTRY_CHANGED = 'lgsp.registry.changed';

/** The lookup plus what the registry's own service needs of it. */
export interface RegistryCache extends RegistryLookup {
  /** Drops stale entries on this node, tells its listeners, and announces the change to the other nodes. */
  changed(change: RegistryChange): Promise<void>;
  /** Hits and misses since start (a warm call is a hit and runs no SQL). */
  stats(): { hits: number; misses: number };
  /** Active services of active providers with their unit's current code (for the availability probes; not cached). */
  listDestinations(): Promise<DestinationService[]>;
  /** The units whose applications hold a right on the service (told of its outages). */
  unitsWithRightsTo(serviceId: string): Promise<string[]>;
  /** Stops listening to the bus. */
  close(): void;
}

export interface LookupOptions {
  /** How long an entry is trusted without a change message (default 60 s). */
  ttlMs?: number;
  /** Entries per map before the oldest are dropped (default 50 000). */
  maxEntries?: number;
}

interface Entry<V> {
  value: V;
  expires: number;
}

/**
 * A map of loaded values with a TTL and a size bound (least recently used out), one load per key at a time,
 * and no value stored that a load began before a change.
 */
export class Cache<V> {
  readonly entries = new Map<string, Entry<V>>();
  private readonly loading = new Map<string, { generation: number; promise: Promise<V> }>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly clock: () => number,
    private readonly counters: { hits: number; misses: number },
  ) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.clock()) {
      this.counters.hits++;
      // Least recently used first out: a hit moves the key to the end (a flood of unknown access keys
      // then evicts other unknown keys, not the credentials in use).
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const pending = this.loading.get(key);
    if (pending && pending.generation === this.generation) return pending.promise;
    this.counters.misses++;
    const generation = this.generation;
    const promise = load().then((value) => {
      // A change arrived while loading: the value may predate it, so it is returned but not kept.
      if (generation === this.generation) this.set(key, value);
      return value;
    });
    this.loading.set(key, { generation, promise });
    promise.then(
      () => this.loading.get(key)?.promise === promise && this.loading.delete(key),
      () => this.loading.get(key)?.promise === promise && this.loading.delete(key),
    );
    return promise;
  }

  private set(key: string, value: V) {
    if (this.entries.size >= this.max) {
      // Maps iterate in insertion order: the first keys are the least recently used.
      const drop = Math.ceil(this.max / 10);
      for (const k of this.entries.keys()) {
        this.entries.delete(k);
        if (this.entries.size <= this.max - drop) break;
      }
    }
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.clock() + this.ttlMs });
  }

  /** Drops the entries `match` selects (all when omitted); loads under way are not kept. */
  drop(match?: (key: string, value: V) => boolean) {
    this.generation++;
    if (!match) {
      this.entries.clear();
      return;
    }
    for (const [k, e] of this.entries) if (match(k, e.value)) this.entries.delete(k);
  }
}

function isChange(payload: unknown): payload is RegistryChange {
  if (typeof payload !== 'object' || payload === null) return false;
  const p = payload as Record<string, unknown>;
  return (
    ['key', 'application', 'service', 'right'].includes(p.kind as string) &&
    typeof p.id === 'string' &&
    p.id.length <= 200 &&
    (p.serviceId === undefined || typeof p.serviceId === 'string')
  );
}

/** Where a unit code leads: the units to look in for a service, best first, with their current codes. */
interface Resolution {
  candidates: { unitId: string; code: string }[];
}

/** Creates the lookup over the registry's tables, the org module (codes) and the bus (changes). */
export function createLookup(
  deps: { platform: Platform; org: OrgService; bus: Bus },
  options: LookupOptions = {},
): RegistryCache {
  const { platform, org, bus } = deps;
  const db = platform.db;
  const ttl = options.ttlMs ?? 60_000;
  const max = options.maxEntries ?? 50_000;
  const clock = () => platform.now().getTime();
  const counters = { hits: 0, misses: 0 };
  const credentials = new Cache<AppCredential | null>(ttl, max, clock, counters);
  const destinations = new Cache<DestinationService | null>(ttl, max, clock, counters);
  const byId = new Cache<DestinationService | null>(ttl, max, clock, counters);
  const operations = new Cache<readonly string[]>(ttl, max, clock, counters);
  const resolutions = new Cache<Resolution>(ttl, max, clock, counters);
  const listeners = new Set<(change: RegistryChange) => void>();
  // Code resolution reads org as the platform: the lookup serves signed calls, not a console user.
  const orgCtx = systemCtx('lgsp.registry', ['org.read']);

  /** `active` is false when the service is stopped or its provider application is suspended. */
  function toDestination(row: ServiceWithProvider, unitCode: string): DestinationService {
    return Object.freeze({
      serviceId: row.id,
      serviceCode: row.code,
      name: row.name,
      unitId: row.unitId,
      unitCode,
      providerApplicationId: row.applicationId,
      protocol: row.protocol,
      baseUrl: row.baseUrl,
      healthPath: row.healthPath,
      timeoutMs: row.timeoutMs,
      allowedMethods: Object.freeze([...row.allowedMethods]),
      active: row.active && row.providerActive,
    });
  }

  async function unitCodeOf(unitId: string): Promise<string | null> {
    const [label] = await org.unitLabels([unitId]);
    return label?.code ?? null;
  }

  async function resolve(code: string): Promise<Resolution> {
    try {
      const r = await org.resolveCode(orgCtx, code);
      const candidates = r.current.map((u) => ({ unitId: u.id, code: u.code }));
      // A closed unit's own services still answer while its systems run (transition after a merger).
      if (!candidates.some((c) => c.unitId === r.unit.id))
        candidates.push({ unitId: r.unit.id, code: r.unit.code });
      return { candidates };
    } catch (err) {
      if (isAppError(err, 'NOT_FOUND')) return { candidates: [] };
      throw err;
    }
  }

  function invalidate(change: RegistryChange) {
    if (change.id === '*') {
      for (const c of [credentials, destinations, byId, operations, resolutions]) c.drop();
      return;
    }
    switch (change.kind) {
      case 'key':
        credentials.drop((k) => k === change.id);
        break;
      case 'application':
        credentials.drop((_k, v) => v?.applicationId === change.id);
        // A suspended or resumed provider turns its services off or on.
        destinations.drop((_k, v) => v?.providerApplicationId === change.id);
        byId.drop((_k, v) => v?.providerApplicationId === change.id);
        break;
      case 'service':
        // Drops negative answers too: a new service may now match a code looked up before.
        destinations.drop();
        byId.drop((k) => k === change.id);
        operations.drop((k) => k.endsWith(`|${change.id}`));
        break;
      case 'right':
        operations.drop((k) =>
          change.serviceId ? k === `${change.id}|${change.serviceId}` : k.startsWith(`${change.id}|`),
        );
        break;
    }
  }

  function notify(change: RegistryChange) {
    for (const listener of [...listeners]) {
      try {
        listener(change);
      } catch (err) {
        platform.log.error({ err }, 'lgsp registry change listener failed');
      }
    }
  }

  const unsubscribe = bus.subscribe(REGISTRY_CHANGED, (payload, delivery) => {
    // This node's own changes were applied before publishing.
    if (delivery.local) return;
    if (!isChange(payload)) {
      platform.log.warn({ topic: REGISTRY_CHANGED }, 'lgsp registry: malformed change message ignored');
      return;
    }
    invalidate(payload);
    notify(payload);
  });
  // Messages may have been missed while the listener was away: trust nothing cached.
  const unsubscribeReconnect = bus.subscribe(BUS_RECONNECTED, () => {
    const all: RegistryChange = { kind: 'application', id: '*' };
    invalidate(all);
    notify(all);
  });

  // When each cached credential's key stops working by itself: a rotated key's overlap end, or the
  // end of the certificate an RSA key came with (X-Road refuses a signature under an expired certificate).
  const expiries = new WeakMap<AppCredential, number>();

  function effective(credential: AppCredential): AppCredential {
    if (credential.keyStatus !== 'rotated' && credential.keyStatus !== 'active') return credential;
    const ends = expiries.get(credential);
    return ends !== undefined && ends <= clock() ? { ...credential, keyStatus: 'expired' } : credential;
  }

  return {
    async credentialByAccessKey(accessKey) {
      if (typeof accessKey !== 'string' || !/^lgsp_[a-z2-7]{20}$/u.test(accessKey)) return null;
      const credential = await credentials.get(accessKey, async () => {
        const row = await credentialRow(db, accessKey);
        if (!row) return null;
        const unitCode = (await unitCodeOf(row.unitId)) ?? '';
        const status: KeyStatus = row.status;
        const credential: AppCredential = Object.freeze({
          applicationId: row.applicationId,
          applicationCode: row.applicationCode,
          applicationName: row.applicationName,
          unitId: row.unitId,
          unitCode,
          accessKey: row.accessKey,
          keyStatus: status,
          validUntil: row.validUntil,
          kind: row.kind,
          algorithms: Object.freeze([...row.algorithms]),
          // A revoked key's secret is never needed again: keep it out of memory.
          secret:
            row.secretSealed && status !== 'revoked'
              ? Buffer.from(open(platform.masterKey, row.secretSealed), 'utf8')
              : null,
          publicKeyPem: status !== 'revoked' ? row.publicKeyPem : null,
          allowedNetworks: Object.freeze([...row.allowedNetworks]),
          applicationActive: row.applicationStatus === 'active',
          rateLimitPerMinute: row.rateLimitPerMinute,
          quotaPerDay: row.quotaPerDay,
        });
        const ends = [status === 'rotated' ? row.validUntil : null, row.certificateNotAfter]
          .filter((d): d is Date => d !== null)
          .map((d) => d.getTime());
        if (ends.length) expiries.set(credential, Math.min(...ends));
        return credential;
      });
      return credential ? effective(credential) : null;
    },

    async destination(unitCode, serviceCode) {
      if (typeof unitCode !== 'string' || typeof serviceCode !== 'string') return null;
      if (!/^[a-z0-9-]{2,40}$/u.test(serviceCode)) return null;
      const code = tryNormaliseCode(unitCode.trim());
      if (code === null) return null;
      return destinations.get(`${code}|${serviceCode}`, async () => {
        const { candidates } = await resolutions.get(code, () => resolve(code));
        const rows = await servicesByUnitsAndCode(
          db,
          candidates.map((c) => c.unitId),
          serviceCode,
        );
        for (const c of candidates) {
          const row = rows.find((r) => r.unitId === c.unitId);
          if (row) return toDestination(row, c.code);
        }
        return null;
      });
    },

    async destinationById(serviceId) {
      if (typeof serviceId !== 'string' || !/^[0-9a-f-]{36}$/iu.test(serviceId)) return null;
      return byId.get(serviceId, async () => {
        const [row] = await servicesByIds(db, [serviceId]);
        if (!row) return null;
        return toDestination(
          { ...row, providerActive: row.applicationStatus === 'active' },
          (await unitCodeOf(row.unitId)) ?? '',
        );
      });
    },

    async allowedOperations(applicationId, serviceId) {
      if (typeof applicationId !== 'string' || typeof serviceId !== 'string') return [];
      if (!/^[0-9a-f-]{36}$/iu.test(applicationId) || !/^[0-9a-f-]{36}$/iu.test(serviceId)) return [];
      return operations.get(`${applicationId}|${serviceId}`, async () => {
        const [ops, [service]] = await Promise.all([
          rightOperations(db, applicationId, serviceId),
          servicesByIds(db, [serviceId]),
        ]);
        if (!ops || !service?.active) return Object.freeze([]);
        // A right never reaches past what the service accepts today (its methods may have narrowed).
        return Object.freeze(ops.filter((m) => service.allowedMethods.includes(m)));
      });
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async changed(change) {
      invalidate(change);
      notify(change);
      try {
        await bus.publish(REGISTRY_CHANGED, { ...change });
      } catch (err) {
        // The other nodes drop the entry at the TTL instead; the change itself is committed.
        platform.log.error({ err }, 'lgsp registry: change could not be announced to other nodes');
      }
    },

    async listDestinations() {
      const rows = await activeServices(db);
      const labels = new Map(
        (await org.unitLabels([...new Set(rows.map((r) => r.unitId))])).map((l) => [l.id, l]),
      );
      return rows.map((r) => toDestination(r, labels.get(r.unitId)?.code ?? ''));
    },

    async unitsWithRightsTo(serviceId) {
      if (typeof serviceId !== 'string' || !/^[0-9a-f-]{36}$/iu.test(serviceId)) return [];
      return unitsWithRightsTo(db, serviceId);
    },

    stats: () => ({ ...counters }),

    close() {
      unsubscribe();
      unsubscribeReconnect();
      listeners.clear();
    },
  };
}
