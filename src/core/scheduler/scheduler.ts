/**
 * @module core/scheduler/scheduler
 * Periodic jobs that run on exactly one node when several share a database. Each job has a lease row;
 * a node runs a job only after taking its lease with one atomic UPDATE, renews the lease while the job
 * runs, then records the run and moves the next run forward. A node that dies mid-run loses its lease
 * when it expires, and the next holder closes the abandoned run as interrupted.
 */
import { randomBytes } from 'node:crypto';
import { type Ctx, systemCtx } from '../context.ts';
import { AppError, isAppError } from '../errors/index.ts';
import type { Platform } from '../platform.ts';
import {
  claimDue,
  claimOne,
  failAbandonedRuns,
  finishRun,
  insertRun,
  type JobRow,
  lastRuns,
  listJobs,
  listRuns,
  type RunRow,
  releaseLease,
  renewLease,
  setNextRun,
  upsertJob,
} from './store.ts';

/** What a running job is told besides its context. */
export interface JobRunInfo {
  /** When this run was due (the claimed `next_run_at`), or the start time of a manual run. */
  readonly scheduledAt: Date;
  /** Aborted when the scheduler stops; long jobs stop at a safe point so shutdown is not held up. */
  readonly signal: AbortSignal;
  /** The node running the job. */
  readonly node: string;
}

/** A periodic job. */
export interface JobDefinition {
  /** Stable name, e.g. `core.audit.retention`; it is the lease row's key on every node. */
  readonly name: string;
  /** Period of the job; also the fallback when `nextRunAt` fails. */
  readonly intervalMs: number;
  /** Does the work; a returned string is kept as the run's message (other values are ignored). Throwing records a failure. */
  run(ctx: Ctx, info: JobRunInfo): Promise<unknown>;
  /**
   * When the job runs next (and first), for schedules that are not a fixed period (a daily time, a
   * policy set in the console). Omitted: the first run is due at once and later runs every `intervalMs`.
   */
  nextRunAt?(after: Date): Date | Promise<Date>;
}

/** How one run ended. */
export interface RunResult {
  job: string;
  outcome: 'success' | 'failure';
  message: string | null;
  startedAt: Date;
  finishedAt: Date;
}

/** A job as the console shows it: its lease row, whether this node knows it, and its last run. */
export interface JobStatus extends JobRow {
  registeredHere: boolean;
  lastRun: RunRow | null;
}

/** A lease held for exclusive work outside a scheduled run (a manual backup). */
export interface Lease {
  /** Aborted when the scheduler stops. */
  readonly signal: AbortSignal;
  /** Gives the lease back; safe to call twice. */
  release(): Promise<void>;
}

/** Tuning of one scheduler instance (tests use a node id per simulated node). */
export interface SchedulerOptions {
  /** Name of this node in leases and runs; default `config.nodeId`. */
  nodeId?: string;
  /** How long a lease lasts without renewal; renewed every third of it while the job runs. */
  leaseMs?: number;
  /** Period of the timer loop; default `config.scheduler.tickMs`. */
  tickMs?: number;
}

const DEFAULT_LEASE_MS = 10 * 60_000;
const MESSAGE_MAX = 2000;

/** Runs registered jobs on one node, coordinating with other nodes through lease rows. */
export class Scheduler {
  /** This node's name in runs. */
  readonly nodeId: string;
  /**
   * This instance's name in leases: the node id plus a random tag, so two schedulers of one process
   * (the server's and a CLI command's) never take each other's lease for their own.
   */
  readonly leaseOwner: string;
  private readonly leaseMs: number;
  private readonly tickMs: number;
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly synced = new Set<string>();
  /** Work holding a lease on this node (scheduled runs, manual runs, exclusive leases), by job name. */
  private readonly busy = new Map<string, Promise<unknown>>();
  private abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(
    private readonly platform: Platform,
    options: SchedulerOptions = {},
  ) {
    this.nodeId = options.nodeId ?? platform.config.nodeId;
    this.leaseOwner = `${this.nodeId}/${randomBytes(3).toString('hex')}`;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.tickMs = options.tickMs ?? platform.config.scheduler.tickMs;
  }

  /** Adds a job; its lease row is created on the next tick. */
  register(job: JobDefinition): void {
    if (!job.name) throw new TypeError('a job needs a name');
    if (!Number.isInteger(job.intervalMs) || job.intervalMs <= 0) {
      throw new TypeError(`job ${job.name}: intervalMs must be a positive integer`);
    }
    if (this.jobs.has(job.name)) throw new TypeError(`job ${job.name} is already registered`);
    this.jobs.set(job.name, job);
  }

  /** Names of the jobs registered on this node. */
  get registered(): string[] {
    return [...this.jobs.keys()];
  }

  /** Starts the timer loop (unless `scheduler.enabled` is false for this node). */
  start(): void {
    if (!this.platform.config.scheduler.enabled) {
      this.platform.log.info('scheduler disabled on this node (scheduler.enabled=false)');
      return;
    }
    if (this.timer) return;
    this.stopping = false;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    const loop = async () => {
      try {
        await this.launchDue();
      } catch (err) {
        // The database may be briefly unreachable; the next tick tries again.
        this.platform.log.error({ err }, 'scheduler tick failed');
      } finally {
        if (!this.stopping) {
          this.timer = setTimeout(loop, this.tickMs);
          this.timer.unref();
        }
      }
    };
    this.timer = setTimeout(loop, 0);
    this.timer.unref();
  }

  /** Stops the timer, signals running jobs, and waits until every lease this node holds is released. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    await Promise.allSettled([...this.busy.values()]);
  }

  /** Claims and runs every due job once, and waits for them: the timer loop's step, callable from tests. */
  async tick(): Promise<RunResult[]> {
    const started = await this.launchDue();
    return Promise.all(started);
  }

  /** Runs a job now on this node (its schedule is unchanged); refused while any node runs it. */
  async runNow(name: string): Promise<RunResult> {
    const job = this.jobs.get(name);
    if (!job) throw new TypeError(`no job ${name} is registered on this node`);
    const startedAt = this.platform.now();
    await this.claim(job, startedAt);
    return this.track(name, this.execute(job, startedAt, false));
  }

  /**
   * Takes a job's lease for work done outside a run, so it never overlaps the job on any node
   * (a manual backup against the scheduled one). Throws `SCHEDULER_JOB_BUSY` when held elsewhere.
   * `job` defines the row if no node has created it yet; it defaults to the job registered here.
   */
  async acquire(name: string, job?: JobDefinition): Promise<Lease> {
    const definition = job ?? this.jobs.get(name);
    if (!definition || definition.name !== name) {
      throw new TypeError(`acquire(${name}) needs the job's definition: it is not registered here`);
    }
    await this.claim(definition, this.platform.now());
    const heartbeat = this.heartbeat(name);
    let done!: () => void;
    const released = new Promise<void>((resolve) => {
      done = resolve;
    });
    void this.track(name, released);
    let releasing: Promise<void> | null = null;
    return {
      signal: this.abort.signal,
      release: () => {
        releasing ??= (async () => {
          clearInterval(heartbeat);
          try {
            await releaseLease(this.platform.db, name, this.leaseOwner);
          } catch (err) {
            // A lease that cannot be given back (the database already closed at shutdown) expires by
            // itself after the lease time; the work it guarded is over either way.
            this.platform.log.warn({ err, job: name }, 'scheduler lease not released; it will expire');
          } finally {
            done();
          }
        })();
        return releasing;
      },
    };
  }

  /** Moves a job's next run, for every node (a changed backup policy takes effect at once). */
  async reschedule(name: string, at: Date): Promise<void> {
    await this.syncJobs();
    await setNextRun(this.platform.db, name, at);
  }

  /** Every job known to the database, with its last run. */
  async jobStatus(): Promise<JobStatus[]> {
    await this.syncJobs();
    const rows = await listJobs(this.platform.db);
    const last = await lastRuns(
      this.platform.db,
      rows.map((r) => r.name),
    );
    return rows.map((r) => ({
      ...r,
      registeredHere: this.jobs.has(r.name),
      lastRun: last.get(r.name) ?? null,
    }));
  }

  /** The newest runs, of one job or of all, newest first. */
  recentRuns(jobName?: string, limit = 50): Promise<RunRow[]> {
    return listRuns(this.platform.db, jobName, limit);
  }

  private async claim(job: JobDefinition, now: Date): Promise<void> {
    if (this.stopping) throw new AppError('SERVICE_UNAVAILABLE');
    if (this.busy.has(job.name)) {
      throw new AppError('SCHEDULER_JOB_BUSY', { job: job.name, owner: this.nodeId });
    }
    const firstRunAt = job.nextRunAt ? await this.safeNext(job, now) : now;
    const { claimed, holder } = await claimOne(
      this.platform.db,
      { name: job.name, intervalMs: job.intervalMs, firstRunAt },
      this.leaseOwner,
      now,
      new Date(now.getTime() + this.leaseMs),
    );
    if (!claimed) throw new AppError('SCHEDULER_JOB_BUSY', { job: job.name, owner: nodeOf(holder) });
  }

  /** Creates lease rows of newly registered jobs (idempotent; other nodes may have created them). */
  private async syncJobs(): Promise<void> {
    for (const job of this.jobs.values()) {
      if (this.synced.has(job.name)) continue;
      const now = this.platform.now();
      const first = job.nextRunAt ? await this.safeNext(job, now) : now;
      await upsertJob(this.platform.db, job.name, job.intervalMs, first);
      this.synced.add(job.name);
    }
  }

  /** Claims due jobs in one statement and starts them; returns their completions. */
  private async launchDue(): Promise<Promise<RunResult>[]> {
    if (this.stopping) return [];
    await this.syncJobs();
    const now = this.platform.now();
    const candidates = [...this.jobs.keys()].filter((n) => !this.busy.has(n));
    const claimed = await claimDue(
      this.platform.db,
      candidates,
      this.leaseOwner,
      now,
      new Date(now.getTime() + this.leaseMs),
    );
    return claimed.map((c) => this.track(c.name, this.execute(this.jobs.get(c.name)!, c.nextRunAt, true)));
  }

  private track<T>(name: string, work: Promise<T>): Promise<T> {
    const settled = work.finally(() => {
      if (this.busy.get(name) === settled) this.busy.delete(name);
    });
    this.busy.set(name, settled);
    return settled;
  }

  private heartbeat(name: string): NodeJS.Timeout {
    const timer = setInterval(
      () => {
        const until = new Date(this.platform.now().getTime() + this.leaseMs);
        renewLease(this.platform.db, name, this.leaseOwner, until).catch((err: unknown) =>
          this.platform.log.error({ err, job: name }, 'scheduler lease renewal failed'),
        );
      },
      Math.max(1000, Math.floor(this.leaseMs / 3)),
    );
    timer.unref();
    return timer;
  }

  /** Runs one job under the lease already taken, records the run, and releases the lease. */
  private async execute(job: JobDefinition, scheduledAt: Date, scheduled: boolean): Promise<RunResult> {
    const { db, log } = this.platform;
    const startedAt = this.platform.now();
    const heartbeat = this.heartbeat(job.name);
    let runId: number | null = null;
    let outcome: 'success' | 'failure' = 'success';
    let message: string | null = null;
    try {
      await failAbandonedRuns(db, job.name, startedAt);
      runId = await insertRun(db, job.name, this.nodeId, startedAt);
      const result = await job.run(systemCtx('scheduler'), {
        scheduledAt,
        signal: this.abort.signal,
        node: this.nodeId,
      });
      message = typeof result === 'string' ? result : null;
    } catch (err) {
      outcome = 'failure';
      message = describe(err);
      log.error({ err, job: job.name }, 'scheduled job failed');
    } finally {
      clearInterval(heartbeat);
    }
    const finishedAt = this.platform.now();
    try {
      if (runId !== null) await finishRun(db, runId, outcome, truncate(message), finishedAt);
      const next = scheduled ? await this.nextAfter(job, scheduledAt, finishedAt) : undefined;
      await releaseLease(db, job.name, this.leaseOwner, next);
    } catch (err) {
      // The lease then simply expires and another node (or this one) runs the job again.
      log.error({ err, job: job.name }, 'could not record the end of a scheduled run');
    }
    return { job: job.name, outcome, message, startedAt, finishedAt };
  }

  /**
   * The next due time: the job's own rule, or the next point of the fixed grid after now, so a
   * node that was down does not replay every missed period one after another.
   */
  private async nextAfter(job: JobDefinition, scheduledAt: Date, now: Date): Promise<Date> {
    if (job.nextRunAt) return this.safeNext(job, now);
    const periods = Math.floor((now.getTime() - scheduledAt.getTime()) / job.intervalMs) + 1;
    return new Date(scheduledAt.getTime() + Math.max(1, periods) * job.intervalMs);
  }

  private async safeNext(job: JobDefinition, after: Date): Promise<Date> {
    try {
      const next = await job.nextRunAt!(after);
      if (Number.isFinite(next.getTime())) return next;
    } catch (err) {
      this.platform.log.error(
        { err, job: job.name },
        'job schedule could not be computed; using its interval',
      );
    }
    return new Date(after.getTime() + job.intervalMs);
  }
}

/** The node part of a lease owner (`node/tag`), for messages. */
export function nodeOf(owner: string | null): string {
  if (!owner) return '?';
  const slash = owner.lastIndexOf('/');
  return slash > 0 ? owner.slice(0, slash) : owner;
}

function describe(err: unknown): string {
  if (isAppError(err)) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

function truncate(message: string | null): string | null {
  return message && message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX - 1)}…` : message;
}
