/**
 * @module lgsp/registry/service
 * The registry of connected units (LGSP-17, LGSP-20, LGSP-21): applications with their access keys
 * (LGSP-29) and network allow-lists (LGSP-32), the services they provide, the access rights between
 * them with history (LGSP-30), and the directory of services (LGSP-13). Every function takes the
 * actor's context first; rows outside the actor's units answer NOT_FOUND like missing ones. Org calls
 * happen before a transaction opens (PGlite has one connection: a query outside an open transaction
 * would wait for it forever).
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../../core/audit/index.ts';
import { type Ctx, systemCtx } from '../../core/context.ts';
import type { Db } from '../../core/db/index.ts';
import { AppError, isAppError } from '../../core/errors/index.ts';
import type { Platform } from '../../core/platform.ts';
import { seal } from '../../core/security/secret-box.ts';
import { foldForSearch, nfc, viCollator } from '../../core/text/vietnamese.ts';
import { type OrgService, type OrgUnit, tryNormaliseCode, type UnitLabel } from '../../org/index.ts';
import type { RegistryChange } from '../contracts.ts';
import type { RegistryCache } from './lookup.ts';
import {
  ACCESS_KEY,
  actorIdOf,
  actorLabel,
  algorithmsFor,
  baseUrlOf,
  codeOf,
  dataTypesOf,
  fieldError,
  healthPathOf,
  isUuid,
  limits,
  methodsOf,
  networksOf,
  newAccessKey,
  newSecret,
  optionalEmail,
  optionalLimit,
  optionalPhone,
  optionalText,
  requiredText,
  requirePermission,
  uniqueViolation,
} from './model.ts';
import { parsePublicKey } from './public-key.ts';
import type {
  ApplicationQueryInput,
  ApplicationView,
  ConnectedUnitView,
  CreateApplicationInput,
  CreateServiceInput,
  DirectoryQueryInput,
  DirectoryView,
  IssuedKeyView,
  KeyView,
  MatrixView,
  RightHistoryView,
  RightQueryInput,
  RightView,
  ServiceQueryInput,
  ServiceView,
  SetRightInput,
  UpdateApplicationInput,
  UpdateServiceInput,
} from './schema.ts';
import {
  type ApplicationListRow,
  applicationsByIds,
  connectedUnits,
  deleteRight,
  directoryServices,
  findApplication,
  findApplications,
  findKey,
  findRight,
  findRightHistory,
  findRights,
  findServices,
  insertApplication,
  insertKey,
  insertRightHistory,
  insertService,
  keysOf,
  revokeKey,
  rotateActiveKey,
  type ServiceListRow,
  servicesByIds,
  type UnitFilter,
  updateApplication,
  updateService,
  upsertRight,
} from './store.ts';
import type { ApplicationRow, KeyRow } from './tables.ts';

/** What the registry service needs. */
export interface RegistryServiceDeps {
  readonly platform: Platform;
  readonly org: OrgService;
  readonly cache: RegistryCache;
}

/** The registry service, as returned by `createRegistryService`. */
export type RegistryService = ReturnType<typeof createRegistryService>;

const MATRIX_MAX = 500;

/** The effective state of a key at `now`: a rotated key past its overlap, or a certificate past its end, is expired. */
export function keyStatusAt(
  key: Pick<KeyRow, 'status' | 'validUntil' | 'certificateNotAfter'>,
  now: Date,
): KeyView['status'] {
  if (key.status === 'revoked') return key.status;
  if (key.status === 'rotated' && key.validUntil && key.validUntil.getTime() <= now.getTime())
    return 'expired';
  // A key registered with a certificate stops with it.
  if (key.certificateNotAfter && key.certificateNotAfter.getTime() <= now.getTime()) return 'expired';
  return key.status;
}

function unitRef(labels: Map<string, UnitLabel>, id: string) {
  const l = labels.get(id);
  return { id, code: l?.code ?? '', name: l?.name ?? '' };
}

function presentApplication(a: ApplicationListRow, labels: Map<string, UnitLabel>): ApplicationView {
  return {
    id: a.id,
    unit: unitRef(labels, a.unitId),
    code: a.code,
    name: a.name,
    description: a.description,
    kind: a.kind,
    algorithms: a.algorithms,
    allowedNetworks: a.allowedNetworks,
    rateLimitPerMinute: a.rateLimitPerMinute,
    quotaPerDay: a.quotaPerDay,
    status: a.status,
    statusReason: a.statusReason,
    contact: { name: a.contactName, email: a.contactEmail, phone: a.contactPhone },
    activeAccessKey: a.activeAccessKey,
    serviceCount: a.serviceCount,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

function presentKey(k: KeyRow, kind: ApplicationRow['kind'], now: Date): KeyView {
  return {
    accessKey: k.accessKey,
    applicationId: k.applicationId,
    kind,
    status: keyStatusAt(k, now),
    createdAt: k.createdAt.toISOString(),
    createdBy: k.createdBy,
    validUntil: k.validUntil?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    revokedReason: k.revokedReason,
    keyBits: k.keyBits,
    certificate:
      k.certificateSubject && k.certificateNotBefore && k.certificateNotAfter
        ? {
            subject: k.certificateSubject,
            serial: k.certificateSerial ?? '',
            notBefore: k.certificateNotBefore.toISOString(),
            notAfter: k.certificateNotAfter.toISOString(),
          }
        : null,
  };
}

function presentService(s: ServiceListRow, labels: Map<string, UnitLabel>): ServiceView {
  const unit = unitRef(labels, s.unitId);
  return {
    id: s.id,
    unit,
    applicationId: s.applicationId,
    applicationCode: s.applicationCode,
    code: s.code,
    name: s.name,
    description: s.description,
    dataTypes: s.dataTypes,
    protocol: s.protocol,
    baseUrl: s.baseUrl,
    healthPath: s.healthPath,
    timeoutMs: s.timeoutMs,
    allowedMethods: s.allowedMethods,
    active: s.active,
    gatewayPath: `/${unit.code}/${s.code}`,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

/** The fields of `next` that differ from `current` (search columns left out of the audit). */
function diffOf<T extends object>(
  current: T,
  next: Partial<T>,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) {
    const old = current[k as keyof T];
    if (!k.endsWith('Search') && JSON.stringify(old) !== JSON.stringify(v)) {
      before[k] = old;
      after[k] = v;
    }
  }
  return { before, after };
}

/** Creates the registry service. */
export function createRegistryService(deps: RegistryServiceDeps) {
  const { platform, org, cache } = deps;
  const db = platform.db;
  // Org reads the registry makes for itself (a unit's status, labels, code resolution), after the
  // actor's own scope was checked where it applies.
  const orgCtx = systemCtx('lgsp.registry', ['org.read']);

  async function labelsOf(ids: Iterable<string>): Promise<Map<string, UnitLabel>> {
    const list = await org.unitLabels([...new Set(ids)]);
    return new Map(list.map((l) => [l.id, l]));
  }

  async function visible(ctx: Ctx): Promise<UnitFilter> {
    return org.visibleUnitIds(ctx);
  }

  async function inScope(ctx: Ctx, unitId: string): Promise<boolean> {
    return (await org.unitIdsInScope(ctx, [unitId])).includes(unitId);
  }

  /** The units a list is limited to: the actor's, narrowed to `unitId`'s subtree when given. */
  async function listUnits(ctx: Ctx, unitId: string | undefined): Promise<UnitFilter> {
    const units = await visible(ctx);
    if (unitId === undefined) return units;
    if (!isUuid(unitId)) return [];
    const subtree = await org.subtreeIds(unitId);
    return units === 'all' ? subtree : subtree.filter((id) => units.includes(id));
  }

  async function connectableUnit(ctx: Ctx, unitId: string): Promise<OrgUnit> {
    await org.assertUnitInScope(ctx, unitId);
    const unit = await org.getUnit(orgCtx, unitId);
    if (unit.status !== 'active') throw new AppError('LGSP_UNIT_NOT_CONNECTABLE', { code: unit.code });
    return unit;
  }

  /** An application the actor may see; otherwise LGSP_APPLICATION_NOT_FOUND (never saying which). */
  async function visibleApplication(ctx: Ctx, id: string): Promise<ApplicationListRow> {
    const app = isUuid(id) ? await findApplication(db, id) : null;
    if (!app || !(await inScope(ctx, app.unitId))) throw new AppError('LGSP_APPLICATION_NOT_FOUND');
    return app;
  }

  async function visibleService(ctx: Ctx, id: string): Promise<ServiceListRow> {
    const [service] = isUuid(id) ? await servicesByIds(db, [id]) : [];
    if (!service || !(await inScope(ctx, service.unitId))) throw new AppError('LGSP_SERVICE_NOT_FOUND');
    return service;
  }

  /**
   * Runs a write in a transaction, then announces its changes (after the commit, so another node never
   * reloads the state from before it). Unique violations read as the registry's own codes.
   */
  async function write<T>(
    fn: (tx: Db, now: Date, changes: RegistryChange[]) => Promise<T>,
    taken?: (constraint: string) => AppError | null,
  ): Promise<T> {
    const changes: RegistryChange[] = [];
    let result: T;
    try {
      result = await db.transaction((tx) => fn(tx, platform.now(), changes));
    } catch (err) {
      const constraint = uniqueViolation(err);
      const mapped = constraint !== null ? taken?.(constraint) : null;
      if (mapped) throw mapped;
      throw err;
    }
    for (const change of changes) await cache.changed(change);
    return result;
  }

  async function applicationView(id: string): Promise<ApplicationView> {
    const app = await findApplication(db, id);
    if (!app) throw new AppError('LGSP_APPLICATION_NOT_FOUND');
    return presentApplication(app, await labelsOf([app.unitId]));
  }

  async function serviceView(id: string): Promise<ServiceView> {
    const [service] = await servicesByIds(db, [id]);
    if (!service) throw new AppError('LGSP_SERVICE_NOT_FOUND');
    return presentService(service, await labelsOf([service.unitId]));
  }

  /** Issues a new HMAC or RSA key for a locked application, demoting the active one when `rotate`. */
  async function issueIn(
    tx: Db,
    ctx: Ctx,
    app: ApplicationRow,
    now: Date,
    changes: RegistryChange[],
    material: { secret: string } | { parsed: ReturnType<typeof parsePublicKey> },
    rotate: boolean,
    reason: string | null,
  ): Promise<{ key: KeyRow; replaced: KeyRow | null }> {
    let replaced: KeyRow | null = null;
    if (rotate) {
      const validUntil = new Date(now.getTime() + platform.config.lgsp.keyOverlapHours * 3_600_000);
      const old = await rotateActiveKey(tx, app.id, validUntil);
      if (old) {
        replaced = await findKey(tx, old);
        changes.push({ kind: 'key', id: old });
      }
    }
    const key: KeyRow = {
      accessKey: newAccessKey(),
      applicationId: app.id,
      status: 'active',
      secretSealed: 'secret' in material ? seal(platform.masterKey, material.secret) : null,
      publicKeyPem: 'parsed' in material ? material.parsed.publicKeyPem : null,
      keyBits: 'parsed' in material ? material.parsed.bits : null,
      certificatePem: 'parsed' in material ? (material.parsed.certificate?.pem ?? null) : null,
      certificateSubject: 'parsed' in material ? (material.parsed.certificate?.subject ?? null) : null,
      certificateSerial: 'parsed' in material ? (material.parsed.certificate?.serial ?? null) : null,
      certificateNotBefore: 'parsed' in material ? (material.parsed.certificate?.notBefore ?? null) : null,
      certificateNotAfter: 'parsed' in material ? (material.parsed.certificate?.notAfter ?? null) : null,
      createdAt: now,
      createdBy: actorLabel(ctx),
      validUntil: null,
      revokedAt: null,
      revokedReason: null,
      expiryRemindedDays: null,
    };
    await insertKey(tx, key);
    changes.push({ kind: 'key', id: key.accessKey });
    const what =
      app.kind === 'hmac' ? 'khóa truy xuất và khóa bí mật' : 'khóa truy xuất với khóa công khai RSA';
    await audit(
      tx,
      ctx,
      {
        category: 'lgsp',
        action: replaced ? 'lgsp.key.rotate' : 'lgsp.key.issue',
        description: replaced
          ? `Đổi ${what} của ứng dụng ${app.code}: ${replaced.accessKey} → ${key.accessKey} (khóa cũ dùng được đến ${replaced.validUntil?.toISOString()})`
          : `Cấp ${what} ${key.accessKey} cho ứng dụng ${app.code}`,
        severity: 'notice',
        target: { type: 'lgsp_key', id: key.accessKey },
        unitId: app.unitId,
        // Never the secret; the certificate's identity is enough to find it again.
        details: {
          applicationId: app.id,
          applicationCode: app.code,
          accessKey: key.accessKey,
          replaced: replaced?.accessKey ?? null,
          replacedValidUntil: replaced?.validUntil?.toISOString() ?? null,
          reason,
          keyBits: key.keyBits,
          certificateSubject: key.certificateSubject,
          certificateSerial: key.certificateSerial,
        },
      },
      now,
    );
    return { key, replaced };
  }

  async function lockedApplication(tx: Db, id: string): Promise<ApplicationListRow> {
    const app = await findApplication(tx, id, true);
    if (!app) throw new AppError('LGSP_APPLICATION_NOT_FOUND');
    return app;
  }

  /**
   * The account that granted or changed a right, named only to readers who see the provider's unit (its
   * operators grant the rights): a consumer unit sees that its application holds the right, not who in the
   * other unit decided it.
   */
  function grantorFor(units: UnitFilter, serviceUnitId: string, name: string): string | null {
    return units === 'all' || units.includes(serviceUnitId) ? name : null;
  }

  /** One page of rights where the application's or the service's unit is in the actor's units. */
  async function listRights(
    ctx: Ctx,
    input: Partial<RightQueryInput> = {},
  ): Promise<{ items: RightView[]; total: number }> {
    requirePermission(ctx, 'lgsp.registry.read');
    if (input.applicationId !== undefined && !isUuid(input.applicationId)) return { items: [], total: 0 };
    if (input.serviceId !== undefined && !isUuid(input.serviceId)) return { items: [], total: 0 };
    const { rows, total } = await findRights(db, {
      units: await listUnits(ctx, input.unitId),
      applicationId: input.applicationId,
      serviceId: input.serviceId,
      offset: Math.max(input.offset ?? 0, 0),
      limit: Math.min(Math.max(input.limit ?? 50, 1), 500),
    });
    const labels = await labelsOf(rows.flatMap((r) => [r.applicationUnitId, r.serviceUnitId]));
    const reach = await visible(ctx);
    return {
      items: rows.map((r) => ({
        application: {
          id: r.applicationId,
          code: r.applicationCode,
          name: r.applicationName,
          unit: unitRef(labels, r.applicationUnitId),
        },
        service: {
          id: r.serviceId,
          code: r.serviceCode,
          name: r.serviceName,
          unit: unitRef(labels, r.serviceUnitId),
        },
        operations: r.operations,
        reason: r.reason,
        grantedAt: r.grantedAt.toISOString(),
        grantedBy: grantorFor(reach, r.serviceUnitId, r.grantedBy),
        updatedAt: r.updatedAt.toISOString(),
      })),
      total,
    };
  }

  /** One right, when either end is in the actor's units. */
  async function getRight(ctx: Ctx, applicationId: string, serviceId: string): Promise<RightView> {
    requirePermission(ctx, 'lgsp.registry.read');
    if (!isUuid(applicationId) || !isUuid(serviceId)) throw new AppError('LGSP_RIGHT_NOT_FOUND');
    const { items } = await listRights(ctx, { applicationId, serviceId, offset: 0, limit: 1 });
    if (!items[0]) throw new AppError('LGSP_RIGHT_NOT_FOUND');
    return items[0];
  }

  return {
    // ------------------------------------------------------------ connected units

    /**
     * Connected units (those with at least one application) the actor may see, in Vietnamese order,
     * with counts and since when they are connected (LGSP-17).
     */
    async connectedUnits(
      ctx: Ctx,
      input: { offset?: number; limit?: number } = {},
    ): Promise<{ items: ConnectedUnitView[]; total: number }> {
      requirePermission(ctx, 'lgsp.registry.read');
      const rows = await connectedUnits(db, await visible(ctx));
      const units = new Map(
        (
          await org.getUnits(
            orgCtx,
            rows.map((r) => r.unitId),
          )
        ).map((u) => [u.id, u]),
      );
      const items = rows
        .map(
          (r): ConnectedUnitView => ({
            unit: {
              id: r.unitId,
              code: units.get(r.unitId)?.code ?? '',
              name: units.get(r.unitId)?.name ?? '',
            },
            status: units.get(r.unitId)?.status ?? 'active',
            applications: r.applications,
            activeApplications: r.activeApplications,
            services: r.services,
            activeKeys: r.activeKeys,
            connectedSince: r.connectedSince.toISOString(),
          }),
        )
        .sort((a, b) => viCollator.compare(a.unit.name, b.unit.name) || (a.unit.code < b.unit.code ? -1 : 1));
      const offset = Math.max(input.offset ?? 0, 0);
      const limit = Math.min(Math.max(input.limit ?? 50, 1), 500);
      return { items: items.slice(offset, offset + limit), total: items.length };
    },

    // ------------------------------------------------------------ applications

    /** One page of the applications the actor may see. */
    async listApplications(
      ctx: Ctx,
      input: Partial<ApplicationQueryInput> = {},
    ): Promise<{ items: ApplicationView[]; total: number }> {
      requirePermission(ctx, 'lgsp.registry.read');
      const q = input.q ? foldForSearch(nfc(input.q.replaceAll('\u0000', ''))).slice(0, limits.search) : '';
      const { rows, total } = await findApplications(db, {
        units: await listUnits(ctx, input.unitId),
        q: q || undefined,
        status: input.status,
        kind: input.kind,
        offset: Math.max(input.offset ?? 0, 0),
        limit: Math.min(Math.max(input.limit ?? 50, 1), 500),
      });
      const labels = await labelsOf(rows.map((r) => r.unitId));
      return { items: rows.map((r) => presentApplication(r, labels)), total };
    },

    /** One application the actor may see. */
    async getApplication(ctx: Ctx, id: string): Promise<ApplicationView> {
      requirePermission(ctx, 'lgsp.registry.read');
      const app = await visibleApplication(ctx, id);
      return presentApplication(app, await labelsOf([app.unitId]));
    },

    /** Registers an application of an active unit in the actor's scope (LGSP-21). */
    async createApplication(ctx: Ctx, input: CreateApplicationInput): Promise<ApplicationView> {
      requirePermission(ctx, 'lgsp.registry.write');
      if (!isUuid(input.unitId)) throw new AppError('NOT_FOUND');
      const unit = await connectableUnit(ctx, input.unitId);
      const kind = input.kind;
      if (kind !== 'hmac' && kind !== 'rsa') throw fieldError('kind', 'must be hmac or rsa');
      const name = requiredText(input.name, 'name', limits.name);
      const row: ApplicationRow = {
        id: randomUUID(),
        unitId: unit.id,
        code: codeOf(input.code),
        name,
        nameSearch: foldForSearch(name),
        description: optionalText(input.description, 'description', limits.description),
        kind,
        algorithms: algorithmsFor(kind, input.algorithms),
        allowedNetworks: networksOf(input.allowedNetworks),
        rateLimitPerMinute: optionalLimit(input.rateLimitPerMinute, 'rateLimitPerMinute', 10_000_000),
        quotaPerDay: optionalLimit(input.quotaPerDay, 'quotaPerDay', 1_000_000_000),
        status: 'active',
        statusReason: null,
        contactName: optionalText(input.contact?.name, 'contact.name', limits.contactName),
        contactEmail: optionalEmail(input.contact?.email, 'contact.email'),
        contactPhone: optionalPhone(input.contact?.phone, 'contact.phone'),
        createdAt: platform.now(),
        updatedAt: platform.now(),
      };
      await write(
        async (tx, now, changes) => {
          await insertApplication(tx, { ...row, createdAt: now, updatedAt: now });
          await audit(
            tx,
            ctx,
            {
              category: 'lgsp',
              action: 'lgsp.application.create',
              description: `Đăng ký ứng dụng kết nối ${row.code} (${row.name}) của đơn vị ${unit.name} (${unit.code})`,
              severity: 'notice',
              target: { type: 'lgsp_application', id: row.id },
              unitId: unit.id,
              details: {
                code: row.code,
                kind: row.kind,
                algorithms: row.algorithms,
                allowedNetworks: row.allowedNetworks,
                rateLimitPerMinute: row.rateLimitPerMinute,
                quotaPerDay: row.quotaPerDay,
              },
            },
            now,
          );
          changes.push({ kind: 'application', id: row.id });
        },
        (c) => (c.includes('code') ? new AppError('LGSP_APPLICATION_CODE_TAKEN', { code: row.code }) : null),
      );
      return applicationView(row.id);
    },

    /** Changes an application's name, description, algorithms, networks, limits or contact (code, unit, kind stay). */
    async updateApplication(ctx: Ctx, id: string, input: UpdateApplicationInput): Promise<ApplicationView> {
      requirePermission(ctx, 'lgsp.registry.write');
      const app = await visibleApplication(ctx, id);
      const next: Partial<ApplicationRow> = {};
      if (input.name !== undefined) {
        next.name = requiredText(input.name, 'name', limits.name);
        next.nameSearch = foldForSearch(next.name);
      }
      if (input.description !== undefined) {
        next.description = optionalText(input.description, 'description', limits.description);
      }
      if (input.algorithms !== undefined) next.algorithms = algorithmsFor(app.kind, input.algorithms);
      if (input.allowedNetworks !== undefined) next.allowedNetworks = networksOf(input.allowedNetworks);
      if (input.rateLimitPerMinute !== undefined) {
        next.rateLimitPerMinute = optionalLimit(input.rateLimitPerMinute, 'rateLimitPerMinute', 10_000_000);
      }
      if (input.quotaPerDay !== undefined) {
        next.quotaPerDay = optionalLimit(input.quotaPerDay, 'quotaPerDay', 1_000_000_000);
      }
      if (input.contact?.name !== undefined) {
        next.contactName = optionalText(input.contact.name, 'contact.name', limits.contactName);
      }
      if (input.contact?.email !== undefined)
        next.contactEmail = optionalEmail(input.contact.email, 'contact.email');
      if (input.contact?.phone !== undefined)
        next.contactPhone = optionalPhone(input.contact.phone, 'contact.phone');
      // The diff is taken from the row locked in the transaction, so the audit's "before" is what was replaced.
      await write(async (tx, now, changes) => {
        const current = await lockedApplication(tx, app.id);
        const { before, after } = diffOf<ApplicationRow>(current, next);
        if (Object.keys(after).length === 0) return;
        await updateApplication(tx, app.id, { ...next, updatedAt: now });
        await audit(
          tx,
          ctx,
          {
            category: 'lgsp',
            action: 'lgsp.application.update',
            description: `Sửa ứng dụng kết nối ${app.code}: ${Object.keys(after).join(', ')}`,
            target: { type: 'lgsp_application', id: app.id },
            unitId: app.unitId,
            details: { before, after },
          },
          now,
        );
        changes.push({ kind: 'application', id: app.id });
      });
      return applicationView(app.id);
    },

    /** Suspends (`active: false`) or resumes an application; its keys stay as they are. */
    async setApplicationStatus(
      ctx: Ctx,
      id: string,
      input: { active: boolean; reason?: string | null },
    ): Promise<ApplicationView> {
      requirePermission(ctx, 'lgsp.registry.write');
      const app = await visibleApplication(ctx, id);
      const status = input.active ? 'active' : 'suspended';
      const reason = optionalText(input.reason, 'reason', limits.reason);
      await write(async (tx, now, changes) => {
        if ((await lockedApplication(tx, app.id)).status === status) return;
        await updateApplication(tx, app.id, {
          status,
          statusReason: input.active ? null : reason,
          updatedAt: now,
        });
        await audit(
          tx,
          ctx,
          {
            category: 'lgsp',
            action: input.active ? 'lgsp.application.resume' : 'lgsp.application.suspend',
            description: input.active
              ? `Cho ứng dụng ${app.code} hoạt động trở lại`
              : `Tạm dừng ứng dụng ${app.code}${reason ? `: ${reason}` : ''}`,
            severity: input.active ? 'notice' : 'warning',
            target: { type: 'lgsp_application', id: app.id },
            unitId: app.unitId,
            details: { reason },
          },
          now,
        );
        changes.push({ kind: 'application', id: app.id });
      });
      return applicationView(app.id);
    },

    // ------------------------------------------------------------ keys

    /** Keys of an application, newest first (never a secret). */
    async listKeys(ctx: Ctx, applicationId: string): Promise<KeyView[]> {
      requirePermission(ctx, 'lgsp.registry.read');
      const app = await visibleApplication(ctx, applicationId);
      const now = platform.now();
      return (await keysOf(db, app.id)).map((k) => presentKey(k, app.kind, now));
    },

    /**
     * Issues the first key pair of an HMAC application: the access key and the secret key, shown in
     * this answer only (stored sealed with the master key). LGSP_KEY_ACTIVE_EXISTS when one is active.
     */
    async issueKey(ctx: Ctx, applicationId: string): Promise<IssuedKeyView> {
      requirePermission(ctx, 'lgsp.keys.write');
      const seen = await visibleApplication(ctx, applicationId);
      if (seen.kind !== 'hmac') throw new AppError('LGSP_KEY_KIND_MISMATCH', { kind: seen.kind });
      const secret = newSecret();
      const { key } = await write(async (tx, now, changes) => {
        const app = await lockedApplication(tx, seen.id);
        if (app.activeAccessKey) throw new AppError('LGSP_KEY_ACTIVE_EXISTS');
        return issueIn(tx, ctx, app, now, changes, { secret }, false, null);
      });
      return { key: presentKey(key, 'hmac', platform.now()), secretKey: secret, replaced: null };
    },

    /**
     * Rotates an HMAC application's key pair: a new pair (secret shown once), the old key `rotated` and
     * still accepted for `lgsp.keyOverlapHours`, then `expired`. Issues the first pair when none is active.
     */
    async rotateKey(
      ctx: Ctx,
      applicationId: string,
      input: { reason?: string | null } = {},
    ): Promise<IssuedKeyView> {
      requirePermission(ctx, 'lgsp.keys.write');
      const seen = await visibleApplication(ctx, applicationId);
      if (seen.kind !== 'hmac') throw new AppError('LGSP_KEY_KIND_MISMATCH', { kind: seen.kind });
      const reason = optionalText(input.reason, 'reason', limits.reason);
      const secret = newSecret();
      const { key, replaced } = await write(async (tx, now, changes) => {
        const app = await lockedApplication(tx, seen.id);
        return issueIn(tx, ctx, app, now, changes, { secret }, true, reason);
      });
      const now = platform.now();
      return {
        key: presentKey(key, 'hmac', now),
        secretKey: secret,
        replaced: replaced ? presentKey(replaced, 'hmac', now) : null,
      };
    },

    /**
     * Registers an RSA application's public key or X.509 certificate and gives it an access key (no
     * secret). A key already active is rotated: it stays accepted for the overlap period.
     */
    async registerPublicKey(ctx: Ctx, applicationId: string, input: { pem: string }): Promise<IssuedKeyView> {
      requirePermission(ctx, 'lgsp.keys.write');
      const seen = await visibleApplication(ctx, applicationId);
      if (seen.kind !== 'rsa') throw new AppError('LGSP_KEY_KIND_MISMATCH', { kind: seen.kind });
      const parsed = parsePublicKey(input.pem, platform.now());
      const { key, replaced } = await write(async (tx, now, changes) => {
        const app = await lockedApplication(tx, seen.id);
        return issueIn(tx, ctx, app, now, changes, { parsed }, true, null);
      });
      const now = platform.now();
      return {
        key: presentKey(key, 'rsa', now),
        secretKey: null,
        replaced: replaced ? presentKey(replaced, 'rsa', now) : null,
      };
    },

    /** Revokes a key at once, whatever its state (except already revoked), with a reason. */
    async revokeKey(ctx: Ctx, accessKey: string, input: { reason: string }): Promise<KeyView> {
      requirePermission(ctx, 'lgsp.keys.write');
      const reason = requiredText(input.reason, 'reason', limits.reason);
      const found = ACCESS_KEY.test(accessKey) ? await findKey(db, accessKey) : null;
      const app = found ? await findApplication(db, found.applicationId) : null;
      if (!found || !app || !(await inScope(ctx, app.unitId))) {
        throw new AppError('LGSP_KEY_NOT_FOUND');
      }
      await write(async (tx, now, changes) => {
        const key = await findKey(tx, accessKey, true);
        if (!key) throw new AppError('LGSP_KEY_NOT_FOUND');
        if (key.status === 'revoked') throw new AppError('LGSP_KEY_ALREADY_REVOKED', { accessKey });
        await revokeKey(tx, accessKey, now, reason);
        await audit(
          tx,
          ctx,
          {
            category: 'lgsp',
            action: 'lgsp.key.revoke',
            description: `Thu hồi khóa truy xuất ${accessKey} của ứng dụng ${app.code}: ${reason}`,
            severity: 'warning',
            target: { type: 'lgsp_key', id: accessKey },
            unitId: app.unitId,
            details: {
              applicationId: app.id,
              applicationCode: app.code,
              previousStatus: keyStatusAt(key, now),
              reason,
            },
          },
          now,
        );
        changes.push({ kind: 'key', id: accessKey });
      });
      const key = await findKey(db, accessKey);
      return presentKey(key!, app.kind, platform.now());
    },

    // ------------------------------------------------------------ services

    /** One page of the services of the actor's units. */
    async listServices(
      ctx: Ctx,
      input: Partial<ServiceQueryInput> = {},
    ): Promise<{ items: ServiceView[]; total: number }> {
      requirePermission(ctx, 'lgsp.registry.read');
      const q = input.q ? foldForSearch(nfc(input.q.replaceAll('\u0000', ''))).slice(0, limits.search) : '';
      if (input.applicationId !== undefined && !isUuid(input.applicationId)) return { items: [], total: 0 };
      const { rows, total } = await findServices(db, {
        units: await listUnits(ctx, input.unitId),
        applicationId: input.applicationId,
        q: q || undefined,
        active: input.active,
        offset: Math.max(input.offset ?? 0, 0),
        limit: Math.min(Math.max(input.limit ?? 50, 1), 500),
      });
      const labels = await labelsOf(rows.map((r) => r.unitId));
      return { items: rows.map((r) => presentService(r, labels)), total };
    },

    /** One service of the actor's units. */
    async getService(ctx: Ctx, id: string): Promise<ServiceView> {
      requirePermission(ctx, 'lgsp.registry.read');
      const service = await visibleService(ctx, id);
      return presentService(service, await labelsOf([service.unitId]));
    },

    /** Registers a service provided by an application; the service belongs to the application's unit. */
    async createService(ctx: Ctx, input: CreateServiceInput): Promise<ServiceView> {
      requirePermission(ctx, 'lgsp.registry.write');
      const app = await visibleApplication(ctx, input.applicationId);
      await connectableUnit(ctx, app.unitId);
      const name = requiredText(input.name, 'name', limits.name);
      const dataTypes = dataTypesOf(input.dataTypes);
      const protocol = input.protocol;
      if (!['rest-json', 'rest-xml', 'soap'].includes(protocol))
        throw fieldError('protocol', 'unknown protocol');
      const timeoutMs = input.timeoutMs ?? 30_000;
      if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000) {
        throw fieldError('timeoutMs', 'must be an integer from 100 to 120000');
      }
      const id = randomUUID();
      const code = codeOf(input.code);
      const now0 = platform.now();
      const row = {
        id,
        unitId: app.unitId,
        applicationId: app.id,
        code,
        name,
        nameSearch: foldForSearch(name),
        description: optionalText(input.description, 'description', limits.description),
        dataTypes,
        dataTypesSearch: dataTypes.map(foldForSearch),
        protocol,
        baseUrl: baseUrlOf(input.baseUrl),
        healthPath: healthPathOf(input.healthPath),
        timeoutMs,
        allowedMethods: methodsOf(input.allowedMethods ?? ['GET', 'POST'], 'allowedMethods'),
        active: input.active ?? true,
        createdAt: now0,
        updatedAt: now0,
      };
      await write(
        async (tx, now, changes) => {
          await insertService(tx, { ...row, createdAt: now, updatedAt: now });
          await audit(
            tx,
            ctx,
            {
              category: 'lgsp',
              action: 'lgsp.service.create',
              description: `Đăng ký dịch vụ ${code} (${name}) do ứng dụng ${app.code} cung cấp`,
              severity: 'notice',
              target: { type: 'lgsp_service', id },
              unitId: app.unitId,
              details: {
                code,
                applicationId: app.id,
                protocol,
                baseUrl: row.baseUrl,
                allowedMethods: row.allowedMethods,
                dataTypes,
              },
            },
            now,
          );
          changes.push({ kind: 'service', id });
        },
        (c) => (c.includes('code') ? new AppError('LGSP_SERVICE_CODE_TAKEN', { code }) : null),
      );
      return serviceView(id);
    },

    /** Changes a service; `active: false` deactivates it (calls are refused, rights are kept). */
    async updateService(ctx: Ctx, id: string, input: UpdateServiceInput): Promise<ServiceView> {
      requirePermission(ctx, 'lgsp.registry.write');
      const service = await visibleService(ctx, id);
      const next: Record<string, unknown> = {};
      if (input.name !== undefined) {
        next.name = requiredText(input.name, 'name', limits.name);
        next.nameSearch = foldForSearch(next.name as string);
      }
      if (input.description !== undefined) {
        next.description = optionalText(input.description, 'description', limits.description);
      }
      if (input.dataTypes !== undefined) {
        next.dataTypes = dataTypesOf(input.dataTypes);
        next.dataTypesSearch = (next.dataTypes as string[]).map(foldForSearch);
      }
      if (input.protocol !== undefined) {
        if (!['rest-json', 'rest-xml', 'soap'].includes(input.protocol))
          throw fieldError('protocol', 'unknown');
        next.protocol = input.protocol;
      }
      if (input.baseUrl !== undefined) next.baseUrl = baseUrlOf(input.baseUrl);
      if (input.healthPath !== undefined) next.healthPath = healthPathOf(input.healthPath);
      if (input.timeoutMs !== undefined) {
        if (!Number.isInteger(input.timeoutMs) || input.timeoutMs < 100 || input.timeoutMs > 120_000) {
          throw fieldError('timeoutMs', 'must be an integer from 100 to 120000');
        }
        next.timeoutMs = input.timeoutMs;
      }
      if (input.allowedMethods !== undefined)
        next.allowedMethods = methodsOf(input.allowedMethods, 'allowedMethods');
      if (input.active !== undefined) next.active = input.active;
      await write(async (tx, now, changes) => {
        const [current] = await servicesByIds(tx, [service.id], true);
        const { before, after } = diffOf<ServiceListRow>(current!, next as Partial<ServiceListRow>);
        if (Object.keys(after).length === 0) return;
        const deactivated = after.active === false;
        await updateService(tx, service.id, { ...next, updatedAt: now });
        await audit(
          tx,
          ctx,
          {
            category: 'lgsp',
            action: deactivated ? 'lgsp.service.deactivate' : 'lgsp.service.update',
            description: deactivated
              ? `Ngừng dịch vụ ${service.code} (${service.name})`
              : `Sửa dịch vụ ${service.code}: ${Object.keys(after).join(', ')}`,
            severity: deactivated ? 'warning' : 'info',
            target: { type: 'lgsp_service', id: service.id },
            unitId: service.unitId,
            details: { before, after },
          },
          now,
        );
        changes.push({ kind: 'service', id: service.id });
      });
      return serviceView(service.id);
    },

    // ------------------------------------------------------------ rights

    /**
     * Grants or changes the right of an application (any unit) on a service of the actor's units: the
     * provider decides who may call it. Operations must be among the service's methods. History kept.
     */
    async setRight(
      ctx: Ctx,
      applicationId: string,
      serviceId: string,
      input: SetRightInput,
    ): Promise<RightView> {
      requirePermission(ctx, 'lgsp.rights.write');
      const service = await visibleService(ctx, serviceId);
      const [app] = isUuid(applicationId) ? await applicationsByIds(db, [applicationId]) : [];
      if (!app) throw new AppError('LGSP_APPLICATION_NOT_FOUND');
      const operations = methodsOf(input.operations, 'operations');
      const outside = operations.filter((m) => !service.allowedMethods.includes(m));
      if (outside.length) {
        throw new AppError('LGSP_RIGHT_OPERATION_NOT_ALLOWED', {
          operations: outside.join(', '),
          allowed: service.allowedMethods.join(', '),
        });
      }
      const reason = optionalText(input.reason, 'reason', limits.reason);
      await write(async (tx, now, changes) => {
        // The service row's lock serialises changes of its rights (two first grants at once: one grant, one change).
        await servicesByIds(tx, [service.id], true);
        const existing = await findRight(tx, app.id, service.id, true);
        if (existing && JSON.stringify(existing.operations) === JSON.stringify(operations)) return;
        await upsertRight(tx, {
          applicationId: app.id,
          serviceId: service.id,
          operations,
          reason,
          grantedAt: now,
          grantedBy: actorLabel(ctx),
          updatedAt: now,
        });
        const action = existing ? 'change' : 'grant';
        await insertRightHistory(tx, {
          applicationId: app.id,
          serviceId: service.id,
          action,
          operationsBefore: existing?.operations ?? null,
          operationsAfter: operations,
          reason,
          actorId: actorIdOf(ctx),
          actorName: actorLabel(ctx),
          at: now,
        });
        await audit(
          tx,
          ctx,
          {
            category: 'lgsp',
            action: existing ? 'lgsp.right.change' : 'lgsp.right.grant',
            description: existing
              ? `Đổi quyền của ứng dụng ${app.code} trên dịch vụ ${service.code}: ${existing.operations.join(',')} → ${operations.join(',')}`
              : `Cấp quyền cho ứng dụng ${app.code} truy xuất dịch vụ ${service.code}: ${operations.join(',')}`,
            severity: 'notice',
            target: { type: 'lgsp_right', id: `${app.id}/${service.id}` },
            unitId: service.unitId,
            details: {
              applicationId: app.id,
              applicationCode: app.code,
              serviceId: service.id,
              serviceCode: service.code,
              before: existing?.operations ?? null,
              after: operations,
              reason,
            },
          },
          now,
        );
        changes.push({ kind: 'right', id: app.id, serviceId: service.id });
      });
      return getRight(ctx, app.id, service.id);
    },

    getRight,

    /** Revokes a right on a service of the actor's units, with a reason kept in the history. */
    async revokeRight(
      ctx: Ctx,
      applicationId: string,
      serviceId: string,
      input: { reason: string },
    ): Promise<void> {
      requirePermission(ctx, 'lgsp.rights.write');
      const service = await visibleService(ctx, serviceId);
      const reason = requiredText(input.reason, 'reason', limits.reason);
      if (!isUuid(applicationId)) throw new AppError('LGSP_RIGHT_NOT_FOUND');
      const [app] = await applicationsByIds(db, [applicationId]);
      await write(async (tx, now, changes) => {
        await servicesByIds(tx, [service.id], true);
        const existing = await findRight(tx, applicationId, service.id, true);
        if (!existing || !app) throw new AppError('LGSP_RIGHT_NOT_FOUND');
        await deleteRight(tx, applicationId, service.id);
        await insertRightHistory(tx, {
          applicationId,
          serviceId: service.id,
          action: 'revoke',
          operationsBefore: existing.operations,
          operationsAfter: null,
          reason,
          actorId: actorIdOf(ctx),
          actorName: actorLabel(ctx),
          at: now,
        });
        await audit(
          tx,
          ctx,
          {
            category: 'lgsp',
            action: 'lgsp.right.revoke',
            description: `Thu hồi quyền của ứng dụng ${app.code} trên dịch vụ ${service.code}: ${reason}`,
            severity: 'warning',
            target: { type: 'lgsp_right', id: `${applicationId}/${service.id}` },
            unitId: service.unitId,
            details: {
              applicationId,
              applicationCode: app.code,
              serviceId: service.id,
              serviceCode: service.code,
              before: existing.operations,
              reason,
            },
          },
          now,
        );
        changes.push({ kind: 'right', id: applicationId, serviceId: service.id });
      });
    },

    listRights,

    /** History of rights (who, when, what, why), newest first, either end in the actor's units. */
    async rightsHistory(
      ctx: Ctx,
      input: Partial<RightQueryInput> = {},
    ): Promise<{ items: RightHistoryView[]; total: number }> {
      requirePermission(ctx, 'lgsp.registry.read');
      if (input.applicationId !== undefined && !isUuid(input.applicationId)) return { items: [], total: 0 };
      if (input.serviceId !== undefined && !isUuid(input.serviceId)) return { items: [], total: 0 };
      const { rows, total } = await findRightHistory(db, {
        units: await listUnits(ctx, input.unitId),
        applicationId: input.applicationId,
        serviceId: input.serviceId,
        offset: Math.max(input.offset ?? 0, 0),
        limit: Math.min(Math.max(input.limit ?? 50, 1), 500),
      });
      const reach = await visible(ctx);
      return {
        items: rows.map((r) => ({
          id: r.id,
          applicationId: r.applicationId,
          applicationCode: r.applicationCode,
          serviceId: r.serviceId,
          serviceCode: r.serviceCode,
          serviceName: r.serviceName,
          action: r.action,
          operationsBefore: r.operationsBefore,
          operationsAfter: r.operationsAfter,
          reason: r.reason,
          actorName: grantorFor(reach, r.serviceUnitId, r.actorName),
          at: r.at.toISOString(),
        })),
        total,
      };
    },

    /**
     * The rights matrix for the console: applications × services of the actor's units (under `unitId`
     * when given) with the operations of each right, plus the other ends of those rights.
     */
    async rightsMatrix(ctx: Ctx, input: { unitId?: string } = {}): Promise<MatrixView> {
      requirePermission(ctx, 'lgsp.registry.read');
      const units = await listUnits(ctx, input.unitId);
      const [apps, svcs, rightPage] = await Promise.all([
        findApplications(db, { units, offset: 0, limit: MATRIX_MAX + 1 }),
        findServices(db, { units, offset: 0, limit: MATRIX_MAX + 1 }),
        findRights(db, { units, offset: 0, limit: 5000 }),
      ]);
      const truncated = apps.rows.length > MATRIX_MAX || svcs.rows.length > MATRIX_MAX;
      const appMap = new Map(apps.rows.slice(0, MATRIX_MAX).map((a) => [a.id, a as ApplicationRow]));
      const svcMap = new Map(svcs.rows.slice(0, MATRIX_MAX).map((s) => [s.id, s as ServiceListRow]));
      // The other ends of rights (another unit's consumer or provider) join the axes.
      const missingApps = [...new Set(rightPage.rows.map((r) => r.applicationId))].filter(
        (id) => !appMap.has(id),
      );
      const missingSvcs = [...new Set(rightPage.rows.map((r) => r.serviceId))].filter(
        (id) => !svcMap.has(id),
      );
      const [moreApps, moreSvcs] = await Promise.all([
        applicationsByIds(db, missingApps),
        servicesByIds(db, missingSvcs),
      ]);
      for (const a of moreApps) appMap.set(a.id, a);
      for (const s of moreSvcs) svcMap.set(s.id, s);
      const labels = await labelsOf([
        ...[...appMap.values()].map((a) => a.unitId),
        ...[...svcMap.values()].map((s) => s.unitId),
      ]);
      const byName = (a: { name: string; code: string }, b: { name: string; code: string }) =>
        viCollator.compare(a.name, b.name) || (a.code < b.code ? -1 : 1);
      return {
        applications: [...appMap.values()]
          .map((a) => ({ id: a.id, code: a.code, name: a.name, unit: unitRef(labels, a.unitId) }))
          .sort(byName),
        services: [...svcMap.values()]
          .map((s) => ({
            id: s.id,
            code: s.code,
            name: s.name,
            unit: unitRef(labels, s.unitId),
            allowedMethods: s.allowedMethods,
          }))
          .sort(byName),
        cells: rightPage.rows.map((r) => ({
          applicationId: r.applicationId,
          serviceId: r.serviceId,
          operations: r.operations,
        })),
        truncated: truncated || rightPage.total > rightPage.rows.length,
      };
    },

    // ------------------------------------------------------------ directory

    /**
     * The directory of services (LGSP-13): active services of every unit, found by unit code (an old
     * code leads to its successor, with a note), unit name or service name typed with or without
     * diacritics, and data type; sorted in Vietnamese order. Addresses and keys are never shown.
     */
    async directory(ctx: Ctx, input: Partial<DirectoryQueryInput> = {}): Promise<DirectoryView> {
      requirePermission(ctx, 'lgsp.registry.read');
      const text = input.q ? nfc(input.q.replaceAll('\u0000', '')).slice(0, limits.search) : '';
      const dataType = input.dataType ? foldForSearch(nfc(input.dataType.replaceAll('\u0000', ''))) : '';
      const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
      const notes: string[] = [];
      const unitIds = new Set<string>();
      let words: string[] = [];
      if (text) {
        const folded = foldForSearch(text);
        words = folded
          .split(/[^a-z0-9]+/u)
          .filter(Boolean)
          .slice(0, 10);
        const code = tryNormaliseCode(text.replace(/\s+/gu, '').toUpperCase());
        if (code) {
          try {
            const r = await org.resolveCode(orgCtx, code);
            for (const u of r.current) unitIds.add(u.id);
            unitIds.add(r.unit.id);
            if (r.status === 'recoded' || r.status === 'succeeded') {
              const now = r.current.map((u) => `${u.code} (${u.name})`).join(', ');
              notes.push(`Mã cũ ${code} nay là ${now}`);
            } else if (r.status === 'closed') {
              notes.push(`Mã ${code} (${r.unit.name}) đã đóng, không có đơn vị kế thừa`);
            }
          } catch (err) {
            if (!isAppError(err, 'NOT_FOUND', 'ORG_CODE_INVALID')) throw err;
          }
        }
        const hits = await org.searchUnits(orgCtx, { q: text, limit: 100 });
        for (const h of hits) unitIds.add(h.unit.id);
        // A code alone should not also match service names by its digits.
        if (code) words = [];
      }
      if (text && unitIds.size === 0 && words.length === 0) return { items: [], notes };
      const rows = await directoryServices(db, {
        unitIds: [...unitIds],
        words,
        dataType: dataType || undefined,
        limit,
      });
      const labels = await labelsOf(rows.map((r) => r.unitId));
      const items = rows
        .map((s) => {
          const unit = unitRef(labels, s.unitId);
          return {
            serviceId: s.id,
            serviceCode: s.code,
            name: s.name,
            description: s.description,
            dataTypes: s.dataTypes,
            protocol: s.protocol,
            allowedMethods: s.allowedMethods,
            unit,
            providerApplicationCode: s.applicationCode,
            gatewayPath: `/${unit.code}/${s.code}`,
          };
        })
        .sort(
          (a, b) =>
            viCollator.compare(a.name, b.name) ||
            viCollator.compare(a.unit.name, b.unit.name) ||
            (a.serviceCode < b.serviceCode ? -1 : 1),
        );
      return { items, notes };
    },
  };
}
