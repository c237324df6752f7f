/**
 * @module soc
 * Public surface of the SOC module's SIEM: inputs → ingestion (in-process queue or NATS) → pipelines →
 * sources → event store, and search over it. Composes the parts and registers their routes under `/api/soc`.
 */
import type { App } from '../core/http/types.ts';
import { createSocConfig, type SocConfig } from './config/index.ts';
import type { SocDeps, SocPart } from './deps.ts';
import { SiemTotals } from './health/counters.ts';
import { createSiemHealth, type SiemHealth } from './health/index.ts';
import { lgspFeedReader } from './ingest/feeds/lgsp-reader.ts';
import { createFileImports, type FileImports } from './ingest/files/index.ts';
import { createIngest, type Ingest } from './ingest/index.ts';
import { createInputs, type Inputs } from './inputs/index.ts';
import { createPipelines, isDropped, type PipelineService } from './pipelines/index.ts';
import {
  createIngestion,
  createProcessingThreads,
  createProcessor,
  type Ingestion,
} from './processing/index.ts';
import { createSearch, type Search } from './search/index.ts';
import { createSources, type SourceService } from './sources/index.ts';
import { createEventStore, type EventStore } from './store/index.ts';

export type * from './contracts.ts';
export type { SocDeps } from './deps.ts';

/** The SOC module's services. */
export interface Soc {
  readonly counters: SiemTotals;
  readonly pipelines: PipelineService;
  readonly sources: SourceService;
  readonly store: EventStore;
  readonly ingestion: Ingestion;
  readonly ingest: Ingest;
  readonly health: SiemHealth;
  readonly inputs: Inputs;
  readonly search: Search;
  readonly fileImports: FileImports;
  readonly config: SocConfig;
  /** Registers every SOC route under `/api/soc`. */
  register(app: App): Promise<void>;
  /** Starts the listeners and loops (`tinhso serve`). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Creates the SOC module over the platform services. */
export function createSoc(deps: SocDeps): Soc {
  const counters = new SiemTotals();
  const pipelines = createPipelines(deps, (pipeline) => counters.timedOut(pipeline));
  const sources = createSources(deps);
  const store = createEventStore(deps, { retention: () => sources.retention() });
  const processor = createProcessor({
    pipelines,
    enricher: sources,
    writer: store,
    counters,
    now: () => Date.now(),
    isDropped,
  });
  // With PostgreSQL, worker threads process the batches; this thread keeps the inputs and the API.
  const threads = createProcessingThreads(deps, counters, processor);
  const ingestion = createIngestion(deps, threads?.process ?? processor);
  const health = createSiemHealth({
    ...deps,
    counters,
    depth: () => ingestion.depth(),
    inventory: (scope) => sources.inventory(scope),
    processing: () => ({
      mode: threads ? 'threads' : ingestion.mode === 'nats' ? 'nats' : 'main',
      threads: threads?.status() ?? null,
    }),
  });
  const inputs = createInputs({ ...deps, sink: ingestion.sink, counters });
  const ingest = createIngest({
    ...deps,
    sink: ingestion.sink,
    counters,
    isInputRunning: (id) => inputs.isRunning(id),
    lgspReader: deps.lgspExchangesAfter
      ? lgspFeedReader(deps.lgspExchangesAfter, () => deps.platform.now())
      : undefined,
  });
  const search = createSearch(deps);
  // Order matters at close (reverse order): inputs first so nothing new arrives, then the queue drains into
  // the store.
  const fileImports = createFileImports({ ...deps, sink: ingestion.sink, counters });
  const config = createSocConfig({
    db: deps.platform.db,
    now: () => deps.platform.now(),
    org: deps.org,
    inputs: inputs.service,
    pipelines: pipelines.admin,
    sources,
  });
  const parts: SocPart[] = [
    pipelines,
    sources,
    store,
    // Closed after the queue drained into them.
    ...(threads ? [threads] : []),
    ingestion,
    search,
    health,
    inputs,
    ingest,
    fileImports,
    config,
  ];
  return {
    counters,
    pipelines,
    sources,
    store,
    ingestion,
    ingest,
    health,
    inputs,
    search,
    fileImports,
    config,
    async register(app) {
      await app.register(
        async (api: App) => {
          for (const part of parts) await part.routes?.(api);
        },
        { prefix: '/api/soc' },
      );
    },
    async start() {
      for (const part of parts) await part.start?.();
    },
    async close() {
      for (const part of [...parts].reverse()) await part.close?.();
    },
  };
}
