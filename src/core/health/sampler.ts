/**
 * @module core/health/sampler
 * This node's health figures, now and sampled every 10 s for the last hour, for the console's charts.
 * Request counts are read from the server's Prometheus histogram (core/http/metrics), never counted a
 * second time; rates are the difference between two readings. The history is a ring buffer in memory:
 * it is per node and starts empty at each start, which is what a chart of "this node, last hour" needs.
 */
import { type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Db } from '../db/index.ts';
import type { Metrics } from '../http/metrics.ts';
import type { Logger } from '../log/logger.ts';

/** One point of the charts. */
export interface HealthSample {
  /** When the sample was taken (ISO 8601). */
  at: string;
  rssMb: number;
  heapUsedMb: number;
  /** 99th percentile of the event-loop delay over the sample's interval; null before any measurement. */
  eventLoopLagP99Ms: number | null;
  /** HTTP requests answered per minute over the sample's interval. */
  requestsPerMinute: number;
  /** Share (0–1) of those requests answered with a 5xx status. */
  errorRate: number;
  accessLogPending: number;
  /** Connections of the PostgreSQL pool; null on PGlite. */
  dbPoolTotal: number | null;
  dbPoolIdle: number | null;
  dbPoolWaiting: number | null;
}

/** Requests answered since the server started, and how many of them with a 5xx status. */
export interface RequestTotals {
  requests: number;
  errors: number;
}

/** The pool figures of node-postgres. */
export interface PoolFigures {
  total: number;
  idle: number;
  waiting: number;
}

/** What the sampler reads. */
export interface SamplerDeps {
  now(): Date;
  readonly accessLog: { readonly pending: number };
  readonly database: { readonly kind: 'pglite' | 'postgres'; readonly db: Db };
  readonly metrics: Pick<Metrics, 'httpDuration'>;
  readonly log: Logger;
}

/** Tuning (tests shorten the interval or the buffer). */
export interface SamplerOptions {
  intervalMs?: number;
  /** Samples kept; default one hour of 10-second samples. */
  capacity?: number;
}

interface Reading {
  mono: number;
  totals: RequestTotals;
}

const MB = 1024 * 1024;
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Totals of the HTTP histogram: its `_count` series, all routes and methods, and those with a 5xx status. */
export async function requestTotals(metrics: Pick<Metrics, 'httpDuration'>): Promise<RequestTotals> {
  const data = await metrics.httpDuration.get();
  let requests = 0;
  let errors = 0;
  for (const v of data.values) {
    if (!v.metricName?.endsWith('_count')) continue;
    requests += v.value;
    if (String(v.labels.status ?? '').startsWith('5')) errors += v.value;
  }
  return { requests, errors };
}

/**
 * The pool of a PostgreSQL database: Drizzle's node-postgres handle keeps it as `$client`. Read
 * structurally, so PGlite (whose client has no pool) answers null.
 */
export function poolFigures(db: Db): PoolFigures | null {
  const client = (
    db as unknown as { $client?: Partial<Record<'totalCount' | 'idleCount' | 'waitingCount', unknown>> }
  ).$client;
  if (!client || typeof client.totalCount !== 'number') return null;
  return { total: client.totalCount, idle: Number(client.idleCount), waiting: Number(client.waitingCount) };
}

/** Samples this node's figures on a timer and keeps the last hour of them. */
export class HealthSampler {
  readonly intervalMs: number;
  private readonly capacity: number;
  private readonly ring: (Reading & { sample: HealthSample })[] = [];
  private next = 0;
  private readonly baseline: Reading;
  private last: Reading;
  private readonly loop: IntervalHistogram;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: SamplerDeps,
    options: SamplerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 10_000;
    this.capacity = options.capacity ?? Math.ceil(3_600_000 / this.intervalMs);
    // The histogram is created with the server, so at this point it counts (nearly) nothing yet.
    this.baseline = { mono: performance.now(), totals: { requests: 0, errors: 0 } };
    this.last = this.baseline;
    this.loop = monitorEventLoopDelay({ resolution: 20 });
  }

  /** Starts measuring the event loop and sampling; the timer never keeps the process alive. */
  start(): void {
    if (this.timer) return;
    this.loop.enable();
    this.timer = setInterval(() => {
      this.sample().catch((err: unknown) => this.deps.log.error({ err }, 'health sample failed'));
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.loop.disable();
  }

  /** Takes one sample now (the timer's step) and adds it to the history. */
  async sample(): Promise<HealthSample> {
    const mono = performance.now();
    const totals = await requestTotals(this.deps.metrics);
    const rate = this.rates(this.last, { mono, totals });
    const sample: HealthSample = {
      at: this.deps.now().toISOString(),
      ...this.memory(),
      eventLoopLagP99Ms: this.lag(),
      requestsPerMinute: rate.perMinute,
      errorRate: rate.errorRate,
      accessLogPending: this.deps.accessLog.pending,
      ...this.pool(),
    };
    // Each sample's percentile covers its own interval only.
    this.loop.reset();
    this.last = { mono, totals };
    if (this.ring.length < this.capacity) this.ring.push({ mono, totals, sample });
    else this.ring[this.next] = { mono, totals, sample };
    this.next = (this.next + 1) % this.capacity;
    return sample;
  }

  /** The samples kept, oldest first. */
  history(): HealthSample[] {
    const ordered =
      this.ring.length < this.capacity
        ? this.ring
        : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return ordered.map((r) => r.sample);
  }

  /** Figures at this moment; the request rate is over the last minute (or since start, if shorter). */
  async current(): Promise<{
    memory: { rssMb: number; heapUsedMb: number; heapTotalMb: number };
    eventLoopLagP99Ms: number | null;
    http: { requestsPerMinute: number; errorRate: number; requestsTotal: number; errorsTotal: number };
    pool: PoolFigures | null;
  }> {
    const mono = performance.now();
    const totals = await requestTotals(this.deps.metrics);
    let reference = this.baseline;
    for (const r of this.ring) {
      if (r.mono <= mono - 60_000 && r.mono > reference.mono) reference = r;
    }
    const rate = this.rates(reference, { mono, totals });
    const heap = process.memoryUsage();
    return {
      memory: { ...this.memory(), heapTotalMb: round(heap.heapTotal / MB, 1) },
      eventLoopLagP99Ms: this.lag(),
      http: {
        requestsPerMinute: rate.perMinute,
        errorRate: rate.errorRate,
        requestsTotal: totals.requests,
        errorsTotal: totals.errors,
      },
      pool: poolFigures(this.deps.database.db),
    };
  }

  private rates(from: Reading, to: Reading): { perMinute: number; errorRate: number } {
    const minutes = (to.mono - from.mono) / 60_000;
    const requests = to.totals.requests - from.totals.requests;
    const errors = to.totals.errors - from.totals.errors;
    return {
      perMinute: minutes > 0 ? round(requests / minutes, 1) : 0,
      errorRate: requests > 0 ? round(errors / requests, 4) : 0,
    };
  }

  private memory(): { rssMb: number; heapUsedMb: number } {
    const m = process.memoryUsage();
    return { rssMb: round(m.rss / MB, 1), heapUsedMb: round(m.heapUsed / MB, 1) };
  }

  private lag(): number | null {
    return this.loop.count > 0 ? round(this.loop.percentile(99) / 1e6, 2) : null;
  }

  private pool(): Pick<HealthSample, 'dbPoolTotal' | 'dbPoolIdle' | 'dbPoolWaiting'> {
    const p = poolFigures(this.deps.database.db);
    return { dbPoolTotal: p?.total ?? null, dbPoolIdle: p?.idle ?? null, dbPoolWaiting: p?.waiting ?? null };
  }
}
