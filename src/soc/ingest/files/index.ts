/**
 * @module soc/ingest/files
 * Forensic file imports (issue #6 item 1): uploaded files read in the background into the SIEM's ingest
 * sink, with progress. Public surface of the part: `createFileImports`.
 */
import { join } from 'node:path';
import type { IngestSink, SiemCounters } from '../../contracts.ts';
import type { SocDeps, SocPart } from '../../deps.ts';
import { importRoutes } from './routes.ts';
import { ImportRunner } from './runner.ts';
import { createImportService, type ImportService } from './service.ts';

export { detectFormat } from './detect.ts';
export { fileImportErrors } from './errors.ts';
export { type ImportFormat, importFormats, pipelineOf } from './formats.ts';

/** A decompressed file may be this many times its upload limit (gzip bombs stop there). */
const MAX_EXPANSION = 100;

/** The file import part, with its service for tests and the CLI. */
export interface FileImports extends SocPart {
  readonly service: ImportService;
  /** Resolves when this node has no import running or waiting. */
  idle(): Promise<void>;
}

/** Creates the file import part over the ingest sink and the SIEM's counters. */
export function createFileImports(
  deps: SocDeps & { sink: IngestSink; counters: SiemCounters; progressIntervalMs?: number },
): FileImports {
  const { platform } = deps;
  const cfg = platform.config.soc;
  const dir = join(platform.config.dataDir, 'soc-imports');
  let service: ImportService | null = null;
  const runner = new ImportRunner({
    db: platform.db,
    sink: deps.sink,
    counters: deps.counters,
    log: platform.log,
    now: () => platform.now(),
    dir,
    maxEventBytes: cfg.ingest.maxEventBytes,
    maxExpandedBytes: cfg.ingest.maxImportBytes * MAX_EXPANSION,
    chunkEvents: cfg.processing.batchSize,
    progressIntervalMs: deps.progressIntervalMs ?? 1000,
    onEnded: (job, ctx) => (service as ImportService).auditEnded(job, ctx),
  });
  service = createImportService({
    db: platform.db,
    org: deps.org,
    runner,
    dir,
    node: platform.config.nodeId,
    maxImportBytes: cfg.ingest.maxImportBytes,
    now: () => platform.now(),
  });
  const svc = service;
  return {
    service: svc,
    idle: () => runner.idle(),
    async routes(app) {
      await app.register(importRoutes(svc));
    },
    start: () => svc.resume(),
    close: () => runner.close(),
  };
}
