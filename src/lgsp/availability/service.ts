/**
 * @module lgsp/availability/service
 * Online/offline detection of destination services (LGSP-15/17/18, Art. 5.9, 5.11, 5.12).
 *
 * Two inputs decide a destination's state:
 * - active probes, one round every `lgsp.probeIntervalSeconds`, run by one node per round (the scheduler's
 *   lease), whose streaks live in the database because the probing node changes from round to round;
 * - passive counting of the gateway's forwarded calls on each node, in memory (`recordOutcome` is on the
 *   hot path: a map lookup and a few assignments, never SQL).
 * A change is recorded once (a conditional upsert: the second node deciding the same change no-ops),
 * published on the bus so every node's in-memory map follows, and `state()` answers from that map.
 */
import type { Agent } from 'undici';
import { auditAlone } from '../../core/audit/index.ts';
import { BUS_RECONNECTED } from '../../core/bus/index.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors/index.ts';
import type { HolderLookup, NotificationInput } from '../../core/notifications/index.ts';
import { type JobDefinition, VIETNAM_OFFSET_MS } from '../../core/scheduler/index.ts';
import { activeHoldersCovering } from '../../iam/index.ts';
import type { AvailabilityState, DestinationService, RegistryLookup } from '../contracts.ts';
import type { LgspDeps } from '../deps.ts';
import { backOnlineNotice, type NoticeSubject, offlineNotice } from './notices.ts';
import { createProbeAgent, mapLimit, type ProbeResult, probeDestination } from './probe.ts';
import {
  applyTransitions,
  claimDueNotices,
  historyPage,
  lastUnitOf,
  loadStates,
  type ProbeUpdate,
  type RecordedChange,
  recordContacts,
  recordProbes,
  statesOfUnits,
  statistics,
  type Transition,
} from './store.ts';
import type { AvailabilityCause, EventRow, StateRow } from './tables.ts';

/** Bus topic of a recorded state change; every node updates its map from it. */
export const AVAILABILITY_TOPIC = 'lgsp.availability.changed';
/** Scheduler job of the probe rounds (its lease makes one node probe per round). */
export const PROBE_JOB = 'lgsp.availability.probe';

/**
 * Consecutive failed forwarded calls that take a destination offline at once. Five: one or two failures
 * are ordinary (a slow query, a redeploy), five in a row with no success between means nobody is served.
 */
export const TRAFFIC_FAILURES_TO_OFFLINE = 5;
/** Consecutive failed probes that take a destination offline: one lost probe must not turn callers away. */
export const PROBE_FAILURES_TO_OFFLINE = 2;
/**
 * Consecutive successful probes that bring an offline destination back (hysteresis): a service that
 * answers every other probe stays offline instead of writing two events per round.
 */
export const PROBE_SUCCESSES_TO_ONLINE = 2;
/**
 * After any change, forwarded calls cannot change the state again for this long (hysteresis for traffic):
 * a flapping service records at most one change per period from traffic instead of hundreds.
 */
export const TRAFFIC_HOLD_DOWN_MS = 30_000;
/** How often a node writes the contact times it saw in forwarded calls (batched, one statement). */
export const CONTACT_FLUSH_MS = 10_000;
/** Probes running at once in a round. */
export const PROBE_CONCURRENCY = 16;
/** How often the console's live view polls `GET /api/lgsp/availability`. */
export const POLL_SECONDS = 10;

/** What availability needs besides the platform; the registry's lists come later (optional). */
export interface AvailabilityDeps extends LgspDeps {
  readonly registry: RegistryLookup;
  /** Active destination services to probe (the registry's service list). Without it nothing is probed. */
  readonly listDestinations?: () => Promise<readonly DestinationService[]>;
  /** Units whose applications hold rights to a service: told of its outages. */
  readonly unitsWithRightsTo?: (serviceId: string) => Promise<readonly string[]>;
  /** Account ids holding a permission over a unit; default `permissionHolders`, else IAM's lookup. */
  readonly holders?: HolderLookup;
  /** The composition root's holder lookup (the same one notifications use), when it passes one. */
  readonly permissionHolders?: HolderLookup;
  /** Connection pool of probes (tests pass their own). */
  readonly probeAgent?: Agent;
}

/** In-memory knowledge of one destination on this node. */
interface Entry {
  readonly serviceId: string;
  unitId: string | null;
  online: boolean | null;
  since: Date | null;
  cause: AvailabilityCause | null;
  /** What `state()` returns: one frozen object per change, so the hot path allocates nothing. */
  current: AvailabilityState | null;
  /** Consecutive failed forwarded calls on this node. */
  failures: number;
  lastOkAt: Date | null;
  lastFailureAt: Date | null;
  /** Contact times not yet written. */
  dirty: boolean;
}

/** A destination as the live view shows it. */
export interface AvailabilityItem {
  serviceId: string;
  serviceCode: string | null;
  serviceName: string | null;
  unitId: string;
  unitCode: string | null;
  unitName: string | null;
  state: 'online' | 'offline' | 'unknown';
  online: boolean | null;
  since: Date | null;
  cause: AvailabilityCause | null;
  detail: string | null;
  lastOkAt: Date | null;
  lastFailureAt: Date | null;
  lastError: string | null;
  /** The current outage was notified to operators and units. */
  notified: boolean;
}

/** One page of a service's state periods. */
export interface HistoryPage {
  serviceId: string;
  items: (EventRow & { durationSeconds: number })[];
  nextCursor: string | null;
}

/** Figures of a unit or a service over a period. */
export interface Figures {
  disconnections: number;
  offlineMinutes: number;
  observedMinutes: number;
  /** Share of the observed time online, 0–100 with two decimals; null when nothing was observed. */
  uptimePercent: number | null;
}

/** Statistics of a period (LGSP-18). */
export interface AvailabilityStatistics {
  /** First and last day, inclusive, in Vietnam time (YYYY-MM-DD). */
  from: string;
  to: string;
  units: (Figures & { unitId: string; unitCode: string | null; unitName: string | null; services: number })[];
  services: (Figures & {
    serviceId: string;
    serviceCode: string | null;
    serviceName: string | null;
    unitId: string;
  })[];
}

/** What a probe round did. */
export interface RoundSummary {
  probed: number;
  online: number;
  offline: number;
  changes: number;
  notices: number;
}

/** The result of a manual probe. */
export interface ManualProbe extends ProbeResult {
  state: AvailabilityItem;
}

/** The availability service of one node. */
export interface AvailabilityService {
  state(serviceId: string): AvailabilityState | null;
  recordOutcome(serviceId: string, ok: boolean): void;
  /** Resolves once the states are loaded from the database. */
  ready(): Promise<void>;
  /** Probes every active destination once (the job's work; callable from tests). */
  probeRound(signal?: AbortSignal): Promise<RoundSummary>;
  /** Probes one destination now and records the result (`lgsp.registry.write`). */
  probeNow(ctx: Ctx, serviceId: string): Promise<ManualProbe>;
  /** Sends the notices of outages past the threshold (each once). */
  sendDueNotices(): Promise<number>;
  /** Current state of every destination the actor may see. */
  list(ctx: Ctx): Promise<AvailabilityItem[]>;
  history(ctx: Ctx, serviceId: string, page: { limit?: number; cursor?: string }): Promise<HistoryPage>;
  statistics(ctx: Ctx, range: { from?: string; to?: string }): Promise<AvailabilityStatistics>;
  /** Writes the contact times seen in forwarded calls since the last flush. */
  flushContacts(): Promise<void>;
  /** Waits until state changes decided on this node are recorded (tests, shutdown). */
  settled(): Promise<void>;
  readonly probeJob: JobDefinition;
  close(): Promise<void>;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_RANGE_DAYS = 366;

/** Creates the availability service of this node; starts loading states and listening at once. */
export function createAvailabilityService(deps: AvailabilityDeps): AvailabilityService {
  const { platform, org, bus, notifications, registry } = deps;
  const { db, log } = platform;
  const entries = new Map<string, Entry>();
  const agent = deps.probeAgent ?? createProbeAgent();
  const ownAgent = !deps.probeAgent;
  const holders: HolderLookup =
    deps.holders ??
    deps.permissionHolders ??
    (async (permission, unitId) =>
      activeHoldersCovering(
        db,
        permission,
        unitId ? { id: unitId, ancestorIds: await org.ancestorIds(unitId) } : null,
      ));
  let closed = false;
  let persisting: Promise<unknown> = Promise.resolve();

  const entry = (serviceId: string): Entry => {
    let e = entries.get(serviceId);
    if (!e) {
      e = {
        serviceId,
        unitId: null,
        online: null,
        since: null,
        cause: null,
        current: null,
        failures: 0,
        lastOkAt: null,
        lastFailureAt: null,
        dirty: false,
      };
      entries.set(serviceId, e);
    }
    return e;
  };

  /** Sets what this node believes; a later-dated belief is never replaced by an older one. */
  const adopt = (
    serviceId: string,
    s: { unitId: string; online: boolean | null; since: Date | null; cause: AvailabilityCause | null },
    force = false,
  ) => {
    const e = entry(serviceId);
    e.unitId = s.unitId;
    if (s.online === null || s.since === null) return;
    if (!force && e.since && e.since.getTime() > s.since.getTime()) return;
    if (e.online !== s.online || e.since?.getTime() !== s.since.getTime()) e.failures = 0;
    e.online = s.online;
    e.since = s.since;
    e.cause = s.cause;
    e.current = Object.freeze({ online: s.online, since: s.since });
  };

  /** `force`: the database is right even against a later belief (a change this node decided was refused). */
  const adoptRow = (r: StateRow, force = false) =>
    adopt(r.serviceId, { unitId: r.unitId, online: r.online, since: r.since, cause: r.cause }, force);

  const load = async () => {
    const rows = await loadStates(db);
    for (const r of rows) adoptRow(r);
  };
  const loaded = load().catch((err: unknown) =>
    log.error({ err }, 'availability: states could not be loaded; they fill as probes and calls come'),
  );

  const unsubscribe = [
    bus.subscribe(AVAILABILITY_TOPIC, (payload) => {
      const change = parseChange(payload);
      if (change) adopt(change.serviceId, change);
    }),
    // Changes published while this node's listener was away are in the database.
    bus.subscribe(BUS_RECONNECTED, () => load()),
    registry.onChange((change) => {
      if (change.kind === 'service') void registryChanged(change.id);
    }),
  ];

  /** Announces recorded changes, adopts them here, and tells of ended outages that had been notified. */
  const recorded = async (changes: readonly RecordedChange[]) => {
    for (const c of changes) {
      adopt(c.serviceId, c);
      try {
        await bus.publish(AVAILABILITY_TOPIC, {
          serviceId: c.serviceId,
          unitId: c.unitId,
          online: c.online,
          since: c.since.toISOString(),
          cause: c.cause,
        });
      } catch (err) {
        log.error({ err, serviceId: c.serviceId }, 'availability: a change could not be published');
      }
      if (c.online && c.wasNotified && c.previousSince) {
        const since = c.previousSince;
        await tell(c.serviceId, c.unitId, (s) => backOnlineNotice(s, since, c.since));
      }
    }
  };

  /** Records changes; the ones another node recorded first are replaced here by the database's state. */
  const record = async (transitions: readonly Transition[]) => {
    if (transitions.length === 0) return 0;
    const changes = await applyTransitions(db, transitions);
    await recorded(changes);
    const done = new Set(changes.map((c) => c.serviceId));
    const lost = transitions.filter((t) => !done.has(t.serviceId)).map((t) => t.serviceId);
    if (lost.length > 0) for (const r of await loadStates(db, lost)) adoptRow(r, true);
    return changes.length;
  };

  /** A change decided from traffic: believed here at once, recorded in the background. */
  const trafficChange = (e: Entry, online: boolean, at: Date, detail: string) => {
    e.online = online;
    e.since = at;
    e.cause = 'traffic';
    e.failures = 0;
    e.current = Object.freeze({ online, since: at });
    persisting = persisting
      .then(async () => {
        const unitId = e.unitId ?? (await registry.destinationById(e.serviceId))?.unitId ?? null;
        if (!unitId) {
          log.warn(
            { serviceId: e.serviceId },
            'availability: a change of a service the registry does not know',
          );
          return;
        }
        e.unitId = unitId;
        await record([{ serviceId: e.serviceId, unitId, online, at, cause: 'traffic', detail }]);
      })
      .catch((err: unknown) =>
        log.error({ err, serviceId: e.serviceId }, 'availability: a change seen in traffic was not recorded'),
      );
  };

  const registryChanged = async (serviceId: string) => {
    try {
      const e = entries.get(serviceId);
      if (!e || e.cause === 'registry' || !e.unitId) return;
      const d = await registry.destinationById(serviceId);
      if (d?.active) return;
      await record([
        {
          serviceId,
          unitId: e.unitId,
          online: false,
          at: platform.now(),
          cause: 'registry',
          detail: d ? 'suspended in the registry' : 'removed from the registry',
        },
      ]);
    } catch (err) {
      log.error({ err, serviceId }, 'availability: a registry change was not applied');
    }
  };

  const destinations = async (): Promise<readonly DestinationService[]> =>
    deps.listDestinations ? deps.listDestinations() : [];

  const findDestination = async (serviceId: string): Promise<DestinationService | null> => {
    const d = await registry.destinationById(serviceId);
    if (d) return d;
    return (await destinations()).find((x) => x.serviceId === serviceId) ?? null;
  };

  /** Probe results → streaks and contact times stored, and the state changes they decide. */
  const applyProbes = async (pairs: readonly { d: DestinationService; r: ProbeResult }[], at: Date) => {
    const rows = new Map(
      (
        await loadStates(
          db,
          pairs.map((p) => p.d.serviceId),
        )
      ).map((r) => [r.serviceId, r]),
    );
    const updates: ProbeUpdate[] = [];
    const transitions: Transition[] = [];
    for (const { d, r } of pairs) {
      const row = rows.get(d.serviceId);
      const okStreak = r.ok ? (row?.probeOkStreak ?? 0) + 1 : 0;
      const failStreak = r.ok ? 0 : (row?.probeFailStreak ?? 0) + 1;
      updates.push({
        serviceId: d.serviceId,
        unitId: d.unitId,
        okStreak,
        failStreak,
        lastOkAt: r.ok ? at : null,
        lastFailureAt: r.ok ? null : at,
        lastError: r.error,
        at,
      });
      const current = row?.online ?? null;
      const base = { serviceId: d.serviceId, unitId: d.unitId, at, cause: 'probe' as const };
      if (r.ok) {
        // A suspended service that is active again was never known broken: one answer is enough.
        const needed = current === false && row?.cause !== 'registry' ? PROBE_SUCCESSES_TO_ONLINE : 1;
        if (current !== true && okStreak >= needed) {
          transitions.push({ ...base, online: true, detail: r.status === null ? null : `HTTP ${r.status}` });
        }
      } else if (current !== false && failStreak >= PROBE_FAILURES_TO_OFFLINE) {
        transitions.push({ ...base, online: false, detail: r.error });
      }
    }
    await recordProbes(db, updates);
    return record(transitions);
  };

  /** Everyone told of a destination's outage: operators over its unit, its unit, the units with rights to it. */
  const recipients = async (serviceId: string, unitId: string): Promise<string[]> => {
    const sources = deps.unitsWithRightsTo ? await deps.unitsWithRightsTo(serviceId) : [];
    const lists = await Promise.all([
      holders('lgsp.registry.write', unitId),
      holders('lgsp.registry.read', unitId),
      ...[...new Set(sources)].filter((u) => u !== unitId).map((u) => holders('lgsp.registry.read', u)),
    ]);
    return [...new Set(lists.flat())];
  };

  const tell = async (serviceId: string, unitId: string, notice: (s: NoticeSubject) => NotificationInput) => {
    try {
      const [d, labels] = await Promise.all([findDestination(serviceId), org.unitLabels([unitId])]);
      const unit = labels[0];
      const subject: NoticeSubject = {
        serviceCode: d?.serviceCode ?? serviceId,
        serviceName: d?.name ?? d?.serviceCode ?? serviceId,
        unitCode: unit?.code ?? d?.unitCode ?? '?',
        unitName: unit?.name ?? unit?.code ?? d?.unitCode ?? '?',
      };
      const to = await recipients(serviceId, unitId);
      await notifications.notify(db, { ...notice(subject), recipients: to });
    } catch (err) {
      log.error({ err, serviceId }, 'availability: a notice could not be sent');
    }
  };

  const sendDueNotices = async () => {
    const now = platform.now();
    const threshold = new Date(now.getTime() - platform.config.lgsp.offlineNotifyAfterSeconds * 1000);
    const due = await claimDueNotices(db, threshold, now);
    // One notice per outage; outages come a few at a time, so one lookup of recipients each is fine.
    for (const n of due) await tell(n.serviceId, n.unitId, (s) => offlineNotice(s, n.since, n.detail));
    return due.length;
  };

  const probeRound = async (signal?: AbortSignal): Promise<RoundSummary> => {
    await loaded;
    const list = (await destinations()).filter((d) => d.active);
    const results = await mapLimit(list, PROBE_CONCURRENCY, (d) => probeDestination(d, agent, signal));
    const changes = await applyProbes(
      list.map((d, i) => ({ d, r: results[i]! })),
      platform.now(),
    );
    await flushContacts();
    const notices = await sendDueNotices();
    let online = 0;
    let offline = 0;
    for (const d of list) {
      const s = entries.get(d.serviceId)?.online;
      if (s === true) online++;
      else if (s === false) offline++;
    }
    return { probed: list.length, online, offline, changes, notices };
  };

  const flushContacts = async () => {
    const dirty = [...entries.values()].filter((e) => e.dirty);
    if (dirty.length === 0) return;
    const written = new Set(
      await recordContacts(
        db,
        dirty.map((e) => ({ serviceId: e.serviceId, lastOkAt: e.lastOkAt, lastFailureAt: e.lastFailureAt })),
        platform.now(),
      ),
    );
    // Services without a row yet keep their times until a probe creates it (times only move forward).
    for (const e of dirty) if (written.has(e.serviceId)) e.dirty = false;
  };

  const flushTimer = setInterval(() => {
    flushContacts().catch((err: unknown) => log.error({ err }, 'availability: contact times not written'));
  }, CONTACT_FLUSH_MS);
  flushTimer.unref();

  /** The unit a service belongs to (registry first, then what availability recorded), scope-checked. */
  const unitInScope = async (
    ctx: Ctx,
    serviceId: string,
  ): Promise<{ unitId: string; d: DestinationService | null }> => {
    const d = await findDestination(serviceId);
    const unitId =
      d?.unitId ?? (await loadStates(db, [serviceId]))[0]?.unitId ?? (await lastUnitOf(db, serviceId));
    if (!unitId) throw new AppError('NOT_FOUND');
    await org.assertUnitInScope(ctx, unitId);
    return { unitId, d };
  };

  const present = (
    serviceId: string,
    row: StateRow | undefined,
    d: DestinationService | null,
    unitId: string,
    labels: Map<string, { code: string; name: string }>,
  ): AvailabilityItem => {
    const mem = entries.get(serviceId);
    const online = row?.online ?? null;
    return {
      serviceId,
      serviceCode: d?.serviceCode ?? null,
      serviceName: d?.name ?? null,
      unitId,
      unitCode: labels.get(unitId)?.code ?? d?.unitCode ?? null,
      unitName: labels.get(unitId)?.name ?? null,
      state: online === null ? 'unknown' : online ? 'online' : 'offline',
      online,
      since: row?.since ?? null,
      cause: row?.cause ?? null,
      detail: row?.detail ?? null,
      // This node's calls may be newer than the last flush.
      lastOkAt: latest(row?.lastOkAt ?? null, mem?.lastOkAt ?? null),
      lastFailureAt: latest(row?.lastFailureAt ?? null, mem?.lastFailureAt ?? null),
      lastError: row?.lastError ?? null,
      notified: (row?.notifiedAt ?? null) !== null,
    };
  };

  return {
    state(serviceId) {
      return entries.get(serviceId)?.current ?? null;
    },

    recordOutcome(serviceId, ok) {
      if (closed) return;
      const now = platform.now();
      const e = entry(serviceId);
      e.dirty = true;
      const held = e.since !== null && now.getTime() - e.since.getTime() < TRAFFIC_HOLD_DOWN_MS;
      if (ok) {
        e.failures = 0;
        e.lastOkAt = now;
        if (e.online !== true && e.cause !== 'registry' && !held)
          trafficChange(e, true, now, 'call succeeded');
      } else {
        e.failures++;
        e.lastFailureAt = now;
        if (e.online !== false && e.failures >= TRAFFIC_FAILURES_TO_OFFLINE && !held) {
          trafficChange(e, false, now, `${e.failures} consecutive forwarded calls failed`);
        }
      }
    },

    ready: async () => {
      await loaded;
    },

    probeRound,

    async probeNow(ctx, serviceId) {
      const { unitId, d } = await unitInScope(ctx, serviceId);
      if (!d) throw new AppError('NOT_FOUND');
      if (!d.active) throw new AppError('LGSP_AVAILABILITY_SERVICE_INACTIVE', { service: d.serviceCode });
      const r = await probeDestination(d, agent);
      const at = platform.now();
      await applyProbes([{ d, r }], at);
      await auditAlone(
        db,
        ctx,
        {
          category: 'lgsp',
          action: 'lgsp.availability.probe',
          description: `Kiểm tra kết nối dịch vụ ${d.serviceCode} của ${d.unitCode}: ${r.ok ? 'trực tuyến' : `không trả lời (${r.error})`}`,
          target: { type: 'lgsp.service', id: serviceId },
          unitId,
          details: { ok: r.ok, status: r.status, durationMs: r.durationMs, error: r.error },
        },
        at,
      );
      const [row] = await loadStates(db, [serviceId]);
      const labels = await labelMap([unitId]);
      return { ...r, state: present(serviceId, row, d, unitId, labels) };
    },

    sendDueNotices,

    async list(ctx) {
      const visible = await org.visibleUnitIds(ctx);
      const visibleSet = visible === 'all' ? null : new Set(visible);
      const inScope = (unitId: string) => visibleSet === null || visibleSet.has(unitId);
      const listed = (await destinations()).filter((d) => inScope(d.unitId));
      // The registry's unit is the service's unit now; a state row keeps the unit of its last change.
      const rows = deps.listDestinations
        ? await loadStates(
            db,
            listed.map((d) => d.serviceId),
          )
        : await statesOfUnits(db, visible);
      const byId = new Map(rows.map((r) => [r.serviceId, r]));
      const pairs: { id: string; row: StateRow | undefined; d: DestinationService | null; unitId: string }[] =
        listed.map((d) => ({ id: d.serviceId, row: byId.get(d.serviceId), d, unitId: d.unitId }));
      // Without the registry's list, show what availability itself knows.
      if (!deps.listDestinations) {
        for (const r of rows) pairs.push({ id: r.serviceId, row: r, d: null, unitId: r.unitId });
      }
      const labels = await labelMap(pairs.map((p) => p.unitId));
      const items = pairs.map((p) => present(p.id, p.row, p.d, p.unitId, labels));
      const rank = { offline: 0, unknown: 1, online: 2 } as const;
      return items.sort(
        (a, b) =>
          rank[a.state] - rank[b.state] ||
          (a.unitCode ?? '').localeCompare(b.unitCode ?? '') ||
          (a.serviceCode ?? a.serviceId).localeCompare(b.serviceCode ?? b.serviceId),
      );
    },

    async history(ctx, serviceId, page) {
      await unitInScope(ctx, serviceId);
      const limit = Math.min(Math.max(page.limit ?? 50, 1), 200);
      const beforeId = page.cursor === undefined ? undefined : Number(page.cursor);
      if (beforeId !== undefined && !(Number.isSafeInteger(beforeId) && beforeId > 0)) {
        throw new AppError('VALIDATION_FAILED', { summary: 'cursor is the nextCursor of a previous page' });
      }
      const rows = await historyPage(db, serviceId, { beforeId, limit: limit + 1 });
      const now = platform.now().getTime();
      const items = rows.slice(0, limit).map((r) => ({
        ...r,
        durationSeconds: Math.max(0, Math.round(((r.until?.getTime() ?? now) - r.since.getTime()) / 1000)),
      }));
      return {
        serviceId,
        items,
        nextCursor: rows.length > limit ? String(items[items.length - 1]!.id) : null,
      };
    },

    async statistics(ctx, input) {
      const now = platform.now();
      const to = input.to ?? vnDay(now);
      const from = input.from ?? vnDay(new Date(dayStart(to) + 86_400_000 - 30 * 86_400_000));
      const fromAt = dayStart(from);
      const toAt = dayStart(to) + 86_400_000;
      if (fromAt >= toAt) {
        throw new AppError('LGSP_AVAILABILITY_RANGE_INVALID', { reason: 'from is after to' });
      }
      if (toAt - fromAt > MAX_RANGE_DAYS * 86_400_000) {
        throw new AppError('LGSP_AVAILABILITY_RANGE_INVALID', { reason: `more than ${MAX_RANGE_DAYS} days` });
      }
      const visible = await org.visibleUnitIds(ctx);
      const [rows, all] = await Promise.all([
        statistics(db, { from: new Date(fromAt), to: new Date(toAt), now }, visible),
        destinations(),
      ]);
      const names = new Map(all.map((d) => [d.serviceId, d]));
      const labels = await labelMap(rows.map((r) => r.unitId));
      const figures = (r: { disconnections: number; offlineSeconds: number; observedSeconds: number }) => ({
        disconnections: r.disconnections,
        offlineMinutes: round2(r.offlineSeconds / 60),
        observedMinutes: round2(r.observedSeconds / 60),
        uptimePercent:
          r.observedSeconds > 0
            ? round2(((r.observedSeconds - r.offlineSeconds) / r.observedSeconds) * 100)
            : null,
      });
      return {
        from,
        to,
        units: rows
          .filter((r) => r.serviceId === null)
          .map((r) => ({
            unitId: r.unitId,
            unitCode: labels.get(r.unitId)?.code ?? null,
            unitName: labels.get(r.unitId)?.name ?? null,
            services: r.services,
            ...figures(r),
          })),
        services: rows
          .filter((r) => r.serviceId !== null)
          .map((r) => ({
            serviceId: r.serviceId!,
            serviceCode: names.get(r.serviceId!)?.serviceCode ?? null,
            serviceName: names.get(r.serviceId!)?.name ?? null,
            unitId: r.unitId,
            ...figures(r),
          })),
      };
    },

    flushContacts,

    async settled() {
      let seen: Promise<unknown>;
      do {
        seen = persisting;
        await seen;
      } while (seen !== persisting);
    },

    probeJob: {
      name: PROBE_JOB,
      intervalMs: platform.config.lgsp.probeIntervalSeconds * 1000,
      run: async (_ctx, info) => {
        const s = await probeRound(info.signal);
        return `${s.probed} probed: ${s.online} online, ${s.offline} offline; ${s.changes} changes, ${s.notices} notices`;
      },
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(flushTimer);
      for (const stop of unsubscribe) stop();
      await persisting;
      await flushContacts().catch((err: unknown) =>
        log.error({ err }, 'availability: contact times not written at close'),
      );
      if (ownAgent) await agent.close();
    },
  };

  async function labelMap(unitIds: readonly string[]) {
    const labels = await org.unitLabels([...new Set(unitIds)]);
    return new Map(labels.map((l) => [l.id, { code: l.code, name: l.name }]));
  }
}

/** A bus message checked (received payloads are untrusted). */
function parseChange(
  payload: unknown,
): { serviceId: string; unitId: string; online: boolean; since: Date; cause: AvailabilityCause } | null {
  if (!payload || typeof payload !== 'object') return null;
  const p = payload as Record<string, unknown>;
  if (typeof p.serviceId !== 'string' || typeof p.unitId !== 'string' || typeof p.online !== 'boolean')
    return null;
  if (typeof p.since !== 'string' || !['probe', 'traffic', 'registry'].includes(String(p.cause))) return null;
  const since = new Date(p.since);
  if (Number.isNaN(since.getTime())) return null;
  return {
    serviceId: p.serviceId,
    unitId: p.unitId,
    online: p.online,
    since,
    cause: p.cause as AvailabilityCause,
  };
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The Vietnam calendar day of an instant, YYYY-MM-DD. */
function vnDay(at: Date): string {
  return new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** Start (00:00 Vietnam time) of a YYYY-MM-DD day, in ms; LGSP_AVAILABILITY_RANGE_INVALID when not a day. */
function dayStart(day: string): number {
  const m = DAY.exec(day);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new AppError('LGSP_AVAILABILITY_RANGE_INVALID', { reason: `${day} is not a date (YYYY-MM-DD)` });
  }
  return ms - VIETNAM_OFFSET_MS;
}
