/**
 * @module soc/pipelines
 * Parsing and normalisation to ECS by declarative pipelines (SOC-05): the shipped pipelines and the
 * operators' own (YAML in `soc_pipelines`), compiled once into closures; `process()` chooses the pipeline of
 * each raw event and never throws. Operator pipelines load at start (or at the first API call) and reload on
 * every node when one changes.
 */
import type { NormalisedEvent, RawEvent } from '../contracts.ts';
import type { SocDeps, SocPart } from '../deps.ts';
import { pipelineRoutes } from './routes.ts';
import { isDropped, openGeoip, PipelineRuntime } from './runtime.ts';
import { createPipelineAdmin, type PipelineAdmin } from './service.ts';

export { PIPELINES_CHANGED } from './service.ts';
export { isDropped };

/** The pipelines part: `process()` for the processor, administration for the API. */
export interface PipelineService extends SocPart {
  processBatch(raws: readonly RawEvent[]): NormalisedEvent[];
  readonly admin: PipelineAdmin;
  /** Loads the operator pipelines now (also done by start() and by the first API call). */
  reload(): Promise<void>;
}

/**
 * Creates the pipeline service; `onTimeout` is told the pipeline of each ingested event the time limit
 * stopped (the SIEM's health counters).
 */
export function createPipelines(
  deps: SocDeps,
  onTimeout: (pipeline: string | null) => void = () => {},
): PipelineService {
  const { config, log } = deps.platform;
  // Each stopped event is logged: at most a few a second, since each one has taken the whole limit.
  const runtime = new PipelineRuntime(
    openGeoip(config.soc.store.geoipDatabase),
    config.soc.processing.eventTimeoutMs,
    (outcome, raw) => {
      onTimeout(outcome.pipeline);
      log.warn(
        {
          pipeline: outcome.pipeline,
          input: raw.input,
          peer: raw.peer,
          limitMs: config.soc.processing.eventTimeoutMs,
        },
        'soc pipelines: an event took too long and was kept raw',
      );
    },
  );
  const admin = createPipelineAdmin(deps.platform, deps.bus, runtime);
  return {
    admin,
    processBatch: (raws) => runtime.processBatch(raws),
    reload: () => admin.reload(),
    async routes(app) {
      await app.register(pipelineRoutes(admin));
    },
    async start() {
      await admin.reload();
    },
    async close() {
      admin.close();
    },
  };
}
