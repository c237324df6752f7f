/**
 * @module soc/ingest/files/runner
 * Runs this node's import jobs one at a time, oldest first (a forensic import is a bulk load: two at once
 * would only share the same processing queue and disk, and one finishing early is more useful to an
 * analyst than two half-done). A job's file is read by `readImport` and its events handed to the sink with
 * `submit` in chunks, a few in flight, so `eventsSubmitted` counts only durable events and a full queue
 * slows the reader down. Figures go to the database at most once a second, in one statement that also picks
 * up a cancel asked on any node. The file is deleted when the job ends, however it ends.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ctx } from '../../../core/context.ts';
import type { Db } from '../../../core/db/index.ts';
import type { Logger } from '../../../core/log/logger.ts';
import type { IngestSink, RawEvent, SiemCounters } from '../../contracts.ts';
import type { ImportFailureCode } from './errors.ts';
import { importTag, type RequestedFormat } from './formats.ts';
import { ImportReadError, newReadState, readImport } from './reader.ts';
import { claimImport, finishImport, type ImportFigures, updateProgress } from './store.ts';
import type { ImportRow } from './tables.ts';

/** Events per `submit`, and how many submits may wait at once. */
const MAX_CHUNK_EVENTS = 5000;
const MAX_IN_FLIGHT = 4;

export interface RunnerDeps {
  db: Db;
  sink: IngestSink;
  counters: SiemCounters;
  log: Logger;
  now: () => Date;
  /** Folder of the uploaded files (`<dataDir>/soc-imports`). */
  dir: string;
  maxEventBytes: number;
  maxExpandedBytes: number;
  /** Events per submit (the processing batch size suits: the queue starts a batch at once). */
  chunkEvents: number;
  progressIntervalMs: number;
  /** Called once a job has ended (audit). */
  onEnded: (job: ImportRow, ctx: Ctx) => Promise<void>;
}

/** A job waiting on this node: what the reader needs, and who started it (for the audit of its end). */
export interface QueuedImport {
  id: string;
  fileName: string;
  requested: RequestedFormat;
  gzip: boolean | null;
  /** The job's unit (its uploader's): its events belong to it. */
  unitId: string | null;
  ctx: Ctx;
}

/** The file an import's upload is kept in until the job ends. */
export function uploadPath(dir: string, id: string): string {
  return join(dir, `${id}.upload`);
}

/** This node's import queue and its one worker loop. */
export class ImportRunner {
  private readonly queue: QueuedImport[] = [];
  private current: { id: string; abort: AbortController } | null = null;
  private loop: Promise<void> | null = null;
  private closing = false;

  constructor(private readonly deps: RunnerDeps) {}

  /** Jobs waiting behind the running one. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Queues a stored job (state `queued`, file in place) and starts the loop when idle. */
  enqueue(job: QueuedImport): void {
    if (this.closing) return; // stays queued in the database; resumed at the next start
    this.queue.push(job);
    this.loop ??= this.drain().finally(() => {
      this.loop = null;
    });
  }

  /** Stops the job at once when it runs here, or drops it from the local queue (its row is already cancelled). */
  cancelLocal(id: string): void {
    if (this.current?.id === id) this.current.abort.abort('cancel');
    const at = this.queue.findIndex((j) => j.id === id);
    if (at >= 0) {
      this.queue.splice(at, 1);
      void rm(uploadPath(this.deps.dir, id), { force: true });
    }
  }

  /** Resolves when no job is running or waiting. */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  /** Stops the running job (recorded as interrupted); waiting jobs stay queued for the next start. */
  async close(): Promise<void> {
    this.closing = true;
    this.queue.length = 0;
    this.current?.abort.abort('close');
    // A job waiting on a store that keeps failing must not hold the node's shutdown forever: what it handed
    // over stays in the ingest queue, which has its own grace.
    await Promise.race([this.idle(), new Promise((r) => setTimeout(r, 10_000).unref())]);
  }

  private async drain(): Promise<void> {
    for (let job = this.queue.shift(); job; job = this.queue.shift()) {
      try {
        await this.run(job);
      } catch (err) {
        this.deps.log.error({ err, importId: job.id }, 'file import job failed to record its outcome');
      }
    }
  }

  private async run(job: QueuedImport): Promise<void> {
    const { deps } = this;
    const path = uploadPath(deps.dir, job.id);
    const claimed = await claimImport(deps.db, job.id, deps.now());
    if (!claimed) {
      await rm(path, { force: true }); // cancelled while it waited
      return;
    }
    const abort = new AbortController();
    this.current = { id: job.id, abort };
    const state = newReadState();
    const input = `file:${job.id}`;
    let submitted = 0;
    let countedBytes = 0;
    let submitError: unknown = null;
    const inFlight: Promise<void>[] = [];
    const figures = (): ImportFigures => ({
      bytesRead: state.bytesRead,
      eventsSubmitted: submitted,
      problemLines: state.problems,
      format: state.format,
      encoding: state.encoding,
      compressed: state.compressed,
    });

    let flushing: Promise<void> | null = null;
    const timer = setInterval(() => {
      flushing ??= updateProgress(deps.db, job.id, figures())
        .then((cancel) => {
          if (cancel) abort.abort('cancel');
        })
        .catch((err) => deps.log.warn({ err, importId: job.id }, 'import progress not recorded'))
        .finally(() => {
          flushing = null;
        });
    }, deps.progressIntervalMs);

    const tag = importTag(job.id);
    const send = async (events: RawEvent[]) => {
      // Every event of the import carries its tag: the console's "search these events" (tags GIN index).
      for (const e of events) e.tags = e.tags ? [...e.tags, tag] : [tag];
      deps.counters.received(input, events.length, state.bytesRead - countedBytes);
      countedBytes = state.bytesRead;
      inFlight.push(
        deps.sink.submit(events).then(
          () => {
            submitted += events.length;
          },
          (err) => {
            submitError ??= err;
          },
        ),
      );
      if (inFlight.length >= MAX_IN_FLIGHT) await inFlight.shift();
      if (submitError) throw submitError;
    };

    let failure: ImportFailureCode | null = null;
    try {
      const chunk = Math.max(1, Math.min(deps.chunkEvents, MAX_CHUNK_EVENTS));
      let pending: RawEvent[] = [];
      const reader = readImport(
        {
          path,
          importId: job.id,
          fileName: job.fileName,
          requested: job.requested,
          gzip: job.gzip,
          maxEventBytes: deps.maxEventBytes,
          maxExpandedBytes: deps.maxExpandedBytes,
          now: () => deps.now().getTime(),
          unitId: job.unitId,
        },
        state,
      );
      for await (const batch of reader) {
        for (const event of batch) pending.push(event);
        let from = 0;
        while (pending.length - from >= chunk && !abort.signal.aborted) {
          await send(pending.slice(from, from + chunk));
          from += chunk;
        }
        pending = from ? pending.slice(from) : pending;
        if (abort.signal.aborted) break;
      }
      if (!abort.signal.aborted && pending.length) await send(pending);
      await Promise.all(inFlight);
      if (submitError) throw submitError;
    } catch (err) {
      if (err instanceof ImportReadError) failure = err.code;
      else {
        failure = this.closing ? 'SOC_IMPORT_INTERRUPTED' : 'SOC_IMPORT_READ_FAILED';
        deps.log.error({ err, importId: job.id }, 'file import failed');
      }
      await Promise.allSettled(inFlight);
    } finally {
      clearInterval(timer);
      await flushing;
      this.current = null;
    }

    const reason = abort.signal.aborted ? (abort.signal.reason as string) : null;
    if (!failure && reason === 'close') failure = 'SOC_IMPORT_INTERRUPTED';
    const ended = await finishImport(deps.db, job.id, {
      ...figures(),
      state: failure ? 'failed' : reason === 'cancel' ? 'cancelled' : 'done',
      errorCode: failure,
      at: deps.now(),
    });
    await rm(path, { force: true });
    if (ended) await deps.onEnded(ended, job.ctx);
  }
}
