/**
 * @module soc/pipelines/schema
 * Request and response schemas of the pipelines API (OpenAPI and the console's pipeline editor).
 */
import { type Static, Type } from 'typebox';
import { Nullable } from '../../core/http/schema.ts';

const DateTime = Type.String({ format: 'date-time' });

export const PipelineId = Type.String({
  pattern: '^[a-z0-9][a-z0-9._-]{0,63}$',
  description: 'Mã luồng xử lý: chữ thường, số, ".", "_", "-"',
  examples: ['nginx'],
});

/** YAML text: any characters but NUL and other C0 controls except tab and line breaks. */
const Source = Type.String({
  minLength: 1,
  maxLength: 200_000,
  pattern: '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$',
  description: 'Nội dung YAML của luồng xử lý',
});

export const IdParams = Type.Object({ id: PipelineId });

export const PipelineView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  origin: Type.Union([Type.Literal('shipped'), Type.Literal('operator')], {
    description: 'shipped: có sẵn, chỉ đọc; operator: do người vận hành viết',
  }),
  /** An operator pipeline that replaces the shipped one with the same id; a shipped one that is replaced. */
  overrides: Type.Boolean({ description: 'Luồng của người vận hành thay thế luồng có sẵn cùng mã' }),
  active: Type.Boolean({ description: 'Đang được dùng trên máy chủ này' }),
  enabled: Type.Boolean(),
  priority: Type.Integer(),
  version: Nullable(Type.Integer()),
  source: Type.String(),
  updatedAt: Nullable(DateTime),
  updatedBy: Nullable(Type.String()),
  /** Why an operator pipeline is not in force (it no longer loads), when that happens. */
  loadError: Nullable(Type.String()),
});
export type PipelineView = Static<typeof PipelineView>;

export const PipelineList = Type.Object({ items: Type.Array(PipelineView) });
export type PipelineList = Static<typeof PipelineList>;

export const CreatePipelineBody = Type.Object(
  { source: Source, enabled: Type.Optional(Type.Boolean({ default: true })) },
  { additionalProperties: false },
);
export type CreatePipelineBody = Static<typeof CreatePipelineBody>;

export const UpdatePipelineBody = Type.Object(
  {
    source: Source,
    enabled: Type.Optional(Type.Boolean()),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'Phiên bản đang sửa (chống ghi đè)' })),
  },
  { additionalProperties: false },
);
export type UpdatePipelineBody = Static<typeof UpdatePipelineBody>;

const Sample = Type.Object(
  {
    text: Type.Optional(Type.String({ maxLength: 65_536 })),
    doc: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    kind: Type.Optional(
      Type.Union(
        ['syslog-udp', 'syslog-tcp', 'syslog-tls', 'http', 'bulk', 'file', 'audit', 'lgsp'].map((k) =>
          Type.Literal(k),
        ),
      ),
    ),
    peer: Type.Optional(Type.String({ maxLength: 64 })),
    pipeline: Type.Optional(PipelineId),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);

export const SimulateBody = Type.Object(
  {
    source: Type.Optional(Source),
    id: Type.Optional(PipelineId),
    samples: Type.Array(Sample, { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type SimulateBody = Static<typeof SimulateBody>;

export const SimulateResult = Type.Object({
  results: Type.Array(
    Type.Object({
      pipeline: Nullable(Type.String()),
      dropped: Type.Boolean(),
      error: Nullable(Type.String()),
      ts: DateTime,
      doc: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
});
export type SimulateResult = Static<typeof SimulateResult>;
