/**
 * @module soc/sources/service
 * Information systems (SOC-10), the source inventory, public IP ranges (SOC-17) and silence alerts (SOC-25).
 * Rows are scoped by unit on the server: an actor reads and changes only rows of units it may see; sources
 * without a unit are visible only with scope `all`. Every change is audited in its own transaction
 * (category `config`) and announced on the bus, so every node's cache and matcher follow at once.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../../core/audit/index.ts';
import { BUS_RECONNECTED, type JsonValue } from '../../core/bus/index.ts';
import type { Ctx } from '../../core/context.ts';
import { type Db, pgErrorOf } from '../../core/db/index.ts';
import { AppError } from '../../core/errors/index.ts';
import type { JobDefinition } from '../../core/scheduler/index.ts';
import { foldForSearch, nfc } from '../../core/text/vietnamese.ts';
import type { SocDeps } from '../deps.ts';
import { CachedEnricher } from './enricher.ts';
import { normaliseCidr, type RangeInfo, RangeMatcher } from './ip-ranges.ts';
import { backNotice, type NoticeSource, silentNotice } from './notices.ts';
import type {
  AlertQuery,
  AlertView,
  CreateRangeBody,
  CreateSystemBody,
  RangeQuery,
  RangeView,
  SourceQuery,
  SourceView,
  SystemQuery,
  SystemView,
  UpdateRangeBody,
  UpdateSourceBody,
  UpdateSystemBody,
} from './schema.ts';
import type { SourceKind } from './source-key.ts';
import {
  allRanges,
  type ClearedAlert,
  clearReturned,
  deleteRange,
  deleteSystem,
  findRange,
  findSource,
  findSystem,
  insertRange,
  insertSystem,
  inventoryFigures,
  listAlerts,
  listRanges,
  listSources,
  listSystems,
  moveOpenAlert,
  overlappingRanges,
  type RaisedAlert,
  type RangeRow,
  raiseSilent,
  retentionOverrides,
  type SourceRow,
  type SystemRow,
  systemCodes,
  type UnitFilter,
  updateRange,
  updateSource,
  updateSystem,
} from './store.ts';

/** Bus topic: sources changed by an operator (`{ ids }`) or many at once (`{ all: true }`). */
export const SOURCES_CHANGED = 'soc.sources.changed';
/** Bus topic: IP ranges or information systems changed; every node rebuilds its matcher. */
export const TAGGING_CHANGED = 'soc.tagging.changed';
/** Bus topic: a source went silent (an alert was raised). */
export const SOURCE_SILENT = 'soc.source.silent';
/** Bus topic: a silent source reports again (its alert was cleared). */
export const SOURCE_BACK = 'soc.source.back';
/** Scheduler job of the silence check (one node per round). */
export const SILENCE_JOB = 'soc.sources.silence';
/**
 * The unit id asked of the holder lookup for sources without a unit: no account belongs to it, so only
 * holders with scope `all` cover it, exactly those who may see such sources.
 */
const NO_UNIT = '00000000-0000-0000-0000-000000000000';

/** Retention the event store applies: the default, and the sources that have their own. */
export interface RetentionPlan {
  defaultDays: number;
  perSource: { sourceId: string; days: number }[];
}

/** Inventory figures for the SIEM's health page. */
export interface InventoryFigures {
  sources: number;
  silent: number;
  never: number;
  openAlerts: number;
}

/** What one silence check did. */
export interface SilenceRound {
  raised: number;
  cleared: number;
}

const fieldError = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', { summary: `${field}: ${message}`, errors: [{ field, message }] });

function requirePermission(ctx: Ctx, permission: 'soc.sources.read' | 'soc.sources.write'): void {
  if (ctx.actor.kind === 'system') return;
  if (!ctx.actor.permissions.has(permission)) throw new AppError('IAM_FORBIDDEN');
}

function uniqueViolation(err: unknown): boolean {
  return pgErrorOf(err)?.code === '23505';
}

const visible = (units: UnitFilter, unitId: string | null) =>
  units === 'all' || (unitId !== null && units.includes(unitId));

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Creates the sources service of this node: loads the matcher, subscribes to the bus, starts the flush timer. */
export function createSourcesService(deps: SocDeps) {
  const { platform, org, bus, notifications } = deps;
  const { db, log } = platform;
  const cfg = platform.config.soc.sources;
  const defaults: Record<SourceKind, number> = {
    host: cfg.intervals.host,
    'network-device': cfg.intervals.networkDevice,
    agent: cfg.intervals.agent,
    sensor: cfg.intervals.sensor,
    application: cfg.intervals.application,
  };

  const enricher = new CachedEnricher({
    db,
    log,
    now: () => platform.now(),
    onCleared: (alerts) => announceCleared(alerts),
  });

  const loadTagging = async () => {
    const [ranges, codes] = await Promise.all([allRanges(db), systemCodes(db)]);
    enricher.setTagging({ ranges: new RangeMatcher(ranges.map(rangeInfo)), systemCodes: codes });
  };
  let loaded = loadTagging().catch((err: unknown) =>
    log.error({ err }, 'SIEM sources: IP ranges could not be loaded; events are not tagged until they are'),
  );
  const reloadTagging = () => {
    loaded = loadTagging().catch((err: unknown) =>
      log.error({ err }, 'SIEM sources: IP ranges not reloaded'),
    );
    return loaded;
  };

  const unsubscribe = [
    bus.subscribe(TAGGING_CHANGED, () => reloadTagging()),
    bus.subscribe(SOURCES_CHANGED, async (payload) => {
      const p = payload as { ids?: unknown; all?: unknown } | null;
      if (p && p.all === true) enricher.reset();
      else if (p && Array.isArray(p.ids)) {
        const ids = p.ids.filter((x): x is string => typeof x === 'string').slice(0, 1000);
        await enricher
          .refresh(ids)
          .catch((err: unknown) => log.error({ err }, 'SIEM sources: cache not refreshed'));
      }
    }),
    // Changes published while this node's listener was away are in the database.
    bus.subscribe(BUS_RECONNECTED, async () => {
      enricher.reset();
      await reloadTagging();
    }),
  ];

  const flushTimer = setInterval(() => {
    enricher.flush().catch((err: unknown) => log.error({ err }, 'SIEM sources: last-seen times not written'));
  }, cfg.flushIntervalMs);
  flushTimer.unref();

  const publish = async (topic: string, payload: JsonValue) => {
    try {
      await bus.publish(topic, payload);
    } catch (err) {
      log.error({ err, topic }, 'SIEM sources: a change could not be published');
    }
  };

  /** One notice per unit; recipients are the holders of soc.sources.read covering the unit. */
  const tell = async (
    list: readonly { unitId: string | null; source: NoticeSource }[],
    notice: typeof silentNotice,
  ) => {
    const byUnit = new Map<string | null, NoticeSource[]>();
    for (const x of list) {
      const group = byUnit.get(x.unitId) ?? [];
      group.push(x.source);
      byUnit.set(x.unitId, group);
    }
    const unitIds = [...byUnit.keys()].filter((u): u is string => u !== null);
    const labels = new Map((await org.unitLabels(unitIds)).map((u) => [u.id, `${u.name} (${u.code})`]));
    for (const [unitId, sources] of byUnit) {
      try {
        await notifications.notifyHolders(
          'soc.sources.read',
          unitId ?? NO_UNIT,
          notice(unitId ? (labels.get(unitId) ?? null) : null, sources),
        );
      } catch (err) {
        log.error({ err, unitId }, 'SIEM sources: a silence notice could not be sent');
      }
    }
  };

  const announceRaised = async (alerts: readonly RaisedAlert[]) => {
    for (const a of alerts) {
      await publish(SOURCE_SILENT, {
        alertId: a.alertId,
        sourceId: a.sourceId,
        unitId: a.unitId,
        raisedAt: a.raisedAt.toISOString(),
        lastSeen: a.lastSeen.toISOString(),
      });
    }
    await tell(
      alerts.map((a) => ({ unitId: a.unitId, source: { name: a.sourceName, at: a.lastSeen } })),
      silentNotice,
    );
  };

  async function announceCleared(alerts: readonly ClearedAlert[]): Promise<void> {
    for (const a of alerts) {
      await publish(SOURCE_BACK, {
        alertId: a.alertId,
        sourceId: a.sourceId,
        unitId: a.unitId,
        raisedAt: a.raisedAt.toISOString(),
        clearedAt: a.clearedAt.toISOString(),
      });
    }
    await tell(
      alerts.map((a) => ({ unitId: a.unitId, source: { name: a.sourceName, at: a.raisedAt } })),
      backNotice,
    );
  }

  /** Marks silent sources and clears returned ones (the job's work; callable from tests). */
  const checkSilence = async (): Promise<SilenceRound> => {
    // This node's own unwritten reports count before anyone is called silent.
    await enricher.flush();
    const now = platform.now();
    const cleared = await clearReturned(db, now, defaults);
    if (cleared.length > 0) await announceCleared(cleared);
    const raised = await raiseSilent(db, now, defaults, cfg.graceFactor);
    if (raised.length > 0) await announceRaised(raised);
    return { raised: raised.length, cleared: cleared.length };
  };

  const silenceJob: JobDefinition = {
    name: SILENCE_JOB,
    intervalMs: 60_000,
    async run() {
      const r = await checkSilence();
      return `raised ${r.raised}, cleared ${r.cleared}`;
    },
  };

  // ------------------------------------------------------------------ presentation

  const unitLabels = async (ids: readonly (string | null)[]) => {
    const unique = [...new Set(ids.filter((x): x is string => x !== null))];
    return new Map((await org.unitLabels(unique)).map((u) => [u.id, u]));
  };

  const effectiveInterval = (s: Pick<SourceRow, 'expectedIntervalSeconds' | 'inputKind' | 'kind'>) =>
    s.expectedIntervalSeconds ?? (s.inputKind === 'file' ? 0 : defaults[s.kind]);

  const presentSources = async (rows: readonly SourceRow[]): Promise<SourceView[]> => {
    const labels = await unitLabels(rows.map((r) => r.unitId));
    return rows.map((r) => ({
      id: r.id,
      key: r.key,
      inputKind: r.inputKind,
      kind: r.kind,
      name: r.name,
      address: r.address,
      unitId: r.unitId,
      unitCode: r.unitId ? (labels.get(r.unitId)?.code ?? null) : null,
      unitName: r.unitId ? (labels.get(r.unitId)?.name ?? null) : null,
      systemId: r.systemId,
      systemCode: r.systemCode,
      systemName: r.systemName,
      expectedIntervalSeconds: r.expectedIntervalSeconds,
      effectiveIntervalSeconds: effectiveInterval(r),
      retentionDays: r.retentionDays,
      state: r.openAlertId ? 'silent' : r.lastSeen ? 'reporting' : 'never',
      silentSince: iso(r.silentSince),
      firstSeen: iso(r.firstSeen),
      lastSeen: iso(r.lastSeen),
      events: r.events,
    }));
  };

  const presentSystems = async (rows: readonly SystemRow[]): Promise<SystemView[]> => {
    const labels = await unitLabels(rows.map((r) => r.unitId));
    return rows.map((r) => ({
      id: r.id,
      unitId: r.unitId,
      unitCode: labels.get(r.unitId)?.code ?? null,
      unitName: labels.get(r.unitId)?.name ?? null,
      code: r.code,
      name: r.name,
      securityLevel: r.securityLevel,
      description: r.description,
      ranges: r.ranges,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    }));
  };

  const presentRanges = async (units: UnitFilter, rows: readonly RangeRow[]): Promise<RangeView[]> => {
    const overlaps = await overlappingRanges(
      db,
      rows.map((r) => r.cidr),
    );
    return rows.map((r) => {
      const others = overlaps.filter((o) => o.overlaps === r.cidr && o.id !== r.id);
      const shown = others.filter((o) => visible(units, o.unitId));
      return {
        id: r.id,
        cidr: r.cidr,
        systemId: r.systemId,
        systemCode: r.systemCode,
        unitId: r.unitId,
        description: r.description,
        overlaps: shown.map((o) => ({ id: o.id, cidr: o.cidr, systemCode: o.systemCode })),
        overlapsOutsideScope: others.length - shown.length,
        createdAt: r.createdAt.toISOString(),
        updatedAt: r.updatedAt.toISOString(),
      };
    });
  };

  // ------------------------------------------------------------------ loading with scope

  const visibleSystem = async (ctx: Ctx, id: string, units?: UnitFilter): Promise<SystemRow> => {
    const row = await findSystem(db, id);
    if (!row || !visible(units ?? (await org.visibleUnitIds(ctx)), row.unitId)) {
      throw new AppError('SOC_SYSTEM_NOT_FOUND');
    }
    return row;
  };

  const visibleRange = async (id: string, units: UnitFilter): Promise<RangeRow> => {
    const row = await findRange(db, id);
    if (!row || !visible(units, row.unitId)) throw new AppError('SOC_IP_RANGE_NOT_FOUND');
    return row;
  };

  const visibleSource = async (id: string, units: UnitFilter): Promise<SourceRow> => {
    const row = await findSource(db, id);
    if (!row || !visible(units, row.unitId)) throw new AppError('SOC_SOURCE_NOT_FOUND');
    return row;
  };

  /** A unit the actor names in a change: NOT_FOUND unless it exists within the actor's scope. */
  const unitInScope = async (ctx: Ctx, unitId: string) => org.assertUnitInScope(ctx, unitId);

  const write = <T>(fn: (tx: Db, now: Date) => Promise<T>): Promise<T> =>
    db.transaction((tx) => fn(tx, platform.now()));

  const description = (v: string | null | undefined) => {
    if (v === undefined || v === null) return null;
    const t = v.normalize('NFC').trim();
    return t.length > 0 ? t : null;
  };

  return {
    enricher,
    silenceJob,
    checkSilence,
    /** Resolves once the IP ranges are loaded (tests). */
    ready: () => loaded,
    /** Writes the reports counted on this node now (tests, shutdown). */
    flush: () => enricher.flush(),

    // ---------------------------------------------------------------- information systems

    async listSystems(ctx: Ctx, q: SystemQuery): Promise<{ items: SystemView[]; total: number }> {
      requirePermission(ctx, 'soc.sources.read');
      const units = await org.visibleUnitIds(ctx);
      const search = q.q ? foldForSearch(q.q.replaceAll('\u0000', '')) : undefined;
      const { rows, total } = await listSystems(db, units, {
        unitId: q.unitId,
        search,
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
      });
      return { items: await presentSystems(rows), total };
    },

    async getSystem(ctx: Ctx, id: string): Promise<SystemView> {
      requirePermission(ctx, 'soc.sources.read');
      return (await presentSystems([await visibleSystem(ctx, id)]))[0] as SystemView;
    },

    async createSystem(ctx: Ctx, input: CreateSystemBody): Promise<SystemView> {
      requirePermission(ctx, 'soc.sources.write');
      await unitInScope(ctx, input.unitId);
      const id = randomUUID();
      const name = nfc(input.name);
      if (!name) throw fieldError('name', 'must not be empty');
      try {
        await write(async (tx, now) => {
          await insertSystem(tx, {
            id,
            unitId: input.unitId,
            code: input.code,
            name,
            securityLevel: input.securityLevel,
            description: description(input.description),
            createdAt: now,
            updatedAt: now,
          });
          await audit(
            tx,
            ctx,
            {
              category: 'config',
              action: 'soc.system.create',
              description: `Đăng ký hệ thống thông tin ${input.code} (${name}), cấp độ ${input.securityLevel}`,
              severity: 'notice',
              target: { type: 'soc_system', id },
              unitId: input.unitId,
              details: { code: input.code, name, securityLevel: input.securityLevel },
            },
            now,
          );
        });
      } catch (err) {
        if (uniqueViolation(err))
          throw new AppError('SOC_SYSTEM_CODE_TAKEN', { code: input.code }, { cause: err });
        throw err;
      }
      await publish(TAGGING_CHANGED, {});
      return this.getSystem(ctx, id);
    },

    async updateSystem(ctx: Ctx, id: string, input: UpdateSystemBody): Promise<SystemView> {
      requirePermission(ctx, 'soc.sources.write');
      const units = await org.visibleUnitIds(ctx);
      const before = await visibleSystem(ctx, id, units);
      if (input.unitId !== undefined && input.unitId !== before.unitId) await unitInScope(ctx, input.unitId);
      const after = {
        ...before,
        unitId: input.unitId ?? before.unitId,
        code: input.code ?? before.code,
        name: input.name === undefined ? before.name : nfc(input.name),
        securityLevel: input.securityLevel ?? before.securityLevel,
        description: input.description === undefined ? before.description : description(input.description),
      };
      if (!after.name) throw fieldError('name', 'must not be empty');
      const changed = (['unitId', 'code', 'name', 'securityLevel', 'description'] as const).filter(
        (k) => before[k] !== after[k],
      );
      if (changed.length === 0) return (await presentSystems([before]))[0] as SystemView;
      try {
        await write(async (tx, now) => {
          await updateSystem(tx, { ...after, updatedAt: now });
          await audit(
            tx,
            ctx,
            {
              category: 'config',
              action: 'soc.system.update',
              description: `Sửa hệ thống thông tin ${after.code}: ${changed.join(', ')}`,
              severity: 'notice',
              target: { type: 'soc_system', id },
              unitId: after.unitId,
              details: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: after[k] }])),
            },
            now,
          );
        });
      } catch (err) {
        if (uniqueViolation(err))
          throw new AppError('SOC_SYSTEM_CODE_TAKEN', { code: after.code }, { cause: err });
        throw err;
      }
      await publish(TAGGING_CHANGED, {});
      return this.getSystem(ctx, id);
    },

    async deleteSystem(ctx: Ctx, id: string): Promise<void> {
      requirePermission(ctx, 'soc.sources.write');
      const row = await visibleSystem(ctx, id);
      if (row.ranges > 0) throw new AppError('SOC_SYSTEM_HAS_RANGES', { code: row.code, count: row.ranges });
      await write(async (tx, now) => {
        await deleteSystem(tx, id);
        await audit(
          tx,
          ctx,
          {
            category: 'config',
            action: 'soc.system.delete',
            description: `Xóa hệ thống thông tin ${row.code} (${row.name})`,
            severity: 'warning',
            target: { type: 'soc_system', id },
            unitId: row.unitId,
            details: { code: row.code, name: row.name, securityLevel: row.securityLevel },
          },
          now,
        );
      });
      // Its sources lost their system (on delete set null): every node drops its cached sources.
      await publish(SOURCES_CHANGED, { all: true });
      await publish(TAGGING_CHANGED, {});
    },

    // ---------------------------------------------------------------- IP ranges

    async listRanges(ctx: Ctx, q: RangeQuery): Promise<{ items: RangeView[]; total: number }> {
      requirePermission(ctx, 'soc.sources.read');
      const units = await org.visibleUnitIds(ctx);
      const { rows, total } = await listRanges(db, units, {
        systemId: q.systemId,
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
      });
      return { items: await presentRanges(units, rows), total };
    },

    async getRange(ctx: Ctx, id: string): Promise<RangeView> {
      requirePermission(ctx, 'soc.sources.read');
      const units = await org.visibleUnitIds(ctx);
      return (await presentRanges(units, [await visibleRange(id, units)]))[0] as RangeView;
    },

    async createRange(ctx: Ctx, input: CreateRangeBody): Promise<RangeView> {
      requirePermission(ctx, 'soc.sources.write');
      const units = await org.visibleUnitIds(ctx);
      const system = await visibleSystem(ctx, input.systemId, units);
      const unitId = input.unitId ?? system.unitId;
      if (unitId !== system.unitId) await unitInScope(ctx, unitId);
      const { cidr } = normaliseCidr(input.cidr);
      const id = randomUUID();
      try {
        await write(async (tx, now) => {
          await insertRange(tx, {
            id,
            cidr,
            systemId: system.id,
            unitId,
            description: description(input.description),
            createdAt: now,
            updatedAt: now,
          });
          await audit(
            tx,
            ctx,
            {
              category: 'config',
              action: 'soc.ip_range.create',
              description: `Đăng ký dải IP công khai ${cidr} của hệ thống ${system.code}`,
              severity: 'notice',
              target: { type: 'soc_ip_range', id },
              unitId,
              details: { cidr, input: input.cidr, systemCode: system.code },
            },
            now,
          );
        });
      } catch (err) {
        if (uniqueViolation(err)) throw new AppError('SOC_IP_RANGE_TAKEN', { cidr }, { cause: err });
        throw err;
      }
      await publish(TAGGING_CHANGED, {});
      return this.getRange(ctx, id);
    },

    async updateRange(ctx: Ctx, id: string, input: UpdateRangeBody): Promise<RangeView> {
      requirePermission(ctx, 'soc.sources.write');
      const units = await org.visibleUnitIds(ctx);
      const before = await visibleRange(id, units);
      const system =
        input.systemId && input.systemId !== before.systemId
          ? await visibleSystem(ctx, input.systemId, units)
          : null;
      const unitId = input.unitId ?? (system ? system.unitId : before.unitId);
      if (unitId !== before.unitId && unitId !== system?.unitId) await unitInScope(ctx, unitId);
      const cidr = input.cidr === undefined ? before.cidr : normaliseCidr(input.cidr).cidr;
      const after = {
        id,
        cidr,
        systemId: system?.id ?? before.systemId,
        unitId,
        description: input.description === undefined ? before.description : description(input.description),
      };
      const changed = (['cidr', 'systemId', 'unitId', 'description'] as const).filter(
        (k) => before[k] !== after[k],
      );
      if (changed.length > 0) {
        try {
          await write(async (tx, now) => {
            await updateRange(tx, { ...after, updatedAt: now });
            await audit(
              tx,
              ctx,
              {
                category: 'config',
                action: 'soc.ip_range.update',
                description: `Sửa dải IP công khai ${before.cidr}: ${changed.join(', ')}`,
                severity: 'notice',
                target: { type: 'soc_ip_range', id },
                unitId,
                details: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: after[k] }])),
              },
              now,
            );
          });
        } catch (err) {
          if (uniqueViolation(err)) throw new AppError('SOC_IP_RANGE_TAKEN', { cidr }, { cause: err });
          throw err;
        }
        await publish(TAGGING_CHANGED, {});
      }
      return this.getRange(ctx, id);
    },

    async deleteRange(ctx: Ctx, id: string): Promise<void> {
      requirePermission(ctx, 'soc.sources.write');
      const units = await org.visibleUnitIds(ctx);
      const row = await visibleRange(id, units);
      await write(async (tx, now) => {
        await deleteRange(tx, id);
        await audit(
          tx,
          ctx,
          {
            category: 'config',
            action: 'soc.ip_range.delete',
            description: `Xóa dải IP công khai ${row.cidr} của hệ thống ${row.systemCode}`,
            severity: 'warning',
            target: { type: 'soc_ip_range', id },
            unitId: row.unitId,
            details: { cidr: row.cidr, systemCode: row.systemCode },
          },
          now,
        );
      });
      await publish(TAGGING_CHANGED, {});
    },

    // ---------------------------------------------------------------- sources

    async listSources(ctx: Ctx, q: SourceQuery): Promise<{ items: SourceView[]; total: number }> {
      requirePermission(ctx, 'soc.sources.read');
      const units = await org.visibleUnitIds(ctx);
      const search = q.q ? foldForSearch(q.q.replaceAll('\u0000', '')) : undefined;
      const { rows, total } = await listSources(db, units, {
        unitId: q.unitId,
        systemId: q.systemId,
        kind: q.kind,
        state: q.state,
        search,
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
      });
      return { items: await presentSources(rows), total };
    },

    async getSource(ctx: Ctx, id: string): Promise<SourceView> {
      requirePermission(ctx, 'soc.sources.read');
      const units = await org.visibleUnitIds(ctx);
      return (await presentSources([await visibleSource(id, units)]))[0] as SourceView;
    },

    async updateSource(ctx: Ctx, id: string, input: UpdateSourceBody): Promise<SourceView> {
      requirePermission(ctx, 'soc.sources.write');
      const units = await org.visibleUnitIds(ctx);
      const before = await visibleSource(id, units);
      const system =
        input.systemId === undefined || input.systemId === null
          ? null
          : await visibleSystem(ctx, input.systemId, units);
      // A source without a unit takes its new system's unit, unless the operator names one.
      let unitId = input.unitId === undefined ? before.unitId : input.unitId;
      if (input.unitId === undefined && unitId === null && system) unitId = system.unitId;
      if (unitId !== before.unitId) {
        if (unitId === null) {
          // Only actors seeing everything may leave a source without a unit: others would lose sight of it.
          if (units !== 'all') throw fieldError('unitId', 'only an actor with scope all may remove the unit');
        } else await unitInScope(ctx, unitId);
      }
      const after = {
        id,
        name: input.name === undefined ? before.name : nfc(input.name),
        kind: input.kind ?? before.kind,
        unitId,
        systemId: input.systemId === undefined ? before.systemId : input.systemId,
        expectedIntervalSeconds:
          input.expectedIntervalSeconds === undefined
            ? before.expectedIntervalSeconds
            : input.expectedIntervalSeconds,
        retentionDays: input.retentionDays === undefined ? before.retentionDays : input.retentionDays,
      };
      if (!after.name) throw fieldError('name', 'must not be empty');
      const changed = (
        ['name', 'kind', 'unitId', 'systemId', 'expectedIntervalSeconds', 'retentionDays'] as const
      ).filter((k) => before[k] !== after[k]);
      if (changed.length > 0) {
        await write(async (tx, now) => {
          await updateSource(tx, after, now);
          if (after.unitId !== before.unitId) await moveOpenAlert(tx, id, after.unitId);
          await audit(
            tx,
            ctx,
            {
              category: 'config',
              action: 'soc.source.update',
              description: `Sửa nguồn nhật ký ${before.name} (${before.key}): ${changed.join(', ')}`,
              severity: 'notice',
              target: { type: 'soc_source', id },
              unitId: after.unitId ?? before.unitId,
              details: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: after[k] }])),
            },
            now,
          );
        });
        await publish(SOURCES_CHANGED, { ids: [id] });
      }
      return (await presentSources([(await findSource(db, id)) as SourceRow]))[0] as SourceView;
    },

    // ---------------------------------------------------------------- alerts, inventory, retention

    async listAlerts(ctx: Ctx, q: AlertQuery): Promise<AlertView[]> {
      requirePermission(ctx, 'soc.sources.read');
      const units = await org.visibleUnitIds(ctx);
      const since = new Date(platform.now().getTime() - (q.days ?? 7) * 86_400_000);
      const rows = await listAlerts(db, units, { since, openOnly: q.open ?? false, limit: q.limit ?? 200 });
      const labels = await unitLabels(rows.map((r) => r.unitId));
      return rows.map((r) => ({
        id: r.id,
        sourceId: r.sourceId,
        sourceName: r.sourceName,
        sourceKind: r.sourceKind,
        unitId: r.unitId,
        unitCode: r.unitId ? (labels.get(r.unitId)?.code ?? null) : null,
        unitName: r.unitId ? (labels.get(r.unitId)?.name ?? null) : null,
        raisedAt: r.raisedAt.toISOString(),
        clearedAt: iso(r.clearedAt),
        lastSeen: r.lastSeen.toISOString(),
        open: r.clearedAt === null,
      }));
    },

    /** Inventory figures of the units the actor sees (`'all'` for the platform's own metrics). */
    async inventory(scope: Ctx | 'all'): Promise<InventoryFigures> {
      if (scope !== 'all') requirePermission(scope, 'soc.sources.read');
      const units = scope === 'all' ? 'all' : await org.visibleUnitIds(scope);
      const f = await inventoryFigures(db, units);
      return { ...f, openAlerts: f.silent };
    },

    /** What the event store's retention applies per source. */
    async retention(): Promise<RetentionPlan> {
      return {
        defaultDays: platform.config.soc.store.defaultRetentionDays,
        perSource: await retentionOverrides(db),
      };
    },

    async close(): Promise<void> {
      clearInterval(flushTimer);
      for (const u of unsubscribe) u();
      await enricher.flush().catch((err: unknown) => log.error({ err }, 'SIEM sources: last flush failed'));
    },
  };
}

function rangeInfo(r: RangeRow): RangeInfo {
  return { id: r.id, cidr: r.cidr, systemId: r.systemId, systemCode: r.systemCode, unitId: r.unitId };
}

/** The sources service, as returned by `createSourcesService`. */
export type SourcesService = ReturnType<typeof createSourcesService>;
