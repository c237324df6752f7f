/**
 * @module core/bus/bus
 * The event bus: `publish(topic, payload)` and `subscribe(topic, handler)`. Every message reaches the
 * subscribers of the publishing node at once; with PostgreSQL it also reaches every other node through
 * LISTEN/NOTIFY on one dedicated connection per node. On PGlite there is only one node, so delivery is
 * in-process only. Delivery is at most once: a message published while a node's listener is reconnecting
 * is lost for that node, which then announces `bus.reconnected` locally so subscribers can catch up from
 * the database (the system of record); the bus never carries state that exists nowhere else.
 */
import { randomBytes } from 'node:crypto';
import { type Db, sql } from '../db/index.ts';
import { AppError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import { PgListenTransport } from './pg-transport.ts';

/** A value that survives JSON.stringify / JSON.parse unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Where a delivered message came from. */
export interface Delivery {
  readonly topic: string;
  /** The bus id of the publishing node. */
  readonly origin: string;
  /** True when published on this node. */
  readonly local: boolean;
}

/** Receives the payload of a message; a received payload is untrusted input and must be checked. */
export type BusHandler = (payload: unknown, delivery: Delivery) => void | Promise<void>;

/** How messages leave this node: the seam where NATS JetStream will plug in (TINHSO_NATS_URL). */
export interface BusTransport {
  /** `postgres` (LISTEN/NOTIFY), later `nats`. */
  readonly name: string;
  /** Starts receiving; `receive` gets each raw message, `reconnected` is called after a lost connection is back. */
  start(receive: (raw: string) => void, reconnected: () => void): Promise<void>;
  /** Sends one serialised envelope to every node (this one included; the bus drops its own). */
  send(raw: string): Promise<void>;
  /** Whether messages from other nodes currently arrive. */
  listening(): boolean;
  /** How many times the connection was re-established since start. */
  reconnects(): number;
  close(): Promise<void>;
}

/** What the bus reports about itself (health page). */
export interface BusStatus {
  transport: 'in-process' | string;
  listening: boolean;
  reconnects: number;
}

/** The event bus of one node. */
export interface Bus {
  /** This bus's id in envelopes: the node id plus a random tag, so two buses of one process differ. */
  readonly id: string;
  /** Delivers to this node's subscribers, then to the other nodes; `BUS_PAYLOAD_TOO_LARGE` over the limit. */
  publish(topic: string, payload: JsonValue): Promise<void>;
  /** Calls `handler` for each message on `topic`; returns the function that stops it. */
  subscribe(topic: string, handler: BusHandler): () => void;
  /** Resolves once cross-node delivery listens (at once in-process); never rejects. */
  ready(): Promise<void>;
  status(): BusStatus;
  /** Stops listening; later publishes still reach this node's subscribers. */
  close(): Promise<void>;
}

/** What the bus needs of the platform. */
export interface BusDeps {
  readonly config: {
    readonly nodeId: string;
    readonly database: { readonly url: string };
    readonly nats: { readonly url: string };
  };
  readonly database: { readonly kind: 'pglite' | 'postgres'; readonly db: Db };
  readonly log: Logger;
}

/** Tuning, mostly for tests. */
export interface BusOptions {
  /**
   * NOTIFY channel. Default `tinhso_bus`, suffixed with the schema when the database's schema is not
   * `public`: deployments (or test files) sharing one database in separate schemas never hear each other.
   */
  channel?: string;
  /** Connection of the listener; default `config.database.url`. */
  connectionString?: string;
  /** First and longest wait between reconnection attempts of the listener. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/** Topic announced locally after the listener came back: messages may have been missed meanwhile. */
export const BUS_RECONNECTED = 'bus.reconnected';

/**
 * PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; the same limit applies in-process so that
 * code working on one node does not fail once a second node is added.
 */
export const MAX_MESSAGE_BYTES = 7999;
const TOPIC = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

/** `tinhso_bus`, or `tinhso_bus_<schema>` when the connection's schema is not `public`. */
async function defaultChannel(db: Db): Promise<string> {
  const result = (await db.execute(sql`select current_schema() as schema`)) as unknown as {
    rows: { schema: string | null }[];
  };
  const schema = result.rows[0]?.schema ?? 'public';
  const channel = schema === 'public' ? 'tinhso_bus' : `tinhso_bus_${schema}`;
  // A channel name is an identifier of at most 63 bytes.
  return Buffer.from(channel)
    .subarray(0, 63)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}

/** An envelope as sent between nodes. Short keys: the 8000-byte limit is for the whole envelope. */
interface Envelope {
  /** origin bus id */
  o: string;
  /** topic */
  t: string;
  /** payload */
  p: unknown;
}

/** Creates the bus of this node: PostgreSQL LISTEN/NOTIFY when the database is PostgreSQL, else in-process. */
export function createBus(deps: BusDeps, options: BusOptions = {}): Bus {
  const { log } = deps;
  const id = `${deps.config.nodeId}/${randomBytes(4).toString('hex')}`;
  const handlers = new Map<string, Set<BusHandler>>();
  if (deps.config.nats.url) {
    // Configured but not built yet: say so instead of silently ignoring it (ARCHITECTURE: NATS JetStream).
    log.warn('nats.url is set but the NATS transport is not implemented yet; the event bus uses PostgreSQL');
  }
  const connectionString = options.connectionString ?? deps.config.database.url;
  let transport: BusTransport | null = null;
  let closed = false;
  const listens = deps.database.kind === 'postgres' && connectionString !== '';
  if (deps.database.kind === 'postgres' && !listens) {
    log.warn('event bus: no database URL for a listener; messages stay on this node');
  }
  // The transport exists once its channel is known (the default one asks the database for its schema).
  const created: Promise<BusTransport | null> = listens
    ? (async () => {
        const channel = options.channel ?? (await defaultChannel(deps.database.db));
        if (closed) return null;
        transport = new PgListenTransport({
          connectionString,
          channel,
          applicationName: `tinhso-bus ${id}`.slice(0, 63),
          notify: async (to, raw) => {
            await deps.database.db.execute(sql`select pg_notify(${to}, ${raw})`);
          },
          log,
          reconnectMinMs: options.reconnectMinMs ?? 500,
          reconnectMaxMs: options.reconnectMaxMs ?? 30_000,
        });
        return transport;
      })().catch((err: unknown) => {
        log.error({ err }, 'event bus: cross-node delivery is off (the channel could not be set up)');
        return null;
      })
    : Promise.resolve(null);

  const deliver = (topic: string, payload: unknown, origin: string) => {
    const set = handlers.get(topic);
    if (!set) return;
    const delivery: Delivery = { topic, origin, local: origin === id };
    // A copy of the set: a handler may unsubscribe itself. Handlers are not awaited, so a publisher inside
    // a transaction never waits on a subscriber that reads the database (PGlite has one connection).
    for (const handler of [...set]) {
      try {
        const result = handler(payload, delivery);
        if (result instanceof Promise) {
          result.catch((err: unknown) => log.error({ err, topic }, 'event bus subscriber failed'));
        }
      } catch (err) {
        log.error({ err, topic }, 'event bus subscriber failed');
      }
    }
  };

  const receive = (raw: string) => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      log.warn('event bus: a message that is not JSON was ignored');
      return;
    }
    if (typeof envelope?.o !== 'string' || typeof envelope.t !== 'string') return;
    // Our own NOTIFY comes back to our listener: the local subscribers already had it.
    if (envelope.o === id) return;
    deliver(envelope.t, envelope.p, envelope.o);
  };

  const started = created.then((t) =>
    t
      ?.start(receive, () => deliver(BUS_RECONNECTED, null, id))
      .catch((err: unknown) => log.error({ err }, 'event bus listener could not start; retrying')),
  );

  return {
    id,
    async publish(topic, payload) {
      if (!TOPIC.test(topic) || topic.length > 200) throw new TypeError(`invalid bus topic: ${topic}`);
      const raw = JSON.stringify({ o: id, t: topic, p: payload } satisfies Envelope);
      const bytes = Buffer.byteLength(raw);
      if (bytes > MAX_MESSAGE_BYTES) {
        throw new AppError('BUS_PAYLOAD_TOO_LARGE', { topic, bytes, limit: MAX_MESSAGE_BYTES });
      }
      // Subscribers here get the payload as the other nodes will: parsed from JSON, never the caller's object.
      deliver(topic, (JSON.parse(raw) as Envelope).p, id);
      const t = await created;
      if (t && !closed) await t.send(raw);
    },
    subscribe(topic, handler) {
      let set = handlers.get(topic);
      if (!set) {
        set = new Set();
        handlers.set(topic, set);
      }
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size === 0 && handlers.get(topic) === set) handlers.delete(topic);
      };
    },
    ready: () => started.then(() => undefined),
    status: () => ({
      transport: listens ? 'postgres' : 'in-process',
      listening: listens ? (transport?.listening() ?? false) : true,
      reconnects: transport?.reconnects() ?? 0,
    }),
    async close() {
      closed = true;
      await (await created)?.close();
    },
  };
}
