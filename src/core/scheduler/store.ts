/**
 * @module core/scheduler/store
 * SQL of the scheduler: one lease row per job (`scheduler_jobs`) and one row per run (`scheduler_runs`).
 * Times are bound from the injected clock rather than the database's `now()`, so tests can move time;
 * in production every node's clock is NTP-synchronised, and a lease is minutes long, far above any skew.
 */
import { and, desc, eq, inArray, isNull, lt, lte, ne, or } from 'drizzle-orm';
import { bigint, bigserial, boolean, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Db } from '../db/index.ts';

export const schedulerJobs = pgTable('scheduler_jobs', {
  name: text('name').primaryKey(),
  intervalMs: bigint('interval_ms', { mode: 'number' }).notNull(),
  nextRunAt: timestamp('next_run_at', { withTimezone: true, mode: 'date' }).notNull(),
  leaseOwner: text('lease_owner'),
  leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
  enabled: boolean('enabled').notNull().default(true),
});

export const schedulerRuns = pgTable('scheduler_runs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  job: text('job').notNull(),
  node: text('node').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  outcome: text('outcome').$type<RunOutcome>(),
  message: text('message'),
});

/** How a run ended; `running` until it does. */
export type RunOutcome = 'running' | 'success' | 'failure';

/** One job's lease row. */
export type JobRow = typeof schedulerJobs.$inferSelect;

/** One recorded run. */
export type RunRow = typeof schedulerRuns.$inferSelect;

/** Creates the job's row if missing; an existing row keeps its schedule (another node may have advanced it). */
export async function upsertJob(db: Db, name: string, intervalMs: number, firstRunAt: Date): Promise<void> {
  await db
    .insert(schedulerJobs)
    .values({ name, intervalMs, nextRunAt: firstRunAt })
    .onConflictDoUpdate({ target: schedulerJobs.name, set: { intervalMs } });
}

/**
 * Takes the lease of every due job among `names` in one atomic UPDATE: a row is claimed only when it is
 * due and nobody holds a live lease, so of several nodes ticking at once exactly one gets each job.
 */
export async function claimDue(
  db: Db,
  names: string[],
  owner: string,
  now: Date,
  leaseUntil: Date,
): Promise<{ name: string; nextRunAt: Date }[]> {
  if (names.length === 0) return [];
  return db
    .update(schedulerJobs)
    .set({ leaseOwner: owner, leaseUntil })
    .where(
      and(
        inArray(schedulerJobs.name, names),
        eq(schedulerJobs.enabled, true),
        lte(schedulerJobs.nextRunAt, now),
        or(isNull(schedulerJobs.leaseUntil), lt(schedulerJobs.leaseUntil, now)),
      ),
    )
    .returning({ name: schedulerJobs.name, nextRunAt: schedulerJobs.nextRunAt });
}

/**
 * Takes one job's lease whatever its schedule (run now, exclusive work), creating the job's row when no
 * node has yet: one INSERT ... ON CONFLICT DO UPDATE ... WHERE the lease is free, so it is atomic whether
 * or not the row exists. Fails when another holder has a live lease, naming it.
 */
export async function claimOne(
  db: Db,
  job: { name: string; intervalMs: number; firstRunAt: Date },
  owner: string,
  now: Date,
  leaseUntil: Date,
): Promise<{ claimed: boolean; holder: string | null }> {
  const claimed = await db
    .insert(schedulerJobs)
    .values({
      name: job.name,
      intervalMs: job.intervalMs,
      nextRunAt: job.firstRunAt,
      leaseOwner: owner,
      leaseUntil,
    })
    .onConflictDoUpdate({
      target: schedulerJobs.name,
      set: { leaseOwner: owner, leaseUntil },
      setWhere: or(isNull(schedulerJobs.leaseUntil), lt(schedulerJobs.leaseUntil, now)),
    })
    .returning({ name: schedulerJobs.name });
  if (claimed.length > 0) return { claimed: true, holder: owner };
  const [row] = await db
    .select({ holder: schedulerJobs.leaseOwner })
    .from(schedulerJobs)
    .where(eq(schedulerJobs.name, job.name));
  return { claimed: false, holder: row?.holder ?? null };
}

/** Extends a lease this node holds (heartbeat of a long run). */
export async function renewLease(db: Db, name: string, owner: string, leaseUntil: Date): Promise<void> {
  await db
    .update(schedulerJobs)
    .set({ leaseUntil })
    .where(and(eq(schedulerJobs.name, name), eq(schedulerJobs.leaseOwner, owner)));
}

/** Gives the lease back, optionally moving the next run. Only the holder can release. */
export async function releaseLease(db: Db, name: string, owner: string, nextRunAt?: Date): Promise<void> {
  await db
    .update(schedulerJobs)
    .set({ leaseOwner: null, leaseUntil: null, ...(nextRunAt ? { nextRunAt } : {}) })
    .where(and(eq(schedulerJobs.name, name), eq(schedulerJobs.leaseOwner, owner)));
}

/** Moves a job's next run (a changed policy takes effect at once, on every node). */
export async function setNextRun(db: Db, name: string, nextRunAt: Date): Promise<void> {
  await db.update(schedulerJobs).set({ nextRunAt }).where(eq(schedulerJobs.name, name));
}

/**
 * Closes runs left `running` by a node that died: called by the new lease holder, so no live run of
 * the job can exist besides the one about to start.
 */
export async function failAbandonedRuns(db: Db, job: string, now: Date): Promise<void> {
  await db
    .update(schedulerRuns)
    .set({
      outcome: 'failure',
      finishedAt: now,
      message: 'interrupted: the node stopped before the run finished',
    })
    .where(and(eq(schedulerRuns.job, job), eq(schedulerRuns.outcome, 'running')));
}

/** Records the start of a run and returns its id. */
export async function insertRun(db: Db, job: string, node: string, startedAt: Date): Promise<number> {
  const [row] = await db
    .insert(schedulerRuns)
    .values({ job, node, startedAt, outcome: 'running' })
    .returning({ id: schedulerRuns.id });
  return row!.id;
}

/** Records how a run ended, unless another node already closed it as abandoned. */
export async function finishRun(
  db: Db,
  id: number,
  outcome: 'success' | 'failure',
  message: string | null,
  finishedAt: Date,
): Promise<void> {
  await db
    .update(schedulerRuns)
    .set({ outcome, message, finishedAt })
    .where(and(eq(schedulerRuns.id, id), eq(schedulerRuns.outcome, 'running')));
}

/** Every job row, by name. */
export function listJobs(db: Db): Promise<JobRow[]> {
  return db.select().from(schedulerJobs).orderBy(schedulerJobs.name);
}

/** The newest runs, of one job or all. */
export function listRuns(db: Db, job: string | undefined, limit: number): Promise<RunRow[]> {
  return db
    .select()
    .from(schedulerRuns)
    .where(job ? eq(schedulerRuns.job, job) : undefined)
    .orderBy(desc(schedulerRuns.startedAt), desc(schedulerRuns.id))
    .limit(limit);
}

/** The latest run of each of the given jobs, in one query. */
export async function lastRuns(db: Db, jobs: string[]): Promise<Map<string, RunRow>> {
  if (jobs.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([schedulerRuns.job])
    .from(schedulerRuns)
    .where(inArray(schedulerRuns.job, jobs))
    .orderBy(schedulerRuns.job, desc(schedulerRuns.startedAt), desc(schedulerRuns.id));
  return new Map(rows.map((r) => [r.job, r]));
}

/** Deletes finished runs older than `before`; returns how many went. */
export async function pruneRuns(db: Db, before: Date): Promise<number> {
  const gone = await db
    .delete(schedulerRuns)
    .where(and(lt(schedulerRuns.startedAt, before), ne(schedulerRuns.outcome, 'running')))
    .returning({ id: schedulerRuns.id });
  return gone.length;
}
