/**
 * @module lgsp/registry/schema
 * Request and response schemas of the registry API (they feed OpenAPI and the console's typed client);
 * the service's input and view types come from them.
 */
import { type Static, Type } from 'typebox';
import { Nullable } from '../../core/http/schema.ts';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
/** Visible text without control characters (line breaks would forge lines in audit entries and exports). */
const Text = (max: number, description?: string) =>
  Type.String({ minLength: 1, maxLength: max, pattern: '^(?!\\s*$)[^\\p{Cc}\\p{Cs}]+$', description });
/** Text that may span lines (descriptions). */
const LongText = (max: number, description?: string) =>
  Type.String({
    maxLength: max,
    pattern: '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F\\p{Cs}]*$',
    description,
  });

export const Code = Type.String({
  pattern: '^[a-z0-9-]{2,40}$',
  description: 'Mã: 2–40 ký tự a-z, 0-9, -',
  examples: ['mot-cua-dien-tu'],
});
export const AccessKey = Type.String({
  pattern: '^lgsp_[a-z2-7]{20}$',
  description: 'Khóa truy xuất (access key), công khai: lgsp_ + 20 ký tự base32',
  examples: ['lgsp_abcdefghijklmnopqrst'],
});
const Kind = Type.Union([Type.Literal('hmac'), Type.Literal('rsa')], {
  description: 'hmac: khóa bí mật dùng chung (secret key); rsa: khóa công khai / chứng thư số đăng ký',
});
const Algorithm = Type.Union(
  [
    Type.Literal('HMAC-SHA256'),
    Type.Literal('HMAC-SHA1'),
    Type.Literal('RSA-PSS-SHA256'),
    Type.Literal('RSA-SHA256'),
  ],
  { description: 'Thuật toán ký' },
);
const Algorithms = Type.Array(Algorithm, {
  minItems: 1,
  maxItems: 4,
  uniqueItems: true,
  description:
    'Thuật toán ký được phép. Mặc định HMAC-SHA256 (hmac) hoặc RSA-PSS-SHA256, RSA-SHA256 (rsa). ' +
    'CẢNH BÁO: HMAC-SHA1 là thuật toán yếu, chỉ bật khi hệ thống cũ không ký được HMAC-SHA256 ' +
    '(WARNING: HMAC-SHA1 is weak; enable it only for legacy systems that cannot sign HMAC-SHA256).',
});
const Networks = Type.Array(Type.String({ maxLength: 64 }), {
  maxItems: 100,
  description: 'Mạng được phép gọi (IPv4/IPv6 hoặc CIDR, LGSP-32); rỗng = không giới hạn',
});
const Contact = Type.Object(
  {
    name: Type.Optional(Nullable(Text(200, 'Người liên hệ'))),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 254 }))),
    phone: Type.Optional(Nullable(Type.String({ pattern: '^[0-9+()\\-.\\s/]{3,30}$' }))),
  },
  { additionalProperties: false },
);
// Literals spelled out (not mapped from an array) so the static type keeps them for callers.
const Method = Type.Union(
  [
    Type.Literal('GET'),
    Type.Literal('POST'),
    Type.Literal('PUT'),
    Type.Literal('PATCH'),
    Type.Literal('DELETE'),
    Type.Literal('HEAD'),
    Type.Literal('OPTIONS'),
  ],
  { description: 'Phương thức HTTP' },
);
const Methods = Type.Array(Method, { minItems: 1, maxItems: 7, uniqueItems: true });
const Protocol = Type.Union([Type.Literal('rest-json'), Type.Literal('rest-xml'), Type.Literal('soap')]);
const Reason = Text(500, 'Lý do');
const Offset = Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 });
const Limit = Type.Integer({ minimum: 1, maximum: 500, default: 50 });
const UnitRef = Type.Object({ id: Uuid, code: Type.String(), name: Type.String() });

// ---------------------------------------------------------------- applications

export const CreateApplicationBody = Type.Object(
  {
    unitId: Uuid,
    code: Code,
    name: Text(255, 'Tên ứng dụng'),
    description: Type.Optional(Nullable(LongText(2000))),
    kind: Kind,
    algorithms: Type.Optional(Algorithms),
    allowedNetworks: Type.Optional(Networks),
    rateLimitPerMinute: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 10_000_000 }))),
    quotaPerDay: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000_000 }))),
    contact: Type.Optional(Contact),
  },
  { additionalProperties: false },
);
export type CreateApplicationInput = Static<typeof CreateApplicationBody>;

export const UpdateApplicationBody = Type.Object(
  {
    name: Type.Optional(Text(255, 'Tên ứng dụng')),
    description: Type.Optional(Nullable(LongText(2000))),
    algorithms: Type.Optional(Algorithms),
    allowedNetworks: Type.Optional(Networks),
    rateLimitPerMinute: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 10_000_000 }))),
    quotaPerDay: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000_000 }))),
    contact: Type.Optional(Contact),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateApplicationInput = Static<typeof UpdateApplicationBody>;

export const StatusBody = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });

export const ApplicationQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    unitId: Type.Optional(Uuid),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended')])),
    kind: Type.Optional(Kind),
    offset: Offset,
    limit: Limit,
  },
  { additionalProperties: false },
);
export type ApplicationQueryInput = Static<typeof ApplicationQuery>;

export const ApplicationView = Type.Object({
  id: Uuid,
  unit: UnitRef,
  code: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  kind: Kind,
  algorithms: Type.Array(Algorithm),
  allowedNetworks: Type.Array(Type.String()),
  rateLimitPerMinute: Nullable(Type.Integer()),
  quotaPerDay: Nullable(Type.Integer()),
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended')]),
  statusReason: Nullable(Type.String()),
  contact: Type.Object({
    name: Nullable(Type.String()),
    email: Nullable(Type.String()),
    phone: Nullable(Type.String()),
  }),
  activeAccessKey: Nullable(Type.String()),
  serviceCount: Type.Integer(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type ApplicationView = Static<typeof ApplicationView>;
export const ApplicationPage = Type.Object({ items: Type.Array(ApplicationView), total: Type.Integer() });

// ---------------------------------------------------------------- keys

const KeyStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('rotated'),
  Type.Literal('revoked'),
  Type.Literal('expired'),
]);
export const KeyView = Type.Object({
  accessKey: Type.String(),
  applicationId: Uuid,
  kind: Kind,
  status: KeyStatus,
  createdAt: DateTime,
  createdBy: Type.String(),
  validUntil: Nullable(DateTime),
  revokedAt: Nullable(DateTime),
  revokedReason: Nullable(Type.String()),
  keyBits: Nullable(Type.Integer()),
  certificate: Nullable(
    Type.Object({ subject: Type.String(), serial: Type.String(), notBefore: DateTime, notAfter: DateTime }),
  ),
});
export type KeyView = Static<typeof KeyView>;

export const IssuedKeyView = Type.Object({
  key: KeyView,
  secretKey: Nullable(
    Type.String({
      description: 'Khóa bí mật: CHỈ hiển thị một lần ở đây, không lưu dạng rõ, không xem lại được',
    }),
  ),
  /** The key this one replaced, still accepted until its validUntil. */
  replaced: Nullable(KeyView),
});
export type IssuedKeyView = Static<typeof IssuedKeyView>;

export const RotateBody = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });
export const RevokeBody = Type.Object({ reason: Reason }, { additionalProperties: false });
export const PublicKeyBody = Type.Object(
  {
    pem: Type.String({
      minLength: 1,
      maxLength: 20_000,
      description: 'Khóa công khai RSA (PEM) hoặc chứng thư số X.509 (PEM), tối thiểu 2048 bit',
    }),
  },
  { additionalProperties: false },
);

// ---------------------------------------------------------------- services

export const CreateServiceBody = Type.Object(
  {
    applicationId: Uuid,
    code: Code,
    name: Text(255, 'Tên dịch vụ'),
    description: Type.Optional(Nullable(LongText(2000))),
    dataTypes: Type.Optional(
      Type.Array(Text(60), { maxItems: 20, description: 'Loại dữ liệu: hộ tịch, văn bản…' }),
    ),
    protocol: Protocol,
    baseUrl: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'Địa chỉ gốc http(s) của dịch vụ',
      examples: ['https://dichvu.example.vn/api'],
    }),
    healthPath: Type.Optional(
      Nullable(Type.String({ maxLength: 500, description: 'Đường dẫn kiểm tra, vd /health' })),
    ),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, default: 30_000 })),
    allowedMethods: Type.Optional(Methods),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateServiceInput = Static<typeof CreateServiceBody>;

export const UpdateServiceBody = Type.Object(
  {
    name: Type.Optional(Text(255, 'Tên dịch vụ')),
    description: Type.Optional(Nullable(LongText(2000))),
    dataTypes: Type.Optional(Type.Array(Text(60), { maxItems: 20 })),
    protocol: Type.Optional(Protocol),
    baseUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    healthPath: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
    allowedMethods: Type.Optional(Methods),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateServiceInput = Static<typeof UpdateServiceBody>;

export const ServiceQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    unitId: Type.Optional(Uuid),
    applicationId: Type.Optional(Uuid),
    active: Type.Optional(Type.Boolean()),
    offset: Offset,
    limit: Limit,
  },
  { additionalProperties: false },
);
export type ServiceQueryInput = Static<typeof ServiceQuery>;

export const ServiceView = Type.Object({
  id: Uuid,
  unit: UnitRef,
  applicationId: Uuid,
  applicationCode: Type.String(),
  code: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  dataTypes: Type.Array(Type.String()),
  protocol: Protocol,
  baseUrl: Type.String(),
  healthPath: Nullable(Type.String()),
  timeoutMs: Type.Integer(),
  allowedMethods: Type.Array(Type.String()),
  active: Type.Boolean(),
  gatewayPath: Type.String({ description: 'Đường dẫn qua cổng LGSP: /{mã đơn vị}/{mã dịch vụ}' }),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type ServiceView = Static<typeof ServiceView>;
export const ServicePage = Type.Object({ items: Type.Array(ServiceView), total: Type.Integer() });

// ---------------------------------------------------------------- rights

export const RightParams = Type.Object({ applicationId: Uuid, serviceId: Uuid });
export const SetRightBody = Type.Object(
  {
    operations: Type.Array(Method, {
      minItems: 1,
      maxItems: 7,
      uniqueItems: true,
      description: 'Thao tác được phép (tập con các phương thức của dịch vụ)',
    }),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);
export type SetRightInput = Static<typeof SetRightBody>;

export const RightQuery = Type.Object(
  {
    unitId: Type.Optional(Uuid),
    applicationId: Type.Optional(Uuid),
    serviceId: Type.Optional(Uuid),
    offset: Offset,
    limit: Limit,
  },
  { additionalProperties: false },
);
export type RightQueryInput = Static<typeof RightQuery>;

export const RightView = Type.Object({
  application: Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), unit: UnitRef }),
  service: Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), unit: UnitRef }),
  operations: Type.Array(Type.String()),
  reason: Nullable(Type.String()),
  grantedAt: DateTime,
  grantedBy: Nullable(Type.String({ description: 'Only for readers who see the provider unit' })),
  updatedAt: DateTime,
});
export type RightView = Static<typeof RightView>;
export const RightPage = Type.Object({ items: Type.Array(RightView), total: Type.Integer() });

export const RightHistoryView = Type.Object({
  id: Type.Integer(),
  applicationId: Uuid,
  applicationCode: Type.String(),
  serviceId: Uuid,
  serviceCode: Type.String(),
  serviceName: Type.String(),
  action: Type.Union([Type.Literal('grant'), Type.Literal('change'), Type.Literal('revoke')]),
  operationsBefore: Nullable(Type.Array(Type.String())),
  operationsAfter: Nullable(Type.Array(Type.String())),
  reason: Nullable(Type.String()),
  actorName: Nullable(Type.String({ description: 'Only for readers who see the provider unit' })),
  at: DateTime,
});
export type RightHistoryView = Static<typeof RightHistoryView>;
export const RightHistoryPage = Type.Object({ items: Type.Array(RightHistoryView), total: Type.Integer() });

export const MatrixQuery = Type.Object({ unitId: Type.Optional(Uuid) }, { additionalProperties: false });
export const MatrixView = Type.Object({
  applications: Type.Array(
    Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), unit: UnitRef }),
  ),
  services: Type.Array(
    Type.Object({
      id: Uuid,
      code: Type.String(),
      name: Type.String(),
      unit: UnitRef,
      allowedMethods: Type.Array(Type.String()),
    }),
  ),
  cells: Type.Array(
    Type.Object({ applicationId: Uuid, serviceId: Uuid, operations: Type.Array(Type.String()) }),
  ),
  truncated: Type.Boolean({ description: 'true khi có hơn 500 ứng dụng hoặc dịch vụ: thu hẹp theo đơn vị' }),
});
export type MatrixView = Static<typeof MatrixView>;

// ---------------------------------------------------------------- units and directory

export const ConnectedUnitView = Type.Object({
  unit: UnitRef,
  status: Type.Union([Type.Literal('active'), Type.Literal('closed')]),
  applications: Type.Integer(),
  activeApplications: Type.Integer(),
  services: Type.Integer(),
  activeKeys: Type.Integer(),
  connectedSince: DateTime,
});
export type ConnectedUnitView = Static<typeof ConnectedUnitView>;
export const ConnectedUnitQuery = Type.Object(
  { offset: Offset, limit: Limit },
  { additionalProperties: false },
);
export const ConnectedUnitPage = Type.Object({ items: Type.Array(ConnectedUnitView), total: Type.Integer() });

export const DirectoryQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 100,
        description: 'Mã đơn vị (kể cả mã cũ), tên đơn vị, tên dịch vụ; không dấu được',
      }),
    ),
    dataType: Type.Optional(Type.String({ maxLength: 60, description: 'Loại dữ liệu, vd "hộ tịch"' })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);
export type DirectoryQueryInput = Static<typeof DirectoryQuery>;

export const DirectoryEntry = Type.Object({
  serviceId: Uuid,
  serviceCode: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  dataTypes: Type.Array(Type.String()),
  protocol: Protocol,
  allowedMethods: Type.Array(Type.String()),
  unit: UnitRef,
  providerApplicationCode: Type.String(),
  gatewayPath: Type.String(),
});
export type DirectoryEntry = Static<typeof DirectoryEntry>;
export const DirectoryView = Type.Object({
  items: Type.Array(DirectoryEntry),
  /** How an old code was resolved, e.g. "Mã cũ 000.00.31.H23 nay là 000.00.32.H23 (…)". */
  notes: Type.Array(Type.String()),
});
export type DirectoryView = Static<typeof DirectoryView>;

export const IdParams = Type.Object({ id: Uuid });
// Loose in the path: anything that is not an issued key answers LGSP_KEY_NOT_FOUND like an unknown one.
export const AccessKeyParams = Type.Object({
  accessKey: Type.String({ minLength: 1, maxLength: 64, description: 'Khóa truy xuất (access key)' }),
});
