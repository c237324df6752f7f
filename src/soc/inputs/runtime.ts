/**
 * @module soc/inputs/runtime
 * The inputs of this node: a cache of the registry rows and the syslog listeners running here, kept in line
 * with the rows (`reconcile`). One change at a time, so a start racing a stop never leaves a stray socket.
 */
import type { Config } from '../../core/config/index.ts';
import { AppError } from '../../core/errors/index.ts';
import { type TlsOptions, tlsOptions } from '../../core/http/tls.ts';
import type { Logger } from '../../core/log/logger.ts';
import type { IngestSink, SiemCounters } from '../contracts.ts';
import {
  createStreamListener,
  createUdpListener,
  type ListenAddress,
  type ListenerStats,
  type SyslogListener,
} from '../ingest/syslog/index.ts';
import { isSyslogKind } from './model.ts';
import type { InputRow } from './store.ts';

/** Where and how a syslog listener binds. */
export interface ListenSpec {
  host: string;
  port: number;
  maxConnections: number | null;
}

export interface RuntimeDeps {
  config: Readonly<Config>;
  log: Logger;
  sink: IngestSink;
  counters: SiemCounters;
}

const NO_CERTIFICATE = 'no_certificate';

/** The listeners of this node and the rows they follow. */
export class InputRuntime {
  private readonly rows = new Map<string, InputRow>();
  private readonly running = new Map<string, { listener: SyslogListener; key: string }>();
  private readonly problems = new Map<string, string>();
  private chain: Promise<unknown> = Promise.resolve();
  private tls: Promise<TlsOptions | null> | null = null;

  constructor(private readonly deps: RuntimeDeps) {}

  /** Replaces the cached rows (after a load from the database). */
  setRows(rows: InputRow[]): void {
    for (const row of rows) this.rows.set(row.id, row);
  }

  row(id: string): InputRow | undefined {
    return this.rows.get(id);
  }

  ids(): string[] {
    return [...this.rows.keys()];
  }

  /**
   * Syslog inputs run when their listener is bound here; HTTP and `_bulk` are routes, "running" wherever the
   * registry has them enabled (on by default until the rows are read).
   */
  isRunning(id: string): boolean {
    const row = this.rows.get(id);
    if (row && isSyslogKind(row.kind)) return this.running.has(id);
    if (id === 'http' || id === 'bulk') return row?.enabled ?? true;
    return false;
  }

  address(id: string): ListenAddress | null {
    return this.running.get(id)?.listener.address() ?? null;
  }

  stats(id: string): ListenerStats {
    return this.running.get(id)?.listener.stats() ?? { connections: 0, refusedConnections: 0, pauses: 0 };
  }

  problem(id: string): string | null {
    return this.problems.get(id) ?? null;
  }

  /** The address and limit a syslog input binds with: its settings over `soc.syslog.*`. */
  spec(row: InputRow): ListenSpec | null {
    if (!isSyslogKind(row.kind)) return null;
    const cfg = this.deps.config.soc.syslog;
    const port =
      row.settings.port ??
      (row.kind === 'syslog-udp' ? cfg.udpPort : row.kind === 'syslog-tcp' ? cfg.tcpPort : cfg.tlsPort);
    return {
      host: row.settings.host ?? cfg.host,
      port,
      maxConnections: row.kind === 'syslog-udp' ? null : (row.settings.maxConnections ?? cfg.maxConnections),
    };
  }

  /**
   * Starts, restarts or stops the listener of `id` to match its row. Rejects with `SOC_INPUT_TLS_NO_CERTIFICATE`
   * or `SOC_INPUT_START_FAILED` when it should run and cannot (the reason also stays in `problem(id)`).
   */
  reconcile(id: string): Promise<void> {
    const next = this.chain.then(() => this.apply(id));
    this.chain = next.catch(() => {});
    return next;
  }

  /** Stops every listener of this node. */
  closeAll(): Promise<void> {
    const next = this.chain.then(async () => {
      const all = [...this.running.values()];
      this.running.clear();
      await Promise.all(all.map((r) => r.listener.close()));
    });
    this.chain = next.catch(() => {});
    return next;
  }

  private async apply(id: string): Promise<void> {
    const row = this.rows.get(id);
    const spec = row ? this.spec(row) : null;
    const current = this.running.get(id);
    if (!row || !spec || !row.enabled) {
      this.problems.delete(id);
      if (current) {
        this.running.delete(id);
        await current.listener.close();
      }
      return;
    }
    const key = JSON.stringify(spec);
    if (current?.key === key) return;
    if (current) {
      this.running.delete(id);
      await current.listener.close();
    }
    const listener = await this.create(row, spec);
    try {
      await listener.start();
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      this.problems.set(id, `${reason} ${spec.host}:${spec.port}`);
      throw new AppError(
        'SOC_INPUT_START_FAILED',
        { id, reason: `${reason} (${spec.host}:${spec.port})` },
        { cause: err },
      );
    }
    this.problems.delete(id);
    this.running.set(id, { listener, key });
  }

  private async create(row: InputRow, spec: ListenSpec): Promise<SyslogListener> {
    const options = {
      input: row.id,
      host: spec.host,
      port: spec.port,
      maxEventBytes: this.deps.config.soc.ingest.maxEventBytes,
      maxConnections: spec.maxConnections ?? 1,
      // Read per message: a charset change applies without restarting the listener.
      charset: () => this.rows.get(row.id)?.settings.charset,
      sink: this.deps.sink,
      counters: this.deps.counters,
      log: this.deps.log,
    };
    if (row.kind === 'syslog-udp') return createUdpListener(options);
    if (row.kind === 'syslog-tcp') return createStreamListener({ ...options, kind: 'syslog-tcp' });
    this.tls ??= tlsOptions(this.deps.config);
    let tls: TlsOptions | null;
    try {
      tls = await this.tls;
    } catch (err) {
      this.tls = null;
      this.problems.set(row.id, NO_CERTIFICATE);
      throw new AppError(
        'SOC_INPUT_START_FAILED',
        { id: row.id, reason: (err as Error).message },
        { cause: err },
      );
    }
    if (!tls) {
      this.problems.set(row.id, NO_CERTIFICATE);
      throw new AppError('SOC_INPUT_TLS_NO_CERTIFICATE');
    }
    return createStreamListener({ ...options, kind: 'syslog-tls', tlsOptions: tls });
  }
}
