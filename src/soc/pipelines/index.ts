/**
 * @module soc/pipelines
 * Parsing and normalisation to ECS by declarative pipelines (SOC-05): the shipped pipelines and the
 * operators' own (YAML in `soc_pipelines`), compiled once into closures; `process()` chooses the pipeline of
 * each raw event and never throws. Operator pipelines load at start (or at the first API call) and reload on
 * every node when one changes.
 */
import type { NormalisedEvent, RawEvent } from '../contracts.ts';
import type { SocDeps, SocPart } from '../deps.ts';
import type { Outcome } from './normalise.ts';
import { pipelineRoutes } from './routes.ts';
import { isDropped, openGeoip, PipelineRuntime, type RawEventRunner } from './runtime.ts';
import { createPipelineAdmin, type PipelineAdmin } from './service.ts';

export { PIPELINES_CHANGED } from './service.ts';
export { isDropped };

/** The pipelines part: `process()` for the processor, administration for the API. */
export interface PipelineService extends SocPart, RawEventRunner {
  process(raw: RawEvent): NormalisedEvent;
  readonly admin: PipelineAdmin;
  /** Loads the operator pipelines now (also done by start() and by the first API call). */
  reload(): Promise<void>;
}

/** Creates the pipeline service. */
export function createPipelines(deps: SocDeps): PipelineService {
  const runtime = new PipelineRuntime(openGeoip(deps.platform.config.soc.store.geoipDatabase));
  const admin = createPipelineAdmin(deps.platform, deps.bus, runtime);
  return {
    admin,
    process: (raw) => runtime.process(raw),
    run: (raw): Outcome => runtime.run(raw),
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
