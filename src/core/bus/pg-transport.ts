/**
 * @module core/bus/pg-transport
 * Cross-node delivery through PostgreSQL LISTEN/NOTIFY. Listening needs a connection of its own for
 * the whole life of the node (a pooled connection would be handed to other queries), so the transport
 * opens one dedicated client and, if it drops (server restart, failover, network), opens it again with
 * a growing pause. Sending uses the ordinary pool: `select pg_notify(channel, payload)`.
 */
import pg from 'pg';
import { quoteIdent } from '../db/index.ts';
import type { Logger } from '../log/logger.ts';
import type { BusTransport } from './bus.ts';

/** Settings of the PostgreSQL transport. */
export interface PgListenOptions {
  connectionString: string;
  /** NOTIFY channel (at most 63 bytes). */
  channel: string;
  /** Shown in pg_stat_activity, so an operator can tell the listener apart. */
  applicationName: string;
  /** Sends one NOTIFY through the pool. */
  notify(channel: string, raw: string): Promise<void>;
  log: Logger;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

/** LISTEN on one dedicated connection, reconnecting when it drops; NOTIFY through the pool. */
export class PgListenTransport implements BusTransport {
  readonly name = 'postgres';
  private client: pg.Client | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private delay: number;
  private reconnectCount = 0;
  private everListened = false;
  private receive: (raw: string) => void = () => {};
  private reconnected: () => void = () => {};

  constructor(private readonly options: PgListenOptions) {
    if (Buffer.byteLength(options.channel) > 63) throw new TypeError('a NOTIFY channel has at most 63 bytes');
    this.delay = options.reconnectMinMs;
  }

  /** Connects and listens; on failure a retry is already scheduled when the promise rejects. */
  async start(receive: (raw: string) => void, reconnected: () => void): Promise<void> {
    this.receive = receive;
    this.reconnected = reconnected;
    await this.connect();
  }

  async send(raw: string): Promise<void> {
    await this.options.notify(this.options.channel, raw);
  }

  listening(): boolean {
    return this.client !== null;
  }

  reconnects(): number {
    return this.reconnectCount;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const { connectionString, channel, applicationName } = this.options;
    const client = new pg.Client({ connectionString, application_name: applicationName });
    client.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) this.receive(message.payload);
    });
    // Both fire when the connection dies; `lost` acts once, and only for the live client.
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      // The listener never keeps the process alive by itself: a server has its HTTP listener for that,
      // and a one-shot command (tinhso admin …) must exit once its work is done.
      (
        client as unknown as { connection?: { stream?: { unref?: () => void } } }
      ).connection?.stream?.unref?.();
      await client.query(`listen ${quoteIdent(channel)}`);
    } catch (err) {
      client.end().catch(() => {});
      this.schedule();
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.delay = this.options.reconnectMinMs;
    if (this.everListened) {
      this.reconnectCount++;
      this.options.log.info({ channel }, 'event bus listener reconnected');
      this.reconnected();
    }
    this.everListened = true;
  }

  private lost(client: pg.Client, err?: Error): void {
    if (this.client !== client) return;
    this.client = null;
    this.options.log.warn({ err }, 'event bus listener lost its connection; reconnecting');
    client.end().catch(() => {});
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.options.reconnectMaxMs);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect().catch((err: unknown) =>
        this.options.log.warn({ err }, 'event bus listener could not reconnect; trying again'),
      );
    }, wait);
    // A pending retry must not keep a stopping process alive.
    this.timer.unref();
  }
}
