/**
 * @module soc/config/schema
 * The SIEM configuration document (SOC-16, configuration backup): what operators set, by stable keys (input
 * ids, pipeline ids, system codes, unit identifier codes, source keys) so it can be restored on the same
 * platform after a mistake, or carried to another one. Secrets (ingest tokens) and personal settings (saved
 * searches) are not in it.
 */
import { type Static, Type } from 'typebox';
import { Nullable } from '../../core/http/schema.ts';
import { type SourceKind, sourceKinds } from '../sources/index.ts';

/** The `format` of every document. */
export const CONFIG_FORMAT = 'tinhso-soc-config';

const UnitCode = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Mã định danh đơn vị (QCVN 102:2016)',
});

const InputEntry = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    enabled: Type.Boolean(),
    settings: Type.Object(
      {
        charset: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
        port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535 })),
        host: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        maxConnections: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const PipelineEntry = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 100 }),
    enabled: Type.Boolean(),
    source: Type.String({ minLength: 1, maxLength: 200_000, description: 'YAML của luồng xử lý' }),
  },
  { additionalProperties: false },
);

const RangeEntry = Type.Object(
  {
    cidr: Type.String({ minLength: 2, maxLength: 64 }),
    description: Nullable(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

const SystemEntry = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64 }),
    name: Type.String({ minLength: 1, maxLength: 255 }),
    unitCode: UnitCode,
    securityLevel: Type.Integer({ minimum: 1, maximum: 5 }),
    description: Nullable(Type.String({ maxLength: 2000 })),
    ranges: Type.Array(RangeEntry, { maxItems: 1000 }),
  },
  { additionalProperties: false },
);

const SourceEntry = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 1000 }),
    name: Type.String({ minLength: 1, maxLength: 255 }),
    kind: Type.Unsafe<SourceKind>(Type.String({ enum: [...sourceKinds] })),
    unitCode: Nullable(UnitCode),
    systemCode: Nullable(Type.String({ minLength: 1, maxLength: 64 })),
    expectedIntervalSeconds: Nullable(Type.Integer({ minimum: 0, maximum: 31_536_000 })),
    retentionDays: Nullable(Type.Integer({ minimum: 1, maximum: 36_500 })),
  },
  { additionalProperties: false },
);

export const SocConfigDocument = Type.Object(
  {
    format: Type.Literal(CONFIG_FORMAT),
    version: Type.Literal(1),
    exportedAt: Type.String({ maxLength: 40 }),
    inputs: Type.Array(InputEntry, { maxItems: 100 }),
    pipelines: Type.Array(PipelineEntry, { maxItems: 1000 }),
    systems: Type.Array(SystemEntry, { maxItems: 10_000 }),
    sources: Type.Array(SourceEntry, { maxItems: 100_000 }),
  },
  { additionalProperties: false },
);
export type SocConfigDocument = Static<typeof SocConfigDocument>;
export type InputEntry = Static<typeof InputEntry>;
export type PipelineEntry = Static<typeof PipelineEntry>;
export type SystemEntry = Static<typeof SystemEntry>;
export type SourceEntry = Static<typeof SourceEntry>;

const Kind = Type.Union([
  Type.Literal('input'),
  Type.Literal('pipeline'),
  Type.Literal('system'),
  Type.Literal('range'),
  Type.Literal('source'),
]);
const Action = Type.Union([
  Type.Literal('create'),
  Type.Literal('update'),
  Type.Literal('skip'),
  Type.Literal('error'),
]);

export const ConfigChange = Type.Object({
  kind: Kind,
  key: Type.String({ description: 'Mã đầu vào, luồng, hệ thống, dải IP (hệ thống/CIDR) hoặc khóa nguồn' }),
  action: Action,
  fields: Type.Array(Type.String(), { description: 'Những trường thay đổi' }),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Vì sao bỏ qua hoặc lỗi' }),
});
export type ConfigChange = Static<typeof ConfigChange>;

const Count = Type.Object({
  create: Type.Integer(),
  update: Type.Integer(),
  unchanged: Type.Integer(),
  skip: Type.Integer(),
  error: Type.Integer(),
});

export const ImportResult = Type.Object({
  dryRun: Type.Boolean({ description: 'true: chỉ xem trước, không thay đổi gì' }),
  counts: Type.Record(Type.String(), Count),
  changes: Type.Array(ConfigChange, {
    description: 'Mọi mục sẽ/đã tạo, sửa, bỏ qua hoặc lỗi (không kể mục không đổi)',
  }),
});
export type ImportResult = Static<typeof ImportResult>;

export const ImportQuery = Type.Object(
  { dryRun: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false },
);
