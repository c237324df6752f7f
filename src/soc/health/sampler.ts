/**
 * @module soc/health/sampler
 * The SIEM's own figures (SOC-16), sampled every 10 s for the last hour, like core/health does for the node:
 * events per second per input, drops, queue depth, parse-error rate, stored events per second and storage lag.
 * Rates are differences between two readings of the in-memory totals (`SiemTotals`), never counted twice; the
 * history is a ring buffer in memory, per node, empty at each start.
 */
import { performance } from 'node:perf_hooks';
import type { SiemTotals } from './counters.ts';

/** One point of the charts. */
export interface SiemSample {
  /** When the sample was taken (ISO 8601). */
  at: string;
  /** Events received per second over the interval, per input id. */
  inputs: Record<string, number>;
  /** All inputs together. */
  receivedPerSecond: number;
  droppedPerSecond: number;
  /** Events accepted and waiting for processing at the sample's moment. */
  queueDepth: number;
  /** Share (0–1) of the events parsed in the interval that carry the parse-error tag. */
  parseErrorRate: number;
  storedPerSecond: number;
  /** Largest received → committed delay of the batches stored in the interval; null when none was stored. */
  storageLagMs: number | null;
}

/** Totals at one moment. */
interface Reading {
  mono: number;
  inputs: Map<string, number>;
  received: number;
  dropped: number;
  parsed: number;
  parseErrors: number;
  stored: number;
}

/** Tuning (tests shorten the buffer). */
export interface SiemSamplerOptions {
  intervalMs?: number;
  /** Samples kept; default one hour of samples. */
  capacity?: number;
  /** Monotonic clock in milliseconds (tests move it by hand); default `performance.now`. */
  mono?: () => number;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Samples the SIEM's counters on a timer and keeps the last hour of them. */
export class SiemSampler {
  readonly intervalMs: number;
  private readonly capacity: number;
  private readonly ring: { reading: Reading; sample: SiemSample }[] = [];
  private next = 0;
  private readonly baseline: Reading;
  private last: Reading;
  private timer: NodeJS.Timeout | null = null;
  private readonly mono: () => number;

  constructor(
    private readonly deps: {
      counters: SiemTotals;
      depth: () => number;
      now: () => Date;
      onError: (err: unknown) => void;
    },
    options: SiemSamplerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 10_000;
    this.capacity = options.capacity ?? Math.ceil(3_600_000 / this.intervalMs);
    this.mono = options.mono ?? (() => performance.now());
    this.baseline = this.read();
    this.last = this.baseline;
  }

  /** Starts sampling; the timer never keeps the process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.sample();
      } catch (err) {
        this.deps.onError(err);
      }
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Takes one sample now (the timer's step) and adds it to the history. */
  sample(): SiemSample {
    const reading = this.read();
    const sample = this.between(this.last, reading, true);
    this.last = reading;
    if (this.ring.length < this.capacity) this.ring.push({ reading, sample });
    else this.ring[this.next] = { reading, sample };
    this.next = (this.next + 1) % this.capacity;
    return sample;
  }

  /** The samples kept, oldest first. */
  history(): SiemSample[] {
    const ordered =
      this.ring.length < this.capacity
        ? this.ring
        : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return ordered.map((r) => r.sample);
  }

  /** Figures now: rates over the last minute (or since start when shorter); the lag of the last batch. */
  current(): SiemSample {
    const reading = this.read();
    let reference = this.baseline;
    for (const r of this.ring) {
      if (r.reading.mono <= reading.mono - 60_000 && r.reading.mono > reference.mono) reference = r.reading;
    }
    return this.between(reference, reading, false);
  }

  private read(): Reading {
    const c = this.deps.counters;
    const inputs = new Map<string, number>();
    for (const [id, t] of c.inputs) inputs.set(id, t.events);
    return {
      mono: this.mono(),
      inputs,
      received: c.receivedTotal(),
      dropped: c.droppedTotal(),
      parsed: c.parsedEvents,
      parseErrors: c.parseErrors,
      stored: c.storedEvents,
    };
  }

  private between(from: Reading, to: Reading, takePeak: boolean): SiemSample {
    const seconds = (to.mono - from.mono) / 1000;
    const rate = (delta: number) => (seconds > 0 ? round(Math.max(0, delta) / seconds, 1) : 0);
    const inputs: Record<string, number> = {};
    for (const [id, events] of to.inputs) inputs[id] = rate(events - (from.inputs.get(id) ?? 0));
    const parsed = to.parsed - from.parsed;
    const stored = to.stored - from.stored;
    const counters = this.deps.counters;
    return {
      at: this.deps.now().toISOString(),
      inputs,
      receivedPerSecond: rate(to.received - from.received),
      droppedPerSecond: rate(to.dropped - from.dropped),
      queueDepth: this.deps.depth(),
      parseErrorRate: parsed > 0 ? round((to.parseErrors - from.parseErrors) / parsed, 4) : 0,
      storedPerSecond: rate(stored),
      storageLagMs: takePeak ? counters.takePeakLag(stored > 0) : stored > 0 ? counters.lastLagMs : null,
    };
  }
}
