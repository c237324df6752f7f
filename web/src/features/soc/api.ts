/**
 * Types and calls of the SOC screens. Response types come from the generated client (`ResponseOf<…>`), so a
 * schema change on the server breaks the build here; the calls still go through `soc`, a thin untyped view of
 * the same client (same CSRF header, same problem handling), written while the server parts were unmerged:
 * moving them to the typed `api` is what remains.
 */
import { api, call, type ResponseOf } from '../../api/client';

type Query = Record<string, string | number | boolean | undefined>;
interface Loose {
  GET(path: string, init?: { params?: { query?: Query } }): Promise<{ data?: unknown; error?: unknown }>;
  POST(
    path: string,
    init?: { body?: unknown; parseAs?: 'blob' },
  ): Promise<{ data?: unknown; error?: unknown; response?: Response }>;
  PUT(path: string, init?: { body?: unknown }): Promise<{ data?: unknown; error?: unknown }>;
  PATCH(path: string, init?: { body?: unknown }): Promise<{ data?: unknown; error?: unknown }>;
  DELETE(path: string, init?: object): Promise<{ data?: unknown; error?: unknown }>;
}
// The typed client's paths are a literal union; the not-yet-generated SOC paths go through the same object.
const loose = api as unknown as Loose;

/** Calls of the SOC routes (paths under /api/soc, already filled in). */
export const soc = {
  get: <T>(path: string, query?: Query) =>
    call(loose.GET(`/api/soc${path}`, query ? { params: { query } } : undefined)) as Promise<T>,
  post: <T>(path: string, body?: unknown) =>
    call(loose.POST(`/api/soc${path}`, body === undefined ? {} : { body })) as Promise<T>,
  put: <T>(path: string, body: unknown) => call(loose.PUT(`/api/soc${path}`, { body })) as Promise<T>,
  patch: <T>(path: string, body: unknown) => call(loose.PATCH(`/api/soc${path}`, { body })) as Promise<T>,
  del: (path: string) => call(loose.DELETE(`/api/soc${path}`)) as Promise<unknown>,
  /** POSTs `body` and saves the file the server answers (its name from content-disposition). */
  download: async (path: string, body: unknown, fallbackName: string) => {
    const result = await loose.POST(`/api/soc${path}`, { body, parseAs: 'blob' });
    const blob = await call(Promise.resolve(result));
    const disposition = result.response?.headers.get('content-disposition') ?? '';
    const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
    const url = URL.createObjectURL(blob as Blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};

// ------------------------------------------------------------------ search (src/soc/search/schema.ts)

/** The query and its range: `last` (15m, 24h, 7d) or `from`/`to` (ISO). */
export interface QueryFields {
  query: string;
  from?: string;
  to?: string;
  last?: string;
}

/** One event of a search answer, as the server's schema gives it (generated client). */
export type Hit = ResponseOf<'/api/soc/search', 'post'>['hits'][number];

export type SearchResult = ResponseOf<'/api/soc/search', 'post'>;

export type HistogramResult = ResponseOf<'/api/soc/search/histogram', 'post'>;

export type FieldsResult = ResponseOf<'/api/soc/search/fields', 'get'>;

export type SavedSearch = ResponseOf<'/api/soc/saved-searches/{id}', 'get'>;

// ------------------------------------------------------------------ sources (src/soc/sources/schema.ts)

export const sourceKinds = ['host', 'network-device', 'agent', 'sensor', 'application'] as const;
export type SourceKind = (typeof sourceKinds)[number];
export type SourceState = 'reporting' | 'silent' | 'never';

export type Source = ResponseOf<'/api/soc/sources/{id}', 'get'>;

export interface SilenceAlert {
  id: string;
  sourceId: string;
  sourceName: string;
  sourceKind: SourceKind;
  unitId: string | null;
  unitCode: string | null;
  unitName: string | null;
  raisedAt: string;
  clearedAt: string | null;
  lastSeen: string;
  open: boolean;
}

export type InfoSystem = ResponseOf<'/api/soc/systems/{id}', 'get'>;

export type IpRange = ResponseOf<'/api/soc/ip-ranges/{id}', 'get'>;

export interface PageOf<T> {
  items: T[];
  total: number;
}

// ------------------------------------------------------------------ ingest tokens (merged: typed client)

export type IngestToken = ResponseOf<'/api/soc/ingest-tokens', 'get'>[number];
export type IssuedToken = ResponseOf<'/api/soc/ingest-tokens', 'post'>;

// ------------------------------------------------------------------ store report (src/soc/store/routes.ts)

export type StoreReport = ResponseOf<'/api/soc/store/report', 'get'>;

// ------------------------------------------------------------------ inputs and health (SOC-16)

/** An input of the registry (src/soc/inputs/schema.ts). */
export interface SiemInput {
  id: string;
  kind: 'syslog-udp' | 'syslog-tcp' | 'syslog-tls' | 'http' | 'bulk';
  /** The wanted state (every node follows it). */
  enabled: boolean;
  /** Running on the node that answered. */
  running: boolean;
  /** Where it is bound now. */
  address: { host: string; port: number } | null;
  /** What it binds when started: its settings over the configuration. */
  listen: { host: string; port: number; maxConnections: number | null } | null;
  charset: string;
  /** Why it is enabled but not running on this node. */
  problem: string | null;
  connections: number;
  refusedConnections: number;
  totals: { events: number; bytes: number; dropped: number; dropReasons: Record<string, number> };
  updatedAt: string;
  updatedBy: string | null;
}

/** One sample of the SIEM's own figures on the node that answers (src/soc/health/routes.ts). */
export interface HealthSample {
  at: string;
  /** Events per second per input. */
  inputs: Record<string, number>;
  receivedPerSecond: number;
  droppedPerSecond: number;
  queueDepth: number;
  /** 0–1. */
  parseErrorRate: number;
  storedPerSecond: number;
  storageLagMs: number | null;
}

export type SiemHealth = ResponseOf<'/api/soc/health', 'get'>;

// ------------------------------------------------------------------ pipelines (src/soc/pipelines/schema.ts)

export interface Pipeline {
  id: string;
  name: string;
  description: string;
  /** shipped: read-only; operator: written by an operator (it replaces a shipped one of the same id). */
  origin: 'shipped' | 'operator';
  overrides: boolean;
  active: boolean;
  enabled: boolean;
  priority: number;
  version: number | null;
  /** The YAML. */
  source: string;
  updatedAt: string | null;
  updatedBy: string | null;
  loadError: string | null;
}

/** One sample to simulate: a raw line or a JSON document, as an input would hand it over. */
export interface SimulateSample {
  text?: string;
  doc?: Record<string, unknown>;
  kind?: 'syslog-udp' | 'syslog-tcp' | 'syslog-tls' | 'http' | 'bulk' | 'file' | 'audit' | 'lgsp';
}

export interface SimulateResult {
  results: {
    pipeline: string | null;
    dropped: boolean;
    error: string | null;
    ts: string;
    doc: Record<string, unknown>;
  }[];
}

// ------------------------------------------------------------------ forensic imports

export const importFormats = [
  'auto',
  'jsonl',
  'suricata-eve',
  'zeek-json',
  'zeek-tsv',
  'auth-log',
  'nginx',
  'apache',
  'winlogbeat',
  'get-winevent',
  'lines',
] as const;
export type ImportFormatChoice = (typeof importFormats)[number];

export type ImportJob = ResponseOf<'/api/soc/imports/{id}', 'get'>;

/** Query keys (prefixes) of the SOC data, so a change on one screen refreshes the others. */
export const socKeys = {
  sources: ['soc.sources'] as const,
  alerts: ['soc', 'alerts'] as const,
  systems: ['soc.systems'] as const,
  ranges: ['soc.ranges'] as const,
  inputs: ['soc', 'inputs'] as const,
  health: ['soc', 'health'] as const,
  store: ['soc', 'store'] as const,
  pipelines: ['soc', 'pipelines'] as const,
  tokens: ['soc', 'tokens'] as const,
  imports: ['soc', 'imports'] as const,
  saved: ['soc', 'saved'] as const,
};
