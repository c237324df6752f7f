/**
 * @module soc/inputs/schema
 * Request and response schemas of the input registry API (`/api/soc/inputs`).
 */
import { type Static, Type } from 'typebox';
import { Nullable } from '../../core/http/schema.ts';

export const InputIdParams = Type.Object({
  id: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'Mã đầu vào: syslog-udp, syslog-tcp, syslog-tls, http, bulk',
  }),
});

const Settings = Type.Object(
  {
    charset: Type.Optional(
      Type.String({ description: 'Bảng mã khi thông điệp không tự khai (mặc định UTF-8)' }),
    ),
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    host: Type.Optional(Type.String()),
    maxConnections: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { description: 'Thiết lập riêng của đầu vào; thiếu khóa nào thì dùng cấu hình soc.syslog.*' },
);

export const UpdateInputBody = Type.Object(
  {
    charset: Type.Optional(
      Nullable(
        Type.String({
          minLength: 1,
          maxLength: 40,
          pattern: '^[A-Za-z0-9_.:-]+$',
          examples: ['windows-1258'],
        }),
      ),
    ),
    port: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 65535 }))),
    host: Type.Optional(Nullable(Type.String({ minLength: 2, maxLength: 45, examples: ['0.0.0.0'] }))),
    maxConnections: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000 }))),
  },
  { additionalProperties: false, minProperties: 1, description: 'null: trở về giá trị cấu hình mặc định' },
);
export type UpdateInputBody = Static<typeof UpdateInputBody>;

const Address = Type.Object({ host: Type.String(), port: Type.Integer() });

export const InputView = Type.Object({
  id: Type.String(),
  kind: Type.Union([
    Type.Literal('syslog-udp'),
    Type.Literal('syslog-tcp'),
    Type.Literal('syslog-tls'),
    Type.Literal('http'),
    Type.Literal('bulk'),
  ]),
  enabled: Type.Boolean({ description: 'Trạng thái mong muốn (mọi máy chủ theo)' }),
  running: Type.Boolean({ description: 'Đang chạy trên máy chủ trả lời' }),
  address: Nullable(Address),
  /** What the listener binds when it starts: settings over configuration. */
  listen: Nullable(
    Type.Object({ host: Type.String(), port: Type.Integer(), maxConnections: Nullable(Type.Integer()) }),
  ),
  settings: Settings,
  charset: Type.String({ description: 'Bảng mã áp dụng' }),
  problem: Nullable(Type.String({ description: 'Vì sao đầu vào được bật mà không chạy trên máy chủ này' })),
  connections: Type.Integer(),
  refusedConnections: Type.Integer(),
  totals: Type.Object({
    events: Type.Integer(),
    bytes: Type.Integer(),
    dropped: Type.Integer(),
    dropReasons: Type.Record(Type.String(), Type.Integer()),
  }),
  updatedAt: Type.String({ format: 'date-time' }),
  updatedBy: Nullable(Type.String()),
});
export type InputView = Static<typeof InputView>;

export const InputList = Type.Object({ items: Type.Array(InputView) });
