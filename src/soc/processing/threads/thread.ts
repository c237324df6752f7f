/**
 * @module soc/processing/threads/thread
 * A processing thread: a node of its own inside the server's process, as a `tinhso soc-worker` is one in
 * another process. It opens the same PostgreSQL database, composes the platform's services (so operator
 * pipelines, source changes and IP ranges reach it on the bus like any node), and runs each batch the main
 * thread hands it through the same processor as the in-process queue. Only the main thread receives events,
 * serves HTTP and runs scheduled jobs. Like the CLI, this is a composition root: it may import the app.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { closeServices, createServices } from '../../../app.ts';
import type { Config } from '../../../core/config/index.ts';
import { openDatabase } from '../../../core/db/index.ts';
import { createLogger } from '../../../core/log/logger.ts';
import { startPlatform, stopPlatform } from '../../../core/platform.ts';
import type { Pipelines, RawEvent, SiemCounters } from '../../contracts.ts';
import { isDropped } from '../../pipelines/index.ts';
import { createProcessor } from '../processor.ts';
import { rowIdsOf } from '../row-ids.ts';
import {
  emptyCounts,
  type FromThread,
  recordingCounters,
  type ThreadData,
  type ToThread,
} from './protocol.ts';

if (!parentPort) throw new Error('soc/processing/threads/thread runs only as a worker thread');
const port: MessagePort = parentPort;
const data = workerData as ThreadData;
const post = (message: FromThread) => port.postMessage(message);

/** The main thread's configuration, as a node that only processes: no inputs, no jobs, no threads of its own. */
function threadConfig(main: Config): Config {
  return {
    ...main,
    database: { ...main.database, url: data.connection.url, poolSize: main.soc.processing.concurrency + 2 },
    scheduler: { ...main.scheduler, enabled: false },
    soc: {
      ...main.soc,
      processing: { ...main.soc.processing, threads: 0 },
      syslog: { ...main.soc.syslog, autostart: false },
    },
  };
}

async function start(): Promise<void> {
  const config = threadConfig(data.config as Config);
  const log = createLogger(config.log.level, { thread: data.index });
  const database = await openDatabase({
    url: data.connection.url,
    schema: data.connection.schema,
    poolSize: config.database.poolSize,
  });
  const platform = await startPlatform(config, { database, migrate: false, log });
  const services = await createServices(platform);
  const soc = services.soc;
  await soc.pipelines.reload();

  /** The pipelines, with the events the time limit stopped during this call added to the batch's counts. */
  /** The pipelines, telling `counters` of the events the time limit stopped during this call. */
  const countingTimeouts = (counters: SiemCounters): Pipelines => ({
    processBatch(raws) {
      const before = new Map(soc.counters.timeouts);
      // Synchronous: no other batch runs its pipelines meanwhile, so the difference is this batch's.
      const events = soc.pipelines.processBatch(raws);
      for (const [pipeline, n] of soc.counters.timeouts) {
        for (let i = before.get(pipeline) ?? 0; i < n; i++) {
          counters.timedOut(pipeline === '(choice)' ? null : pipeline);
        }
      }
      return events;
    },
  });

  const run = async (batch: { id: number; batchId: string; replace: boolean; events: RawEvent[] }) => {
    const counts = emptyCounts();
    const counters = recordingCounters(counts);
    const process = createProcessor({
      pipelines: countingTimeouts(counters),
      enricher: soc.sources,
      writer: soc.store,
      counters,
      now: () => Date.now(),
      isDropped,
    });
    try {
      await process(batch.events, {
        ids: rowIdsOf(batch.batchId, batch.events.length),
        replace: batch.replace,
      });
      post({ type: 'done', id: batch.id, counts });
    } catch (err) {
      log.error({ err, size: batch.events.length }, 'SIEM processing thread: a batch failed');
      post({ type: 'failed', id: batch.id, message: err instanceof Error ? err.message : String(err) });
    }
  };

  let closing = false;
  port.on('message', (message: ToThread) => {
    if (message.type === 'batch') {
      if (!closing) void run(message);
      else post({ type: 'failed', id: message.id, message: 'processing thread closing' });
      return;
    }
    if (message.type === 'close' && !closing) {
      closing = true;
      void (async () => {
        try {
          await closeServices(services);
          await stopPlatform(platform);
        } catch (err) {
          log.error({ err }, 'SIEM processing thread: not closed cleanly');
        }
        post({ type: 'closed' });
        port.close();
      })();
    }
  });
  post({ type: 'ready' });
}

start().catch((err: unknown) => {
  post({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
  port.close();
});
