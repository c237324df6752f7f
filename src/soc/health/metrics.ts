/**
 * @module soc/health/metrics
 * The SIEM's figures as Prometheus metrics (`tinhso_soc_*`): totals read from `SiemTotals` at scrape time
 * (never counted twice), the queue depth, the storage lag, and the inventory (sources by state, open silence
 * alerts). A registry of its own, served at `/api/soc/metrics` and mergeable into the server's.
 */
import client from 'prom-client';
import type { SiemTotals } from './counters.ts';
import type { ProcessingStatus } from './routes.ts';

/** Inventory figures over every unit. */
export type InventoryReader = () => Promise<{
  sources: number;
  silent: number;
  never: number;
  openAlerts: number;
}>;

/** Creates the SIEM metrics in a new registry. */
export function createSiemMetrics(deps: {
  counters: SiemTotals;
  depth: () => number;
  inventory?: InventoryReader;
  processing?: () => ProcessingStatus;
}): client.Registry {
  const registry = new client.Registry();
  const { counters } = deps;
  const registers = [registry];
  new client.Counter({
    name: 'tinhso_soc_received_events_total',
    help: 'Events received by each SIEM input since start',
    labelNames: ['input'],
    registers,
    collect() {
      this.reset();
      for (const [input, t] of counters.inputs) this.inc({ input }, t.events);
    },
  });
  new client.Counter({
    name: 'tinhso_soc_received_bytes_total',
    help: 'Bytes received by each SIEM input since start',
    labelNames: ['input'],
    registers,
    collect() {
      this.reset();
      for (const [input, t] of counters.inputs) this.inc({ input }, t.bytes);
    },
  });
  new client.Counter({
    name: 'tinhso_soc_dropped_events_total',
    help: 'Events an input could not take (UDP flood, oversized, refused), by reason',
    labelNames: ['input', 'reason'],
    registers,
    collect() {
      this.reset();
      for (const [input, t] of counters.inputs) {
        for (const [reason, count] of Object.entries(t.dropReasons)) this.inc({ input, reason }, count);
      }
    },
  });
  new client.Counter({
    name: 'tinhso_soc_parsed_events_total',
    help: 'Events through the pipelines since start',
    registers,
    collect() {
      this.reset();
      this.inc(counters.parsedEvents);
    },
  });
  new client.Counter({
    name: 'tinhso_soc_parse_errors_total',
    help: 'Events kept raw with the parse-error tag since start',
    registers,
    collect() {
      this.reset();
      this.inc(counters.parseErrors);
    },
  });
  new client.Counter({
    name: 'tinhso_soc_pipeline_timeouts_total',
    help: 'Events stopped in a pipeline by the time limit and kept raw, since start',
    labelNames: ['pipeline'],
    registers,
    collect() {
      this.reset();
      for (const [pipeline, n] of counters.timeouts) this.inc({ pipeline }, n);
    },
  });
  new client.Counter({
    name: 'tinhso_soc_stored_events_total',
    help: 'Events committed to the event store since start',
    registers,
    collect() {
      this.reset();
      this.inc(counters.storedEvents);
    },
  });
  new client.Gauge({
    name: 'tinhso_soc_storage_lag_seconds',
    help: 'Largest received-to-committed delay of the last stored batch',
    registers,
    collect() {
      this.set(counters.lastLagMs / 1000);
    },
  });
  new client.Gauge({
    name: 'tinhso_soc_queue_depth',
    help: 'Events accepted and waiting for processing on this node',
    registers,
    collect() {
      this.set(deps.depth());
    },
  });
  const processing = deps.processing;
  if (processing) {
    new client.Gauge({
      name: 'tinhso_soc_processing_threads',
      help: 'SIEM processing threads of this node: configured, and running and ready',
      labelNames: ['state'],
      registers,
      collect() {
        const t = processing().threads;
        this.set({ state: 'configured' }, t?.configured ?? 0);
        this.set({ state: 'running' }, t?.running ?? 0);
      },
    });
  }
  const inventory = deps.inventory;
  if (inventory) {
    new client.Gauge({
      name: 'tinhso_soc_sources',
      help: 'Inventoried log sources by state (reporting, silent, never)',
      labelNames: ['state'],
      registers,
      async collect() {
        const f = await inventory();
        this.set({ state: 'reporting' }, f.sources - f.silent - f.never);
        this.set({ state: 'silent' }, f.silent);
        this.set({ state: 'never' }, f.never);
      },
    });
    new client.Gauge({
      name: 'tinhso_soc_source_alerts_open',
      help: 'Open silence alerts (sources that stopped reporting)',
      registers,
      async collect() {
        this.set((await inventory()).openAlerts);
      },
    });
  }
  return registry;
}
