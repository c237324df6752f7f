/**
 * @module soc
 * Public surface of the SOC module's SIEM: inputs → ingestion (in-process queue or NATS) → pipelines →
 * sources → event store, and search over it. Composes the parts and registers their routes under `/api/soc`.
 */
import type { App } from '../core/http/types.ts';
import type { SocDeps, SocPart } from './deps.ts';
import { SiemTotals } from './health/counters.ts';
import { lgspFeedReader } from './ingest/feeds/lgsp-reader.ts';
import { createIngest, type Ingest } from './ingest/index.ts';
import { createPipelines, type PipelineService } from './pipelines/index.ts';
import { createIngestion, createProcessor, type Ingestion } from './processing/index.ts';
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
  /** Registers every SOC route under `/api/soc`. */
  register(app: App): Promise<void>;
  /** Starts the listeners and loops (`tinhso serve`). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Creates the SOC module over the platform services. */
export function createSoc(deps: SocDeps): Soc {
  const counters = new SiemTotals();
  const pipelines = createPipelines(deps);
  const sources = createSources(deps);
  const store = createEventStore(deps);
  const processor = createProcessor({
    pipelines,
    enricher: sources,
    writer: store,
    counters,
    now: () => Date.now(),
  });
  const ingestion = createIngestion(deps, processor);
  // Order matters at close: inputs first (nothing new arrives), then the queue drains into the store.
  // The input switch is the input registry's (wired by the lead); until then every input runs.
  const ingest = createIngest({
    ...deps,
    sink: ingestion.sink,
    counters,
    isInputRunning: () => true,
    lgspReader: deps.lgspExchangesAfter
      ? lgspFeedReader(deps.lgspExchangesAfter, () => deps.platform.now())
      : undefined,
  });
  const parts: SocPart[] = [pipelines, sources, store, ingestion, ingest];
  return {
    counters,
    pipelines,
    sources,
    store,
    ingestion,
    ingest,
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
