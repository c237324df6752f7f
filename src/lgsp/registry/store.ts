/**
 * @module lgsp/registry/store
 * SQL of the registry: applications, keys, services, rights and their history. Set-based only; unit
 * scope arrives as a list of unit ids (or 'all') already resolved through the org module.
 */
import { and, asc, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/index.ts';
import {
  type ApplicationRow,
  applications,
  type KeyRow,
  keys,
  type RightHistoryRow,
  type RightRow,
  rights,
  rightsHistory,
  type ServiceRow,
  services,
} from './tables.ts';

/** Unit ids a query may return, or 'all'. */
export type UnitFilter = readonly string[] | 'all';

function unitCondition(column: typeof applications.unitId | typeof services.unitId, units: UnitFilter) {
  if (units === 'all') return undefined;
  return units.length ? inArray(column, [...units]) : sql`false`;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

// ---------------------------------------------------------------- applications

/** An application with its active key and service count, as lists show it. */
export interface ApplicationListRow extends ApplicationRow {
  activeAccessKey: string | null;
  serviceCount: number;
}

export interface ApplicationQuery {
  units: UnitFilter;
  /** Folded search text matched against the folded name and the code. */
  q?: string;
  status?: 'active' | 'suspended';
  kind?: 'hmac' | 'rsa';
  limit: number;
  offset: number;
}

// Correlated subqueries name the outer table in full: Drizzle renders a column of a one-table select
// unqualified, and a bare "id" inside the subquery would bind to the inner table's own id.
const activeKeyOf = sql<
  string | null
>`(select k.access_key from lgsp_keys k where k.application_id = lgsp_applications.id and k.status = 'active')`;
const serviceCountOf = sql<number>`(select count(*)::int from lgsp_services s where s.application_id = lgsp_applications.id)`;

/** One page of applications in the unit filter, by name then code. */
export async function findApplications(
  db: Db,
  q: ApplicationQuery,
): Promise<{ rows: ApplicationListRow[]; total: number }> {
  const like = q.q ? `%${escapeLike(q.q)}%` : undefined;
  const where = and(
    unitCondition(applications.unitId, q.units),
    like
      ? or(sql`${applications.nameSearch} like ${like}`, sql`${applications.code} like ${like}`)
      : undefined,
    q.status ? eq(applications.status, q.status) : undefined,
    q.kind ? eq(applications.kind, q.kind) : undefined,
  );
  const [rows, [count]] = await Promise.all([
    db
      .select({ app: applications, activeAccessKey: activeKeyOf, serviceCount: serviceCountOf })
      .from(applications)
      .where(where)
      .orderBy(asc(applications.nameSearch), asc(applications.code))
      .offset(q.offset)
      .limit(q.limit),
    db.select({ n: sql<number>`count(*)::int` }).from(applications).where(where),
  ]);
  return {
    rows: rows.map((r) => ({
      ...r.app,
      activeAccessKey: r.activeAccessKey,
      serviceCount: Number(r.serviceCount),
    })),
    total: count?.n ?? 0,
  };
}

/** One application with its active key and service count. */
export async function findApplication(db: Db, id: string, lock = false): Promise<ApplicationListRow | null> {
  const query = db
    .select({ app: applications, activeAccessKey: activeKeyOf, serviceCount: serviceCountOf })
    .from(applications)
    .where(eq(applications.id, id));
  // FOR UPDATE serialises key issuing and rotation of one application (one active key at a time).
  const [row] = lock ? await query.for('update', { of: applications }) : await query;
  return row
    ? { ...row.app, activeAccessKey: row.activeAccessKey, serviceCount: Number(row.serviceCount) }
    : null;
}

/** Applications by ids (any unit). */
export async function applicationsByIds(db: Db, ids: readonly string[]): Promise<ApplicationRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(applications)
    .where(inArray(applications.id, [...ids]));
}

export async function insertApplication(db: Db, row: ApplicationRow): Promise<void> {
  await db.insert(applications).values(row);
}

export async function updateApplication(db: Db, id: string, set: Partial<ApplicationRow>): Promise<void> {
  await db.update(applications).set(set).where(eq(applications.id, id));
}

/** Connected units (having at least one application) in the unit filter, with counts. */
export async function connectedUnits(
  db: Db,
  units: UnitFilter,
): Promise<
  {
    unitId: string;
    applications: number;
    activeApplications: number;
    services: number;
    activeKeys: number;
    connectedSince: Date;
  }[]
> {
  const rows = await db
    .select({
      unitId: applications.unitId,
      applications: sql<number>`count(*)::int`,
      activeApplications: sql<number>`(count(*) filter (where ${applications.status} = 'active'))::int`,
      services: sql<number>`coalesce(sum((select count(*) from lgsp_services s where s.application_id = lgsp_applications.id)), 0)::int`,
      activeKeys: sql<number>`coalesce(sum((select count(*) from lgsp_keys k where k.application_id = lgsp_applications.id and k.status = 'active')), 0)::int`,
      connectedSince: sql<Date>`min(${applications.createdAt})`,
    })
    .from(applications)
    .where(unitCondition(applications.unitId, units))
    .groupBy(applications.unitId);
  return rows.map((r) => ({
    ...r,
    applications: Number(r.applications),
    activeApplications: Number(r.activeApplications),
    services: Number(r.services),
    activeKeys: Number(r.activeKeys),
    connectedSince: new Date(r.connectedSince),
  }));
}

// ---------------------------------------------------------------- keys

/** Keys of an application, newest first. */
export async function keysOf(db: Db, applicationId: string): Promise<KeyRow[]> {
  return (
    db
      .select()
      .from(keys)
      .where(eq(keys.applicationId, applicationId))
      // Within one instant (a rotation), the active key first.
      .orderBy(desc(keys.createdAt), sql`(${keys.status} = 'active') desc`, asc(keys.accessKey))
  );
}

export async function findKey(db: Db, accessKey: string, lock = false): Promise<KeyRow | null> {
  const query = db.select().from(keys).where(eq(keys.accessKey, accessKey));
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

export async function insertKey(db: Db, row: KeyRow): Promise<void> {
  await db.insert(keys).values(row);
}

/** Demotes the application's active key to `rotated` until `validUntil`; returns it (null when none). */
export async function rotateActiveKey(
  db: Db,
  applicationId: string,
  validUntil: Date,
): Promise<string | null> {
  const rows = await db
    .update(keys)
    .set({ status: 'rotated', validUntil })
    .where(and(eq(keys.applicationId, applicationId), eq(keys.status, 'active')))
    .returning({ accessKey: keys.accessKey });
  return rows[0]?.accessKey ?? null;
}

export async function revokeKey(db: Db, accessKey: string, at: Date, reason: string): Promise<void> {
  await db
    .update(keys)
    .set({ status: 'revoked', revokedAt: at, revokedReason: reason, validUntil: null })
    .where(eq(keys.accessKey, accessKey));
}

/** Rotated keys whose overlap ended before `now` (for listing; `expired` is derived, never stored). */
export async function expiredKeysOf(db: Db, applicationId: string, now: Date): Promise<string[]> {
  const rows = await db
    .select({ accessKey: keys.accessKey })
    .from(keys)
    .where(and(eq(keys.applicationId, applicationId), eq(keys.status, 'rotated'), lt(keys.validUntil, now)));
  return rows.map((r) => r.accessKey);
}

/** What the lookup needs of a key and its application (no certificate, no search columns). */
export interface CredentialRow {
  accessKey: string;
  status: KeyRow['status'];
  secretSealed: string | null;
  publicKeyPem: string | null;
  validUntil: Date | null;
  certificateNotAfter: Date | null;
  applicationId: string;
  applicationCode: string;
  applicationName: string;
  unitId: string;
  kind: ApplicationRow['kind'];
  algorithms: ApplicationRow['algorithms'];
  allowedNetworks: string[];
  applicationStatus: ApplicationRow['status'];
  rateLimitPerMinute: number | null;
  quotaPerDay: number | null;
}

function credentialQuery(db: Db) {
  return db
    .select({
      accessKey: keys.accessKey,
      status: keys.status,
      secretSealed: keys.secretSealed,
      publicKeyPem: keys.publicKeyPem,
      validUntil: keys.validUntil,
      certificateNotAfter: keys.certificateNotAfter,
      applicationId: applications.id,
      applicationCode: applications.code,
      applicationName: applications.name,
      unitId: applications.unitId,
      kind: applications.kind,
      algorithms: applications.algorithms,
      allowedNetworks: applications.allowedNetworks,
      applicationStatus: applications.status,
      rateLimitPerMinute: applications.rateLimitPerMinute,
      quotaPerDay: applications.quotaPerDay,
    })
    .from(keys)
    .innerJoin(applications, eq(applications.id, keys.applicationId))
    .where(eq(keys.accessKey, sql.placeholder('accessKey')))
    .prepare('lgsp_registry_credential');
}
// A named prepared statement per database: the lookup's miss path skips planning.
const preparedCredential = new WeakMap<Db, ReturnType<typeof credentialQuery>>();

/** The credential behind an access key: key and application in one query (the lookup's miss path). */
export async function credentialRow(db: Db, accessKey: string): Promise<CredentialRow | null> {
  let query = preparedCredential.get(db);
  if (!query) {
    query = credentialQuery(db);
    preparedCredential.set(db, query);
  }
  const [row] = await query.execute({ accessKey });
  return row ?? null;
}

// ---------------------------------------------------------------- services

/** A service with its provider application's code. */
export interface ServiceListRow extends ServiceRow {
  applicationCode: string;
  applicationName: string;
  applicationStatus: ApplicationRow['status'];
}

export interface ServiceQuery {
  units: UnitFilter;
  applicationId?: string;
  q?: string;
  active?: boolean;
  limit: number;
  offset: number;
}

/** One page of services in the unit filter, by name then code. */
export async function findServices(
  db: Db,
  q: ServiceQuery,
): Promise<{ rows: ServiceListRow[]; total: number }> {
  const like = q.q ? `%${escapeLike(q.q)}%` : undefined;
  const where = and(
    unitCondition(services.unitId, q.units),
    q.applicationId ? eq(services.applicationId, q.applicationId) : undefined,
    like ? or(sql`${services.nameSearch} like ${like}`, sql`${services.code} like ${like}`) : undefined,
    q.active === undefined ? undefined : eq(services.active, q.active),
  );
  const [rows, [count]] = await Promise.all([
    db
      .select({
        service: services,
        applicationCode: applications.code,
        applicationName: applications.name,
        applicationStatus: applications.status,
      })
      .from(services)
      .innerJoin(applications, eq(applications.id, services.applicationId))
      .where(where)
      .orderBy(asc(services.nameSearch), asc(services.code), asc(services.id))
      .offset(q.offset)
      .limit(q.limit),
    db.select({ n: sql<number>`count(*)::int` }).from(services).where(where),
  ]);
  return {
    rows: rows.map((r) => ({
      ...r.service,
      applicationCode: r.applicationCode,
      applicationName: r.applicationName,
      applicationStatus: r.applicationStatus,
    })),
    total: count?.n ?? 0,
  };
}

/** Services by ids, with their provider's code. */
export async function servicesByIds(db: Db, ids: readonly string[], lock = false): Promise<ServiceListRow[]> {
  if (ids.length === 0) return [];
  const query = db
    .select({
      service: services,
      applicationCode: applications.code,
      applicationName: applications.name,
      applicationStatus: applications.status,
    })
    .from(services)
    .innerJoin(applications, eq(applications.id, services.applicationId))
    .where(inArray(services.id, [...ids]));
  const rows = lock ? await query.for('update', { of: services }) : await query;
  return rows.map((r) => ({
    ...r.service,
    applicationCode: r.applicationCode,
    applicationName: r.applicationName,
    applicationStatus: r.applicationStatus,
  }));
}

/** A service with whether its provider application is active (suspended providers cannot answer calls). */
export type ServiceWithProvider = ServiceRow & { providerActive: boolean };

/** The services with `code` among the given units (a unit has at most one), for destination lookup. */
export async function servicesByUnitsAndCode(
  db: Db,
  unitIds: readonly string[],
  code: string,
): Promise<ServiceWithProvider[]> {
  if (unitIds.length === 0) return [];
  const rows = await db
    .select({ service: services, providerStatus: applications.status })
    .from(services)
    .innerJoin(applications, eq(applications.id, services.applicationId))
    .where(and(inArray(services.unitId, [...unitIds]), eq(services.code, code)));
  return rows.map((r) => ({ ...r.service, providerActive: r.providerStatus === 'active' }));
}

export async function insertService(db: Db, row: ServiceRow): Promise<void> {
  await db.insert(services).values(row);
}

export async function updateService(db: Db, id: string, set: Partial<ServiceRow>): Promise<void> {
  await db.update(services).set(set).where(eq(services.id, id));
}

/** What the directory looks for, already folded by the service. */
export interface DirectorySearch {
  /** Units whose services match whatever the text (found by code or name through org). */
  unitIds: readonly string[];
  /** Folded words each of which must start a word of the service name or a data type. */
  words: readonly string[];
  /** Folded data type the service must carry. */
  dataType?: string;
  limit: number;
}

/** Active services matching a directory search (any unit: the directory is meant to be found). */
export async function directoryServices(db: Db, s: DirectorySearch): Promise<ServiceListRow[]> {
  const byText: SQL[] = [];
  if (s.unitIds.length) byText.push(inArray(services.unitId, [...s.unitIds]));
  if (s.words.length) {
    // Every word starts a word of the folded name, or the folded data types, or is the code's start.
    const each = s.words.map(
      (w) =>
        sql`(${services.nameSearch} ~ ${`(^|[^a-z0-9])${w}`} or array_to_string(${services.dataTypesSearch}, ' ') ~ ${`(^|[^a-z0-9])${w}`} or ${services.code} like ${`${escapeLike(w)}%`})`,
    );
    byText.push(and(...each)!);
  }
  const where = and(
    eq(services.active, true),
    byText.length ? or(...byText) : undefined,
    s.dataType ? sql`${s.dataType} = any(${services.dataTypesSearch})` : undefined,
  );
  const rows = await db
    .select({
      service: services,
      applicationCode: applications.code,
      applicationName: applications.name,
      applicationStatus: applications.status,
    })
    .from(services)
    .innerJoin(applications, eq(applications.id, services.applicationId))
    .where(where)
    .orderBy(asc(services.nameSearch), asc(services.id))
    .limit(s.limit);
  return rows.map((r) => ({
    ...r.service,
    applicationCode: r.applicationCode,
    applicationName: r.applicationName,
    applicationStatus: r.applicationStatus,
  }));
}

// ---------------------------------------------------------------- rights

/** A right with the names of both ends. */
export interface RightListRow extends RightRow {
  applicationCode: string;
  applicationName: string;
  applicationUnitId: string;
  serviceCode: string;
  serviceName: string;
  serviceUnitId: string;
  serviceMethods: string[];
}

const rightColumns = {
  right: rights,
  applicationCode: applications.code,
  applicationName: applications.name,
  applicationUnitId: applications.unitId,
  serviceCode: services.code,
  serviceName: services.name,
  serviceUnitId: services.unitId,
  serviceMethods: services.allowedMethods,
};

function rightRow(r: {
  right: RightRow;
  applicationCode: string;
  applicationName: string;
  applicationUnitId: string;
  serviceCode: string;
  serviceName: string;
  serviceUnitId: string;
  serviceMethods: string[];
}): RightListRow {
  const { right, ...rest } = r;
  return { ...right, ...rest };
}

export interface RightQuery {
  /** Rights where the application's or the service's unit is among these. */
  units: UnitFilter;
  applicationId?: string;
  serviceId?: string;
  limit: number;
  offset: number;
}

/** One page of rights, by application code then service code. */
export async function findRights(db: Db, q: RightQuery): Promise<{ rows: RightListRow[]; total: number }> {
  const where = and(
    q.units === 'all'
      ? undefined
      : q.units.length
        ? or(inArray(applications.unitId, [...q.units]), inArray(services.unitId, [...q.units]))
        : sql`false`,
    q.applicationId ? eq(rights.applicationId, q.applicationId) : undefined,
    q.serviceId ? eq(rights.serviceId, q.serviceId) : undefined,
  );
  const base = () =>
    db
      .select(rightColumns)
      .from(rights)
      .innerJoin(applications, eq(applications.id, rights.applicationId))
      .innerJoin(services, eq(services.id, rights.serviceId));
  const [rows, [count]] = await Promise.all([
    base()
      .where(where)
      .orderBy(asc(applications.code), asc(services.code), asc(services.id))
      .offset(q.offset)
      .limit(q.limit),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(rights)
      .innerJoin(applications, eq(applications.id, rights.applicationId))
      .innerJoin(services, eq(services.id, rights.serviceId))
      .where(where),
  ]);
  return { rows: rows.map(rightRow), total: count?.n ?? 0 };
}

/** One right (locked for update when asked). */
export async function findRight(
  db: Db,
  applicationId: string,
  serviceId: string,
  lock = false,
): Promise<RightRow | null> {
  const query = db
    .select()
    .from(rights)
    .where(and(eq(rights.applicationId, applicationId), eq(rights.serviceId, serviceId)));
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

export async function upsertRight(db: Db, row: RightRow): Promise<void> {
  await db
    .insert(rights)
    .values(row)
    .onConflictDoUpdate({
      target: [rights.applicationId, rights.serviceId],
      set: { operations: row.operations, reason: row.reason, updatedAt: row.updatedAt },
    });
}

export async function deleteRight(db: Db, applicationId: string, serviceId: string): Promise<void> {
  await db
    .delete(rights)
    .where(and(eq(rights.applicationId, applicationId), eq(rights.serviceId, serviceId)));
}

export async function insertRightHistory(db: Db, row: Omit<RightHistoryRow, 'id'>): Promise<void> {
  await db.insert(rightsHistory).values(row);
}

/** A history row with the names of both ends. */
export interface RightHistoryListRow extends RightHistoryRow {
  applicationCode: string;
  serviceCode: string;
  serviceName: string;
  /** The provider's unit: whose operators grant rights on the service. */
  serviceUnitId: string;
}

/** History of rights, newest first, in the unit filter (either end). */
export async function findRightHistory(
  db: Db,
  q: { units: UnitFilter; applicationId?: string; serviceId?: string; limit: number; offset: number },
): Promise<{ rows: RightHistoryListRow[]; total: number }> {
  const where = and(
    q.units === 'all'
      ? undefined
      : q.units.length
        ? or(inArray(applications.unitId, [...q.units]), inArray(services.unitId, [...q.units]))
        : sql`false`,
    q.applicationId ? eq(rightsHistory.applicationId, q.applicationId) : undefined,
    q.serviceId ? eq(rightsHistory.serviceId, q.serviceId) : undefined,
  );
  const [rows, [count]] = await Promise.all([
    db
      .select({
        h: rightsHistory,
        applicationCode: applications.code,
        serviceCode: services.code,
        serviceName: services.name,
        serviceUnitId: services.unitId,
      })
      .from(rightsHistory)
      .innerJoin(applications, eq(applications.id, rightsHistory.applicationId))
      .innerJoin(services, eq(services.id, rightsHistory.serviceId))
      .where(where)
      .orderBy(desc(rightsHistory.at), desc(rightsHistory.id))
      .offset(q.offset)
      .limit(q.limit),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(rightsHistory)
      .innerJoin(applications, eq(applications.id, rightsHistory.applicationId))
      .innerJoin(services, eq(services.id, rightsHistory.serviceId))
      .where(where),
  ]);
  return {
    rows: rows.map((r) => ({
      ...r.h,
      applicationCode: r.applicationCode,
      serviceCode: r.serviceCode,
      serviceName: r.serviceName,
      serviceUnitId: r.serviceUnitId,
    })),
    total: Number(count?.n ?? 0),
  };
}

/** The operations of a right (the lookup's miss path); null when there is no right. */
export async function rightOperations(
  db: Db,
  applicationId: string,
  serviceId: string,
): Promise<string[] | null> {
  const [row] = await db
    .select({ operations: rights.operations })
    .from(rights)
    .where(and(eq(rights.applicationId, applicationId), eq(rights.serviceId, serviceId)));
  return row?.operations ?? null;
}

/** Every active service of an active provider (for the availability probes), with its unit. */
export async function activeServices(db: Db): Promise<ServiceWithProvider[]> {
  const rows = await db
    .select({ service: services })
    .from(services)
    .innerJoin(applications, eq(applications.id, services.applicationId))
    .where(and(eq(services.active, true), eq(applications.status, 'active')))
    .orderBy(asc(services.id));
  return rows.map((r) => ({ ...r.service, providerActive: true }));
}

/** The units whose applications hold a right on a service. */
export async function unitsWithRightsTo(db: Db, serviceId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ unitId: applications.unitId })
    .from(rights)
    .innerJoin(applications, eq(applications.id, rights.applicationId))
    .where(eq(rights.serviceId, serviceId));
  return rows.map((r) => r.unitId);
}

/** A usable key whose certificate ends before `until`, with its application. */
export interface ExpiringKeyRow {
  accessKey: string;
  certificateNotAfter: Date;
  certificateSubject: string | null;
  expiryRemindedDays: number | null;
  applicationId: string;
  applicationCode: string;
  unitId: string;
}

/** Keys still usable at `now` (active, or rotated within their overlap) whose certificate ends before `until`. */
export async function expiringKeys(db: Db, now: Date, until: Date): Promise<ExpiringKeyRow[]> {
  const rows = await db
    .select({
      accessKey: keys.accessKey,
      certificateNotAfter: keys.certificateNotAfter,
      certificateSubject: keys.certificateSubject,
      expiryRemindedDays: keys.expiryRemindedDays,
      applicationId: applications.id,
      applicationCode: applications.code,
      unitId: applications.unitId,
    })
    .from(keys)
    .innerJoin(applications, eq(applications.id, keys.applicationId))
    .where(
      and(
        or(eq(keys.status, 'active'), and(eq(keys.status, 'rotated'), sql`${keys.validUntil} > ${now}`)),
        sql`${keys.certificateNotAfter} > ${now}`,
        sql`${keys.certificateNotAfter} <= ${until}`,
      ),
    )
    .orderBy(asc(keys.certificateNotAfter));
  return rows.map((r) => ({ ...r, certificateNotAfter: r.certificateNotAfter! }));
}

/** Records the reminder threshold reached by each key, in one statement. */
export async function markReminded(db: Db, reminded: { accessKey: string; days: number }[]): Promise<void> {
  if (reminded.length === 0) return;
  // Drizzle expands a JS array into a parameter list, so the arrays are built from one parameter per value.
  const list = (values: (string | number)[]) =>
    sql.join(
      values.map((v) => sql`${v}`),
      sql`, `,
    );
  await db.execute(sql`update lgsp_keys k set expiry_reminded_days = r.days
    from unnest(array[${list(reminded.map((r) => r.accessKey))}]::text[],
                array[${list(reminded.map((r) => r.days))}]::int[]) as r(access_key, days)
    where k.access_key = r.access_key`);
}
