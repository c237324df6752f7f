/**
 * The search's state lives in the URL (query, range, columns) so a search is shared by sending its link and
 * survives a reload; the last run query is `q`, what is being typed stays in the query bar until submitted.
 */
import { useSearchParams } from 'react-router';
import type { QueryFields } from '../api';

export const DEFAULT_COLUMNS = [
  '@timestamp',
  'host.name',
  'event.dataset',
  'source.ip',
  'user.name',
  'message',
] as const;

export const RELATIVE = ['15m', '1h', '24h', '7d', '30d'] as const;
export type Relative = (typeof RELATIVE)[number];

/** A range as the server takes it: `last`, or `from`/`to` (ISO). */
export type TimeRange = { last: string } | { from: string; to: string };

export interface SearchState {
  query: string;
  range: TimeRange;
  columns: string[];
}

const FIELD = /^[A-Za-z0-9_@][A-Za-z0-9_@.-]*$/;

/** Reads the state from the URL; anything malformed falls back to the defaults. */
export function readState(params: URLSearchParams): SearchState {
  const from = params.get('from');
  const to = params.get('to');
  const last = params.get('last');
  const range: TimeRange =
    from && to && !Number.isNaN(Date.parse(from)) && !Number.isNaN(Date.parse(to))
      ? { from, to }
      : { last: last && /^\d{1,5}[smhdw]$/.test(last) ? last : '24h' };
  const cols = (params.get('cols') ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => FIELD.test(c));
  return { query: params.get('q') ?? '', range, columns: cols.length ? cols : [...DEFAULT_COLUMNS] };
}

/** The URL parameters of a state (defaults left out, so links stay short). */
export function stateParams(s: SearchState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.query) p.set('q', s.query);
  if ('last' in s.range) {
    if (s.range.last !== '24h') p.set('last', s.range.last);
  } else {
    p.set('from', s.range.from);
    p.set('to', s.range.to);
  }
  if (s.columns.join(',') !== DEFAULT_COLUMNS.join(',')) p.set('cols', s.columns.join(','));
  return p;
}

/** The request fields of a state. */
export function queryFields(s: SearchState): QueryFields {
  return 'last' in s.range
    ? { query: s.query, last: s.range.last }
    : { query: s.query, from: s.range.from, to: s.range.to };
}

/** The search state and its setter (each change is a new history entry, so Back undoes it). */
export function useSearchState(): [SearchState, (next: Partial<SearchState>) => void] {
  const [params, setParams] = useSearchParams();
  const state = readState(params);
  const set = (next: Partial<SearchState>) => setParams(stateParams({ ...state, ...next }));
  return [state, set];
}

/** The value of a field in an ECS document (`source.ip` → doc.source.ip, or a flat dotted key). */
export function fieldValue(doc: Record<string, unknown>, field: string): unknown {
  if (field in doc) return doc[field];
  let v: unknown = doc;
  for (const part of field.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Every leaf of a document as [dotted field, value], arrays of scalars kept whole, sorted by field. */
export function flatten(doc: Record<string, unknown>): [string, unknown][] {
  const out: [string, unknown][] = [];
  const walk = (v: unknown, path: string) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0 && path) out.push([path, v]);
      for (const [k, child] of entries) walk(child, path ? `${path}.${k}` : k);
    } else out.push([path, v]);
  };
  walk(doc, '');
  return out.sort(([a], [b]) => (a === '@timestamp' ? -1 : b === '@timestamp' ? 1 : a.localeCompare(b)));
}

/** A value as text for a cell or a query. */
export function valueText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Quotes a value for the query language when it is not a plain term. */
export function quoteValue(v: string): string {
  return /^[\p{L}\p{N}_.@:/-]+$/u.test(v) && !/^(AND|OR|NOT|TO)$/.test(v) && !v.includes(':')
    ? v
    : `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** The query with `field:value` (or `NOT field:value`) added with AND. */
export function addClause(query: string, field: string, value: string, negate: boolean): string {
  const clause = `${negate ? 'NOT ' : ''}${field}:${quoteValue(value)}`;
  const q = query.trim();
  if (!q) return clause;
  // A query with a top-level OR must be grouped before it is narrowed, or AND would bind to its last term.
  return /\bOR\b/.test(q) ? `(${q}) AND ${clause}` : `${q} AND ${clause}`;
}
