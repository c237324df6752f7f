/**
 * @module soc/search/schema
 * Request and response schemas of the event search routes (TypeBox; the console's client is typed from them).
 */
import { type Static, Type } from 'typebox';
import { Nullable } from '../../core/http/schema.ts';
import { MAX_QUERY_LENGTH } from './parser.ts';

/** An ECS field name (dotted). */
export const FieldName = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^[A-Za-z0-9_@][A-Za-z0-9_@.\\-]*$',
  examples: ['event.action'],
});

/** The query and its time range: `last` (15m, 24h, 7d) or `from`/`to` (ISO; a day means the whole day, Vietnam time). */
export const QueryFields = {
  query: Type.String({ maxLength: MAX_QUERY_LENGTH, default: '' }),
  from: Type.Optional(Type.String({ maxLength: 40 })),
  to: Type.Optional(Type.String({ maxLength: 40 })),
  last: Type.Optional(Type.String({ maxLength: 8, description: '15m, 24h, 7d…' })),
};

export const SearchBody = Type.Object(
  {
    ...QueryFields,
    size: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);

export const Hit = Type.Object({
  ts: Type.String({ description: 'ISO time (UTC, microseconds): with id, the address of the event' }),
  id: Type.String(),
  receivedAt: Type.String(),
  input: Type.String(),
  sourceId: Nullable(Type.String()),
  unitId: Nullable(Type.String()),
  systemId: Nullable(Type.String()),
  dataset: Nullable(Type.String()),
  kind: Nullable(Type.String()),
  category: Nullable(Type.Array(Type.String())),
  action: Nullable(Type.String()),
  outcome: Nullable(Type.String()),
  severity: Nullable(Type.Integer()),
  hostName: Nullable(Type.String()),
  sourceIp: Nullable(Type.String()),
  sourcePort: Nullable(Type.Integer()),
  destinationIp: Nullable(Type.String()),
  destinationPort: Nullable(Type.Integer()),
  userName: Nullable(Type.String()),
  processName: Nullable(Type.String()),
  message: Nullable(Type.String()),
  tags: Nullable(Type.Array(Type.String())),
  doc: Type.Record(Type.String(), Type.Unknown()),
});

const Range = {
  from: Type.String({ description: 'Start of the searched range (inclusive), ISO' }),
  to: Type.String({ description: 'End of the searched range (exclusive), ISO' }),
};

export const SearchResult = Type.Object({
  hits: Type.Array(Hit),
  total: Type.Object({
    value: Type.Integer(),
    relation: Type.Union([Type.Literal('eq'), Type.Literal('gte')], {
      description: 'gte: more matches than counted (the count stops at a cap to stay fast)',
    }),
  }),
  nextCursor: Nullable(Type.String()),
  took: Type.Integer({ description: 'Milliseconds the search took on the server' }),
  ...Range,
});

export const HistogramBody = Type.Object(
  {
    ...QueryFields,
    field: Type.Optional(FieldName),
    series: Type.Integer({ minimum: 1, maximum: 10, default: 5 }),
  },
  { additionalProperties: false },
);

export const HistogramResult = Type.Object({
  interval: Type.String({ description: 'Bucket width: 1m, 5m, 15m, 1h, 1d…' }),
  intervalMs: Type.Integer(),
  field: Nullable(Type.String()),
  series: Type.Array(Type.String(), { description: 'Top values of the split field, in the order of counts' }),
  buckets: Type.Array(
    Type.Object({
      at: Type.String({ description: 'Bucket start (ISO); buckets align to midnight in Asia/Ho_Chi_Minh' }),
      count: Type.Integer(),
      counts: Type.Optional(
        Type.Array(Type.Integer(), { description: 'Per series, in the order of series' }),
      ),
      other: Type.Optional(Type.Integer()),
    }),
  ),
  took: Type.Integer(),
  ...Range,
});

export const TermsBody = Type.Object(
  { ...QueryFields, field: FieldName, size: Type.Integer({ minimum: 1, maximum: 100, default: 10 }) },
  { additionalProperties: false },
);

export const TermsResult = Type.Object({
  field: Type.String(),
  buckets: Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() })),
  other: Type.Integer({ description: 'Count of all other values' }),
  total: Type.Integer(),
  took: Type.Integer(),
  ...Range,
});

export const FieldsQuery = Type.Object(
  { ...QueryFields, sample: Type.Integer({ minimum: 10, maximum: 2000, default: 500 }) },
  { additionalProperties: false },
);

export const FieldsResult = Type.Object({
  sampled: Type.Integer({ description: 'Newest matching events the sidebar was computed from' }),
  fields: Type.Array(
    Type.Object({
      field: Type.String(),
      count: Type.Integer({ description: 'Sampled events holding the field' }),
      column: Type.Boolean({ description: 'Kept in its own indexed column (fast to search)' }),
      topValues: Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() })),
    }),
  ),
  took: Type.Integer(),
});

export const EventParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
export const EventQuery = Type.Object(
  { ts: Type.String({ maxLength: 40, description: 'The event time, as in the hit (ISO)' }) },
  { additionalProperties: false },
);

/** Hard ceiling of one export, whatever the request says. */
export const EXPORT_MAX_ROWS = 100_000;

export const ExportBody = Type.Object(
  {
    ...QueryFields,
    format: Type.Union([Type.Literal('csv'), Type.Literal('ndjson')], { default: 'csv' }),
    columns: Type.Array(FieldName, {
      minItems: 1,
      maxItems: 50,
      default: [
        '@timestamp',
        'event.dataset',
        'host.name',
        'source.ip',
        'user.name',
        'event.action',
        'message',
      ],
      description: 'CSV columns (ECS field names); NDJSON always carries whole events',
    }),
    limit: Type.Integer({ minimum: 1, maximum: EXPORT_MAX_ROWS, default: 10_000 }),
  },
  { additionalProperties: false },
);

const TimeRange = Type.Object(
  {
    last: Type.Optional(Type.String({ maxLength: 8 })),
    from: Type.Optional(Type.String({ maxLength: 40 })),
    to: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

export const SavedSearchBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    query: Type.String({ maxLength: MAX_QUERY_LENGTH }),
    timeRange: TimeRange,
    columns: Type.Array(FieldName, { maxItems: 50, default: [] }),
    shared: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);

export const SavedSearchView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  query: Type.String(),
  timeRange: TimeRange,
  columns: Type.Array(Type.String()),
  shared: Type.Boolean(),
  ownerName: Type.String(),
  own: Type.Boolean({ description: 'The caller owns it (may change and delete it)' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export type SearchBodyT = Static<typeof SearchBody>;
export type HitT = Static<typeof Hit>;
export type SearchResultT = Static<typeof SearchResult>;
export type HistogramBodyT = Static<typeof HistogramBody>;
export type HistogramResultT = Static<typeof HistogramResult>;
export type TermsBodyT = Static<typeof TermsBody>;
export type TermsResultT = Static<typeof TermsResult>;
export type FieldsQueryT = Static<typeof FieldsQuery>;
export type FieldsResultT = Static<typeof FieldsResult>;
export type ExportBodyT = Static<typeof ExportBody>;
export type SavedSearchBodyT = Static<typeof SavedSearchBody>;
export type SavedSearchViewT = Static<typeof SavedSearchView>;
