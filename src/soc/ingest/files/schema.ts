/**
 * @module soc/ingest/files/schema
 * TypeBox schemas of the import routes.
 */
import { Type } from 'typebox';
import { Nullable } from '../../../core/http/schema.ts';
import { importFormats } from './formats.ts';

export const ImportState = Type.Union(
  [
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('done'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
  ],
  { description: 'queued → running → done | failed | cancelled' },
);

export const RequestedFormat = Type.Union(
  (['auto', ...importFormats] as const).map((f) => Type.Literal(f)),
  {
    default: 'auto',
    description:
      'jsonl, suricata-eve, zeek-json, zeek-tsv, auth-log, nginx, apache, winlogbeat, get-winevent, lines; auto = detected from the first lines',
  },
);

export const UploadQuery = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Tên tệp gốc (để hiển thị, đoán loại Zeek)',
    }),
    format: RequestedFormat,
    gzip: Type.Optional(
      Type.Boolean({ description: 'Tệp nén gzip; không ghi = nhận biết theo byte đầu (1f 8b)' }),
    ),
  },
  { additionalProperties: false },
);

export const ImportView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  input: Type.String({ description: 'Đầu vào của các sự kiện đã nhập: file:<id>' }),
  fileName: Type.String(),
  requestedFormat: Type.String(),
  format: Nullable(Type.String({ description: 'Định dạng đã dùng (đã nhận biết khi chọn auto)' })),
  encoding: Nullable(Type.String()),
  compressed: Type.Union([Type.Boolean(), Type.Null()]),
  state: ImportState,
  errorCode: Nullable(Type.String()),
  errorMessage: Nullable(Type.String()),
  sizeBytes: Type.Integer(),
  bytesRead: Type.Integer(),
  percent: Type.Number({ description: 'bytesRead / sizeBytes × 100' }),
  eventsSubmitted: Type.Integer({ description: 'Sự kiện đã lưu bền (đã qua hàng đợi xử lý)' }),
  problemLines: Type.Integer({ description: 'Dòng giữ lại kèm nhãn lỗi (bị cắt, sai UTF-8, sai JSON…)' }),
  eventsPerSecond: Nullable(Type.Number()),
  etaSeconds: Nullable(Type.Number()),
  createdBy: Type.Object({ id: Nullable(Type.String()), name: Type.String() }),
  unitId: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Nullable(Type.String({ format: 'date-time' })),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
});

export const ImportListQuery = Type.Object(
  {
    state: Type.Optional(ImportState),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);

export const ImportPage = Type.Object({
  items: Type.Array(ImportView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
