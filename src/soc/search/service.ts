/**
 * @module soc/search/service
 * The event search: parses and compiles the query, resolves the time range, applies the caller's units
 * (`org.visibleUnitIds`: events of other units, and events without a unit unless the scope is 'all', are
 * never read), and runs the store's statements. Saved searches are the caller's own configuration, audited.
 */
import { performance } from 'node:perf_hooks';
import { audit, auditAlone } from '../../core/audit/index.ts';
import type { Ctx } from '../../core/context.ts';
import type { Db } from '../../core/db/index.ts';
import { AppError } from '../../core/errors/index.ts';
import { columnFields, getField } from '../ecs/fields.ts';
import { compileQuery } from './compile.ts';
import { isValidFieldName, parseQuery } from './parser.ts';
import type {
  ExportBodyT,
  FieldsQueryT,
  FieldsResultT,
  HistogramBodyT,
  HistogramResultT,
  HitT,
  SavedSearchBodyT,
  SavedSearchViewT,
  SearchBodyT,
  SearchResultT,
  TermsBodyT,
  TermsResultT,
} from './schema.ts';
import {
  type Cursor,
  countEvents,
  dateHistogram,
  deleteSavedSearch,
  type EventFilter,
  type EventRow,
  getEvent,
  getSavedSearch,
  insertSavedSearch,
  listSavedSearches,
  type SavedSearchRow,
  searchEvents,
  splitHistogram,
  termsAggregation,
  type UnitScope,
  updateSavedSearch,
  withStatementTimeout,
} from './store.ts';
import { histogramInterval, resolveRange, type TimeInput } from './time.ts';

/** Counting stops here: "more than 10,000" is what a person reads, and an exact count over millions is not free. */
export const TOTAL_CAP = 10_000;
const EXPORT_PAGE = 1000;

const ISO_US = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SearchDeps {
  db: Db;
  org: { visibleUnitIds(ctx: Ctx): Promise<'all' | string[]> };
  now: () => Date;
  /** Longest a search statement may run (`soc.search.timeoutSeconds`; default 30 s). */
  timeoutMs?: number;
}

/** The search service the routes call. */
export type SearchService = ReturnType<typeof createSearchService>;

function encodeCursor(row: { ts: string; id: string }): string {
  return Buffer.from(JSON.stringify([row.ts, row.id])).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2) {
      const [ts, id] = v as unknown[];
      if (typeof ts === 'string' && typeof id === 'string' && ISO_US.test(ts) && UUID.test(id))
        return { ts, id };
    }
  } catch {
    // fall through: any malformed cursor is the same error
  }
  throw new AppError('SOC_CURSOR_INVALID');
}

/** ECS field → the hit property holding a column-backed value (export columns). */
const hitKeys: Record<string, keyof EventRow> = {
  '@timestamp': 'ts',
  'event.dataset': 'dataset',
  'event.kind': 'kind',
  'event.category': 'category',
  'event.action': 'action',
  'event.outcome': 'outcome',
  'event.severity': 'severity',
  'host.name': 'hostName',
  'source.ip': 'sourceIp',
  'source.port': 'sourcePort',
  'destination.ip': 'destinationIp',
  'destination.port': 'destinationPort',
  'user.name': 'userName',
  'process.name': 'processName',
  message: 'message',
  tags: 'tags',
};

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(cellText).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The value of an ECS field of a hit: its column when it has one, else the document. */
export function hitValue(row: EventRow, field: string): unknown {
  const key = hitKeys[field];
  return key ? row[key] : getField(row.doc, field);
}

/** Fields and values of a document, flattened to dotted names (arrays give one value per element). */
function flatten(doc: unknown, prefix: string, out: Map<string, string[]>): void {
  if (doc === null || doc === undefined) return;
  if (Array.isArray(doc)) {
    for (const item of doc) flatten(item, prefix, out);
    return;
  }
  if (typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc as Record<string, unknown>))
      flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  if (!prefix) return;
  const list = out.get(prefix) ?? [];
  list.push(String(doc).slice(0, 200));
  out.set(prefix, list);
}

function present(row: SavedSearchRow, ownerId: string | null): SavedSearchViewT {
  return {
    id: row.id,
    name: row.name,
    query: row.query,
    timeRange: row.timeRange,
    columns: row.columns,
    shared: row.shared,
    ownerName: row.ownerName,
    own: row.ownerId === ownerId,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

/** Creates the search service over the database and the organisation's unit scope. */
export function createSearchService(deps: SearchDeps) {
  const { db } = deps;
  const timeoutMs = deps.timeoutMs ?? 30_000;
  /** Runs a search statement under the statement timeout. */
  const bounded = <T>(fn: (tx: Db) => Promise<T>) => withStatementTimeout(db, timeoutMs, fn);

  async function unitsOf(ctx: Ctx): Promise<UnitScope> {
    return deps.org.visibleUnitIds(ctx);
  }

  async function filterOf(ctx: Ctx, q: { query: string } & TimeInput): Promise<EventFilter> {
    const where = compileQuery(parseQuery(q.query));
    const { from, to } = resolveRange(q, deps.now());
    return { from, to, units: await unitsOf(ctx), where };
  }

  const range = (f: EventFilter) => ({ from: f.from.toISOString(), to: f.to.toISOString() });
  const since = (start: number) => Math.round(performance.now() - start);

  function checkField(field: string): void {
    if (!isValidFieldName(field)) throw new AppError('SOC_FIELD_NOT_AGGREGATABLE', { field });
  }

  function ownerOf(ctx: Ctx): string {
    // Routes require a signed-in account or token; a saved search always has an owner.
    if (!ctx.actor.id) throw new AppError('IAM_FORBIDDEN');
    return ctx.actor.id;
  }

  function validateSaved(body: SavedSearchBodyT) {
    // A saved search must run: its query parses and its range resolves now.
    compileQuery(parseQuery(body.query));
    resolveRange(body.timeRange, deps.now());
    for (const c of body.columns) checkField(c);
    return {
      name: body.name.normalize('NFC').trim(),
      query: body.query,
      timeRange: body.timeRange,
      columns: body.columns,
      shared: body.shared,
    };
  }

  return {
    /** Hits newest first, a page at a time, with a capped total. */
    async search(ctx: Ctx, body: SearchBodyT): Promise<SearchResultT> {
      const start = performance.now();
      const f = await filterOf(ctx, body);
      const after = body.cursor ? decodeCursor(body.cursor) : undefined;
      // The total is of the whole result (every page says the same), counted up to the cap.
      const [rows, total] = await Promise.all([
        bounded((tx) => searchEvents(tx, f, body.size, after)),
        bounded((tx) => countEvents(tx, f, TOTAL_CAP)),
      ]);
      const last = rows[rows.length - 1];
      return {
        hits: rows as HitT[],
        total: { value: Math.min(total, TOTAL_CAP), relation: total > TOTAL_CAP ? 'gte' : 'eq' },
        nextCursor: rows.length === body.size && last ? encodeCursor(last) : null,
        took: since(start),
        ...range(f),
      };
    },

    /** Counts per time bucket (automatic interval), optionally split by a field's top values. */
    async histogram(ctx: Ctx, body: HistogramBodyT): Promise<HistogramResultT> {
      const start = performance.now();
      const f = await filterOf(ctx, body);
      const interval = histogramInterval(f.from, f.to);
      const field = body.field;
      if (field) {
        checkField(field);
        const split = await bounded((tx) => splitHistogram(tx, f, interval.ms, field, body.series));
        return {
          interval: interval.label,
          intervalMs: interval.ms,
          field,
          series: split.series,
          buckets: split.buckets.map((b) => ({
            at: new Date(b.at).toISOString(),
            count: b.counts.reduce((s, c) => s + c, 0) + b.other,
            counts: b.counts,
            other: b.other,
          })),
          took: since(start),
          ...range(f),
        };
      }
      const buckets = await bounded((tx) => dateHistogram(tx, f, interval.ms));
      return {
        interval: interval.label,
        intervalMs: interval.ms,
        field: null,
        series: [],
        buckets: buckets.map((b) => ({ at: new Date(b.at).toISOString(), count: b.count })),
        took: since(start),
        ...range(f),
      };
    },

    /** Top values of a field. */
    async terms(ctx: Ctx, body: TermsBodyT): Promise<TermsResultT> {
      const start = performance.now();
      checkField(body.field);
      const f = await filterOf(ctx, body);
      const t = await bounded((tx) => termsAggregation(tx, f, body.field, body.size));
      return { field: body.field, ...t, took: since(start), ...range(f) };
    },

    /** The field sidebar: fields present in the newest matching events, with their top values. */
    async fields(ctx: Ctx, q: FieldsQueryT): Promise<FieldsResultT> {
      const start = performance.now();
      const f = await filterOf(ctx, q);
      const rows = await bounded((tx) => searchEvents(tx, f, q.sample));
      const counts = new Map<string, { docs: number; values: Map<string, number> }>();
      for (const row of rows) {
        const flat = new Map<string, string[]>();
        flatten(row.doc, '', flat);
        for (const [field, values] of flat) {
          const c = counts.get(field) ?? { docs: 0, values: new Map<string, number>() };
          c.docs++;
          for (const v of values) c.values.set(v, (c.values.get(v) ?? 0) + 1);
          counts.set(field, c);
        }
      }
      const fields = [...counts.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .slice(0, 1000)
        .map(([field, c]) => ({
          field,
          count: c.docs,
          column: field in columnFields,
          topValues: [...c.values.entries()]
            .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
            .slice(0, 5)
            .map(([value, count]) => ({ value, count })),
        }));
      return { sampled: rows.length, fields, took: since(start) };
    },

    /** One event by its address; another unit's event reads as not found. */
    async event(ctx: Ctx, id: string, ts: string): Promise<HitT> {
      if (!ISO_US.test(ts) || Number.isNaN(Date.parse(ts))) throw new AppError('SOC_EVENT_NOT_FOUND');
      const row = await getEvent(db, await unitsOf(ctx), ts, id);
      if (!row) throw new AppError('SOC_EVENT_NOT_FOUND');
      return row as HitT;
    },

    /**
     * Resolves an export (query, range, scope: errors surface before any byte is sent), audits it, and
     * returns the pages of rows to stream, newest first, up to `limit`.
     */
    async startExport(ctx: Ctx, body: ExportBodyT): Promise<AsyncGenerator<EventRow[]>> {
      for (const c of body.columns) checkField(c);
      const f = await filterOf(ctx, body);
      await auditAlone(db, ctx, {
        category: 'access',
        action: 'soc.events.export',
        description: `Xuất sự kiện SIEM (${body.format.toUpperCase()}, tối đa ${body.limit} dòng)`,
        severity: 'notice',
        details: { query: body.query, ...range(f), format: body.format, limit: body.limit },
      });
      async function* pages(): AsyncGenerator<EventRow[]> {
        let left = body.limit;
        let after: Cursor | undefined;
        while (left > 0) {
          const rows = await bounded((tx) => searchEvents(tx, f, Math.min(EXPORT_PAGE, left), after));
          if (rows.length === 0) return;
          yield rows;
          left -= rows.length;
          const last = rows[rows.length - 1] as EventRow;
          after = { ts: last.ts, id: last.id };
          if (rows.length < EXPORT_PAGE) return;
        }
      }
      return pages();
    },

    /** Cells of one exported CSV row. */
    csvRow(row: EventRow, columns: readonly string[]): string[] {
      return columns.map((c) => cellText(hitValue(row, c)));
    },

    // ---------------------------------------------------------------- saved searches

    /** The caller's saved searches and the shared ones. */
    async listSaved(ctx: Ctx): Promise<SavedSearchViewT[]> {
      const owner = ownerOf(ctx);
      return (await listSavedSearches(db, owner)).map((r) => present(r, owner));
    },

    /** One saved search the caller owns or that is shared. */
    async getSaved(ctx: Ctx, id: string): Promise<SavedSearchViewT> {
      const owner = ownerOf(ctx);
      const row = await getSavedSearch(db, owner, id);
      if (!row) throw new AppError('SOC_SAVED_SEARCH_NOT_FOUND');
      return present(row, owner);
    },

    /** Saves a search for the caller (audited as a configuration change). */
    async createSaved(ctx: Ctx, body: SavedSearchBodyT): Promise<SavedSearchViewT> {
      const owner = ownerOf(ctx);
      const input = validateSaved(body);
      const row = await db.transaction(async (tx) => {
        const created = await insertSavedSearch(tx, { id: owner, name: ctx.actor.name }, input);
        if (!created) throw new AppError('SOC_SAVED_SEARCH_NAME_TAKEN', { name: input.name });
        await audit(tx, ctx, {
          category: 'config',
          action: 'soc.savedSearch.create',
          description: `Lưu tìm kiếm sự kiện "${input.name}"${input.shared ? ' (dùng chung)' : ''}`,
          target: { type: 'soc.savedSearch', id: created.id },
          details: { name: input.name, query: input.query, shared: input.shared },
        });
        return created;
      });
      return present(row, owner);
    },

    /** Changes the caller's own saved search; another's shared one is refused, an unseen one not found. */
    async updateSaved(ctx: Ctx, id: string, body: SavedSearchBodyT): Promise<SavedSearchViewT> {
      const owner = ownerOf(ctx);
      const input = validateSaved(body);
      const row = await db.transaction(async (tx) => {
        const before = await getSavedSearch(tx, owner, id);
        if (!before) throw new AppError('SOC_SAVED_SEARCH_NOT_FOUND');
        if (before.ownerId !== owner) throw new AppError('SOC_SAVED_SEARCH_NOT_OWNER');
        const updated = await updateSavedSearch(tx, owner, id, input);
        if (updated === 'conflict') throw new AppError('SOC_SAVED_SEARCH_NAME_TAKEN', { name: input.name });
        if (!updated) throw new AppError('SOC_SAVED_SEARCH_NOT_FOUND');
        await audit(tx, ctx, {
          category: 'config',
          action: 'soc.savedSearch.update',
          description: `Sửa tìm kiếm sự kiện đã lưu "${input.name}"`,
          target: { type: 'soc.savedSearch', id },
          details: {
            before: { name: before.name, query: before.query, shared: before.shared },
            after: { name: input.name, query: input.query, shared: input.shared },
          },
        });
        return updated;
      });
      return present(row, owner);
    },

    /** Deletes the caller's own saved search. */
    async deleteSaved(ctx: Ctx, id: string): Promise<void> {
      const owner = ownerOf(ctx);
      await db.transaction(async (tx) => {
        const before = await getSavedSearch(tx, owner, id);
        if (!before) throw new AppError('SOC_SAVED_SEARCH_NOT_FOUND');
        if (before.ownerId !== owner) throw new AppError('SOC_SAVED_SEARCH_NOT_OWNER');
        await deleteSavedSearch(tx, owner, id);
        await audit(tx, ctx, {
          category: 'config',
          action: 'soc.savedSearch.delete',
          description: `Xóa tìm kiếm sự kiện đã lưu "${before.name}"`,
          target: { type: 'soc.savedSearch', id },
          details: { name: before.name, query: before.query },
        });
      });
    },
  };
}
