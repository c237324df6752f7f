/**
 * @module core/http/metrics
 * Prometheus metrics: process defaults plus HTTP request durations by route.
 */
import client from 'prom-client';

/** Access-log totals read at scrape time. */
export interface AccessLogStats {
  readonly pending: number;
  readonly stats: { entriesWritten: number; flushes: number; flushSeconds: number };
}

/** A registry per server, so several servers in one test process do not collide. */
export function createMetrics(accessLog: AccessLogStats) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'tinhso_' });
  const httpDuration = new client.Histogram({
    name: 'tinhso_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new client.Gauge({
    name: 'tinhso_access_log_pending',
    help: 'Access-log entries buffered and not yet written',
    registers: [registry],
    collect() {
      this.set(accessLog.pending);
    },
  });
  new client.Gauge({
    name: 'tinhso_access_log_entries_written',
    help: 'Access-log entries written since start',
    registers: [registry],
    collect() {
      this.set(accessLog.stats.entriesWritten);
    },
  });
  new client.Gauge({
    name: 'tinhso_access_log_flush_seconds',
    help: 'Total time spent writing access-log batches since start',
    registers: [registry],
    collect() {
      this.set(accessLog.stats.flushSeconds);
    },
  });
  const included: client.Registry[] = [];
  return {
    registry,
    httpDuration,
    /** Adds a module's own registry (the SIEM's `tinhso_soc_*`) to what `/metrics` serves. */
    include(other: client.Registry): void {
      if (!included.includes(other)) included.push(other);
    },
    /** The text `/metrics` serves: this server's metrics, then each included registry's. */
    async text(): Promise<string> {
      const parts = await Promise.all([registry, ...included].map((r) => r.metrics()));
      return parts.join('\n');
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
