/**
 * Two nodes of one deployment sharing one database (LGSP-15 on several machines "as one", Art. 5.6): one
 * node probes per round, every node learns the resulting state (through the bus on PostgreSQL; from the
 * database at start), and a change two nodes decide at once is recorded once with one `since`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows, sql } from '../../src/core/db/index.ts';
import { PROBE_JOB, TRAFFIC_HOLD_DOWN_MS } from '../../src/lgsp/availability/index.ts';
import { buildProvince, type Province } from '../../src/org/testing.ts';
import { testDatabaseUrl } from '../helpers/db.ts';
import {
  destination,
  type FakeDestination,
  type FakeRegistry,
  fakeDestination,
  fakeRegistry,
  type Node,
  startNode,
} from './availability-harness.ts';

let a: Node;
let b: Node;
let registry: FakeRegistry;
let p: Province;
let s: FakeDestination;
const INTERVAL_MS = 30_000;

beforeAll(async () => {
  registry = fakeRegistry();
  a = await startNode(registry, { nodeId: 'node-a' });
  b = await startNode(registry, { nodeId: 'node-b', shared: a.platform.database });
  p = await buildProvince(a.services.org);
  s = await fakeDestination({ kind: 'status', status: 200 });
});

afterAll(async () => {
  await b?.close();
  await a?.close();
  await s?.close();
});

/** Both nodes' schedulers tick at the same moment, one interval later; returns the probe runs. */
async function roundOnBoth() {
  a.clock.advance(INTERVAL_MS);
  b.clock.advance(INTERVAL_MS);
  const [ra, rb] = await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
  await Promise.all([a.availability.settled(), b.availability.settled()]);
  return {
    a: ra.filter((r) => r.job === PROBE_JOB),
    b: rb.filter((r) => r.job === PROBE_JOB),
  };
}

async function dbState(serviceId: string) {
  const [row] = await queryRows<{ online: boolean; since: string | Date }>(
    a.platform.db,
    sql`select online, since from lgsp_availability_states where service_id = ${serviceId}`,
  );
  return row ? { online: row.online, since: new Date(row.since) } : null;
}

async function eventCount(serviceId: string) {
  const [row] = await queryRows<{ n: number }>(
    a.platform.db,
    sql`select count(*)::int as n from lgsp_availability_events where service_id = ${serviceId}`,
  );
  return Number(row!.n);
}

describe('two nodes, one database', () => {
  it('probes each destination once per round, on one node only', async () => {
    const d = destination(p.finance, s.url);
    registry.services.set(d.serviceId, d);
    const before = s.hits;
    for (let i = 1; i <= 3; i++) {
      const runs = await roundOnBoth();
      expect(runs.a.length + runs.b.length, `round ${i}`).toBe(1);
      expect([...runs.a, ...runs.b][0]!.outcome).toBe('success');
      expect(s.hits - before).toBe(i);
    }
    expect(await dbState(d.serviceId)).toMatchObject({ online: true });
    registry.services.delete(d.serviceId);
  });

  it.skipIf(!testDatabaseUrl)(
    'the node that did not probe learns the change and its exact since through the bus (PostgreSQL LISTEN/NOTIFY)',
    async () => {
      const down = await fakeDestination({ kind: 'status', status: 503 });
      try {
        const d = destination(p.health, down.url);
        registry.services.set(d.serviceId, d);
        await roundOnBoth();
        const runs = await roundOnBoth();
        const recorded = await dbState(d.serviceId);
        expect(recorded?.online).toBe(false);
        const [prober, other] = runs.a.length === 1 ? [a, b] : [b, a];
        expect(prober.availability.state(d.serviceId)).toEqual(recorded);
        await vi.waitFor(() => expect(other.availability.state(d.serviceId)).toEqual(recorded), {
          timeout: 5000,
          interval: 50,
        });
        registry.services.delete(d.serviceId);
      } finally {
        await down.close();
      }
    },
  );

  it('a node that starts later loads the current states from the database', async () => {
    const down = await fakeDestination({ kind: 'status', status: 500 });
    try {
      const d = destination(p.communeA, down.url);
      registry.services.set(d.serviceId, d);
      await a.availability.probeRound();
      a.clock.advance(INTERVAL_MS);
      await a.availability.probeRound();
      const recorded = await dbState(d.serviceId);
      expect(recorded?.online).toBe(false);
      const c = await startNode(registry, { nodeId: 'node-c', shared: a.platform.database });
      try {
        expect(c.availability.state(d.serviceId)).toEqual(recorded);
      } finally {
        await c.close();
      }
      registry.services.delete(d.serviceId);
    } finally {
      await down.close();
    }
  });

  it('records once a change two nodes see in their own traffic at the same time, and both keep the recorded since', async () => {
    const d = destination(p.finance, s.url);
    registry.services.set(d.serviceId, d);
    await a.availability.probeRound();
    expect((await dbState(d.serviceId))?.online).toBe(true);
    const eventsBefore = await eventCount(d.serviceId);
    a.clock.advance(TRAFFIC_HOLD_DOWN_MS);
    // Node clocks differ a little: b's reads 5 s later than a's.
    b.clock.now = new Date(a.clock.now.getTime() + 5000);
    // b has not heard of the service yet on PGlite (no bus between nodes); it learns the unit from the registry.
    for (let i = 0; i < 5; i++) {
      a.availability.recordOutcome(d.serviceId, false);
      b.availability.recordOutcome(d.serviceId, false);
    }
    expect(a.availability.state(d.serviceId)?.online).toBe(false);
    expect(b.availability.state(d.serviceId)?.online).toBe(false);
    await Promise.all([a.availability.settled(), b.availability.settled()]);
    const recorded = await dbState(d.serviceId);
    expect(recorded?.online).toBe(false);
    expect(await eventCount(d.serviceId)).toBe(eventsBefore + 1);
    await vi.waitFor(() => {
      expect(a.availability.state(d.serviceId)).toEqual(recorded);
      expect(b.availability.state(d.serviceId)).toEqual(recorded);
    });
    registry.services.delete(d.serviceId);
  });
});
