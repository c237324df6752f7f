/**
 * @module soc/sources/schema
 * Request and response schemas of the sources API (information systems, sources, IP ranges, silence alerts);
 * they feed OpenAPI and the console's typed client, and the service's input types come from them.
 */
import { type Static, Type } from 'typebox';
import { Nullable } from '../../core/http/schema.ts';
import { sourceKinds } from './source-key.ts';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
/** Visible text without control characters (line breaks would forge lines in audit entries and exports). */
const Text = (max: number, description?: string) =>
  Type.String({ minLength: 1, maxLength: max, pattern: '^(?!\\s*$)[^\\p{Cc}\\p{Cs}]+$', description });
const LongText = (max: number, description?: string) =>
  Type.String({
    maxLength: max,
    pattern: '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F\\p{Cs}]*$',
    description,
  });
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 }));
const Offset = Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }));

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const SystemCode = Type.String({
  pattern: '^[a-z0-9-]{2,40}$',
  description: 'Mã hệ thống: 2–40 ký tự a-z, 0-9, - (dùng trong nhãn sự kiện system:<mã>)',
  examples: ['cong-dich-vu-cong'],
});
const SecurityLevel = Type.Integer({
  minimum: 1,
  maximum: 5,
  description: 'Cấp độ an toàn hệ thống thông tin theo Nghị định 85/2016/NĐ-CP (1–5)',
});
export const SourceKindSchema = Type.Union(
  [
    Type.Literal(sourceKinds[0]),
    Type.Literal(sourceKinds[1]),
    Type.Literal(sourceKinds[2]),
    Type.Literal(sourceKinds[3]),
    Type.Literal(sourceKinds[4]),
  ],
  {
    description:
      'host: máy chủ; network-device: thiết bị mạng; agent: tác tử; sensor: cảm biến; application: ứng dụng',
  },
);

// ------------------------------------------------------------------ information systems

export const SystemView = Type.Object({
  id: Uuid,
  unitId: Uuid,
  unitCode: Nullable(Type.String()),
  unitName: Nullable(Type.String()),
  code: Type.String(),
  name: Type.String(),
  securityLevel: Type.Integer(),
  description: Nullable(Type.String()),
  ranges: Type.Integer({ description: 'Số dải IP công khai đã đăng ký' }),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type SystemView = Static<typeof SystemView>;

export const SystemPage = Type.Object({ items: Type.Array(SystemView), total: Type.Integer() });

export const SystemQuery = Type.Object(
  {
    unitId: Type.Optional(Uuid),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Tìm theo tên (không dấu) hoặc mã' })),
    limit: Limit,
    offset: Offset,
  },
  { additionalProperties: false },
);
export type SystemQuery = Static<typeof SystemQuery>;

export const CreateSystemBody = Type.Object(
  {
    unitId: Uuid,
    code: SystemCode,
    name: Text(255, 'Tên hệ thống thông tin'),
    securityLevel: SecurityLevel,
    description: Type.Optional(Nullable(LongText(2000))),
  },
  { additionalProperties: false },
);
export type CreateSystemBody = Static<typeof CreateSystemBody>;

export const UpdateSystemBody = Type.Object(
  {
    unitId: Type.Optional(Uuid),
    code: Type.Optional(SystemCode),
    name: Type.Optional(Text(255)),
    securityLevel: Type.Optional(SecurityLevel),
    description: Type.Optional(Nullable(LongText(2000))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSystemBody = Static<typeof UpdateSystemBody>;

// ------------------------------------------------------------------ IP ranges

const RangeRef = Type.Object({ id: Uuid, cidr: Type.String(), systemCode: Type.String() });

export const RangeView = Type.Object({
  id: Uuid,
  cidr: Type.String({ description: 'CIDR đã chuẩn hóa (địa chỉ mạng / độ dài tiền tố)' }),
  systemId: Uuid,
  systemCode: Type.String(),
  unitId: Uuid,
  description: Nullable(Type.String()),
  overlaps: Type.Array(RangeRef, { description: 'Dải IP (trong phạm vi của bạn) chồng lấn dải này' }),
  overlapsOutsideScope: Type.Integer({ description: 'Số dải chồng lấn thuộc đơn vị ngoài phạm vi của bạn' }),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type RangeView = Static<typeof RangeView>;

export const RangePage = Type.Object({ items: Type.Array(RangeView), total: Type.Integer() });

export const RangeQuery = Type.Object(
  { systemId: Type.Optional(Uuid), limit: Limit, offset: Offset },
  { additionalProperties: false },
);
export type RangeQuery = Static<typeof RangeQuery>;

export const CreateRangeBody = Type.Object(
  {
    cidr: Type.String({
      minLength: 2,
      maxLength: 64,
      description: 'IPv4/IPv6 hoặc CIDR, ví dụ 203.0.113.0/24',
    }),
    systemId: Uuid,
    unitId: Type.Optional(Uuid),
    description: Type.Optional(Nullable(LongText(2000))),
  },
  { additionalProperties: false },
);
export type CreateRangeBody = Static<typeof CreateRangeBody>;

export const UpdateRangeBody = Type.Object(
  {
    cidr: Type.Optional(Type.String({ minLength: 2, maxLength: 64 })),
    systemId: Type.Optional(Uuid),
    unitId: Type.Optional(Uuid),
    description: Type.Optional(Nullable(LongText(2000))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateRangeBody = Static<typeof UpdateRangeBody>;

// ------------------------------------------------------------------ sources

const SourceState = Type.Union([Type.Literal('reporting'), Type.Literal('silent'), Type.Literal('never')], {
  description: 'reporting: đang gửi; silent: im lặng quá thời gian dự kiến; never: chưa từng gửi',
});

export const SourceView = Type.Object({
  id: Uuid,
  key: Type.String({ description: 'Khóa nhận diện: <nhóm đầu vào>|<agent|host|observer|ip>:<giá trị>' }),
  inputKind: Type.String(),
  kind: SourceKindSchema,
  name: Type.String(),
  address: Nullable(Type.String()),
  unitId: Nullable(Uuid),
  unitCode: Nullable(Type.String()),
  unitName: Nullable(Type.String()),
  systemId: Nullable(Uuid),
  systemCode: Nullable(Type.String()),
  systemName: Nullable(Type.String()),
  expectedIntervalSeconds: Nullable(
    Type.Integer({ description: 'Riêng của nguồn; null = mặc định theo loại' }),
  ),
  effectiveIntervalSeconds: Type.Integer({ description: 'Khoảng thời gian áp dụng; 0 = không theo dõi' }),
  retentionDays: Nullable(Type.Integer({ description: 'Số ngày lưu giữ riêng; null = mặc định' })),
  state: SourceState,
  silentSince: Nullable(DateTime),
  firstSeen: Nullable(DateTime),
  lastSeen: Nullable(DateTime),
  events: Type.Number(),
});
export type SourceView = Static<typeof SourceView>;

export const SourcePage = Type.Object({ items: Type.Array(SourceView), total: Type.Integer() });

export const SourceQuery = Type.Object(
  {
    unitId: Type.Optional(Uuid),
    systemId: Type.Optional(Uuid),
    kind: Type.Optional(SourceKindSchema),
    state: Type.Optional(SourceState),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Tìm theo tên (không dấu), khóa, địa chỉ' })),
    limit: Limit,
    offset: Offset,
  },
  { additionalProperties: false },
);
export type SourceQuery = Static<typeof SourceQuery>;

export const UpdateSourceBody = Type.Object(
  {
    name: Type.Optional(Text(255)),
    kind: Type.Optional(SourceKindSchema),
    unitId: Type.Optional(Nullable(Uuid)),
    systemId: Type.Optional(Nullable(Uuid)),
    expectedIntervalSeconds: Type.Optional(
      Nullable(
        Type.Integer({ minimum: 0, maximum: 31_536_000, description: '0 = không theo dõi; null = mặc định' }),
      ),
    ),
    retentionDays: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 36_500 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSourceBody = Static<typeof UpdateSourceBody>;

// ------------------------------------------------------------------ alerts

export const AlertView = Type.Object({
  id: Uuid,
  sourceId: Uuid,
  sourceName: Type.String(),
  sourceKind: SourceKindSchema,
  unitId: Nullable(Uuid),
  unitCode: Nullable(Type.String()),
  unitName: Nullable(Type.String()),
  raisedAt: DateTime,
  clearedAt: Nullable(DateTime),
  lastSeen: DateTime,
  open: Type.Boolean(),
});
export type AlertView = Static<typeof AlertView>;

export const AlertQuery = Type.Object(
  {
    open: Type.Optional(Type.Boolean({ description: 'Chỉ cảnh báo đang mở' })),
    days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 90, default: 7, description: 'Cảnh báo gần đây: số ngày' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);
export type AlertQuery = Static<typeof AlertQuery>;
