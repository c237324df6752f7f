/**
 * @module soc/processing/threads/pool
 * The main thread's side of the processing threads: each batch the in-process queue takes is handed to the
 * least busy thread, and its promise settles when that thread has committed it (or failed). A thread that
 * dies fails its batches, so the queue keeps them and retries: the retry carries the same batch id and asks
 * for replacement, so a batch committed just before the thread died is stored once. A thread that cannot
 * start is started again later, with a growing pause, not in a loop.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { Config } from '../../../core/config/index.ts';
import type { Logger } from '../../../core/log/logger.ts';
import type { RawEvent, SiemCounters } from '../../contracts.ts';
import type { SocPart } from '../../deps.ts';
import type { BatchProcessor } from '../processor.ts';
import { rowIdsOf } from '../row-ids.ts';
import {
  type BatchCounts,
  type FromThread,
  replayCounts,
  type ThreadData,
  type ToThread,
} from './protocol.ts';

const BOOT = new URL('./boot.mjs', import.meta.url);
const THREAD = new URL('./thread.ts', import.meta.url);
const MAX_RESPAWN_DELAY_MS = 30_000;

export interface ProcessingThreadsOptions {
  size: number;
  config: Readonly<Config>;
  connection: { url: string; schema?: string };
  /** The main thread's counters: each batch's counts are added to them. */
  counters: SiemCounters;
  log: Logger;
  /** The thread module (tests give a double). */
  entry?: URL;
  /**
   * Processes on this thread a batch that cannot be handed over (an event holding what structured clone
   * refuses): retried in a thread it would fail forever and hold the queue.
   */
  fallback: BatchProcessor;
  /** Longest wait for a thread to close its services. */
  closeGraceMs?: number;
}

interface Waiting {
  resolve(counts: BatchCounts): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker | null;
  ready: Promise<void> | null;
  pending: Map<number, Waiting>;
  /** Failures since the last batch this slot's thread committed: they space the restarts. */
  failures: number;
  notBefore: number;
}

/** What the health screen shows of the threads. */
export interface ThreadsStatus {
  configured: number;
  /** Threads started and ready. */
  running: number;
  /** Why a thread last ended or did not start, until every thread runs again. */
  lastError: string | null;
  lastErrorAt: number | null;
}

/** The pool of processing threads. */
export class ProcessingThreads implements SocPart {
  private readonly slots: Slot[];
  private readonly batchIds = new WeakMap<readonly RawEvent[], string>();
  private nextId = 1;
  private closing = false;
  private readySlots = new Set<Slot>();
  private lastError: { message: string; at: number } | null = null;

  constructor(private readonly options: ProcessingThreadsOptions) {
    this.slots = Array.from({ length: Math.max(1, options.size) }, () => ({
      worker: null,
      ready: null,
      pending: new Map(),
      failures: 0,
      notBefore: 0,
    }));
  }

  /** Threads configured and ready, and the last failure while some are not. */
  status(): ThreadsStatus {
    return {
      configured: this.slots.length,
      running: this.readySlots.size,
      lastError: this.lastError?.message ?? null,
      lastErrorAt: this.lastError?.at ?? null,
    };
  }

  /** The batch processor the queue calls: resolves once a thread committed the batch. */
  readonly process: BatchProcessor = async (batch) => {
    if (this.closing) throw new Error('SIEM processing threads closed');
    const retry = this.batchIds.has(batch);
    let batchId = this.batchIds.get(batch);
    if (batchId === undefined) {
      batchId = randomUUID();
      this.batchIds.set(batch, batchId);
    }
    const slot = this.leastBusy();
    const worker = this.spawn(slot);
    await slot.ready;
    // Ended while this batch waited for it to start: its failure settled only the batches it held.
    if (slot.worker !== worker) throw new Error('SIEM processing thread ended before taking the batch');
    const id = this.nextId++;
    const message: ToThread = { type: 'batch', id, batchId, replace: retry, events: batch };
    const answered = new Promise<BatchCounts>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
    });
    try {
      worker.postMessage(message);
    } catch (err) {
      slot.pending.delete(id);
      if ((err as Error)?.name !== 'DataCloneError') throw err;
      this.options.log.warn(
        { err, size: batch.length },
        'SIEM batch holds values a thread cannot receive; processed on the main thread',
      );
      return this.options.fallback(batch, { ids: rowIdsOf(batchId, batch.length), replace: retry });
    }
    replayCounts(await answered, this.options.counters);
  };

  /** Starts every thread now (otherwise each starts with its first batch). */
  async start(): Promise<void> {
    await Promise.all(
      this.slots.map(async (slot) => {
        try {
          this.spawn(slot);
          await slot.ready;
        } catch {
          // Logged where it failed; the first batch tries again.
        }
      }),
    );
  }

  /** Lets each thread close its services (its last-seen times flushed), then ends it. */
  async close(): Promise<void> {
    this.closing = true;
    const grace = this.options.closeGraceMs ?? 10_000;
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        if (!worker) return;
        const closed = new Promise<void>((resolve) => {
          worker.once('exit', () => resolve());
          worker.on('message', (m: FromThread) => {
            if (m.type === 'closed') resolve();
          });
        });
        if (slot.ready) await slot.ready.catch(() => {});
        if (slot.worker === worker) worker.postMessage({ type: 'close' } satisfies ToThread);
        await Promise.race([closed, new Promise((r) => setTimeout(r, grace).unref())]);
        this.fail(slot, worker, new Error('SIEM processing threads closed'));
      }),
    );
  }

  private leastBusy(): Slot {
    let best = this.slots[0] as Slot;
    for (const slot of this.slots) if (slot.pending.size < best.pending.size) best = slot;
    return best;
  }

  /** The slot's thread, started if it is not running. */
  private spawn(slot: Slot): Worker {
    if (slot.worker) return slot.worker;
    const wait = slot.notBefore - Date.now();
    if (wait > 0) {
      throw new Error(`SIEM processing thread restarting in ${Math.ceil(wait / 1000)} s`);
    }
    const index = this.slots.indexOf(slot);
    const data: ThreadData = {
      config: this.options.config,
      connection: this.options.connection,
      index,
      entry: (this.options.entry ?? THREAD).href,
    };
    const worker = new Worker(BOOT, { workerData: data, name: `tinhso-soc-processing-${index}` });
    // The server's handles keep the process alive; a thread alone must not.
    worker.unref();
    slot.worker = worker;
    let started: () => void = () => {};
    let refused: (err: Error) => void = () => {};
    slot.ready = new Promise<void>((resolve, reject) => {
      started = resolve;
      refused = reject;
    });
    // Awaited by callers; a thread that never started must not reject unhandled.
    slot.ready.catch(() => {});
    worker.on('message', (m: FromThread) => {
      if (m.type === 'ready') {
        this.readySlots.add(slot);
        if (this.readySlots.size === this.slots.length) this.lastError = null;
        started();
      } else if (m.type === 'done') {
        slot.failures = 0;
        const waiting = slot.pending.get(m.id);
        slot.pending.delete(m.id);
        waiting?.resolve(m.counts);
      } else if (m.type === 'failed') {
        const waiting = slot.pending.get(m.id);
        slot.pending.delete(m.id);
        waiting?.reject(new Error(m.message));
      } else if (m.type === 'fatal') {
        const err = new Error(`SIEM processing thread did not start: ${m.message}`);
        this.options.log.error({ err, thread: index }, 'SIEM processing thread did not start');
        refused(err);
        this.fail(slot, worker, err);
      }
    });
    worker.on('error', (err) => {
      this.options.log.error(
        { err, thread: index },
        'SIEM processing thread failed; its batches are retried',
      );
      refused(err);
      this.fail(slot, worker, err);
    });
    worker.on('exit', (code) => {
      const err = new Error(`SIEM processing thread ended (exit code ${code})`);
      if (!this.closing) this.options.log.error({ thread: index, code }, err.message);
      refused(err);
      this.fail(slot, worker, err);
    });
    return worker;
  }

  /** Ends the slot's thread: its batches fail (the queue retries them) and a restart waits a little. */
  private fail(slot: Slot, worker: Worker, err: Error): void {
    if (slot.worker !== worker) return;
    slot.worker = null;
    slot.ready = null;
    this.readySlots.delete(slot);
    const pending = [...slot.pending.values()];
    slot.pending.clear();
    for (const w of pending) w.reject(err);
    if (!this.closing) {
      this.lastError = { message: err.message, at: Date.now() };
      slot.failures++;
      slot.notBefore = Date.now() + Math.min(MAX_RESPAWN_DELAY_MS, 250 * 2 ** (slot.failures - 1));
    }
    void worker.terminate();
  }
}
