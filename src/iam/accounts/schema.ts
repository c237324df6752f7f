/**
 * @module iam/accounts/schema
 * Request and response schemas of the account API; the types of the service come from them.
 */
import { type Static, Type } from 'typebox';

export const Username = Type.String({
  minLength: 3,
  maxLength: 64,
  pattern: '^[a-zA-Z0-9][a-zA-Z0-9._-]*$',
  description: 'Tên đăng nhập: chữ không dấu, số, . _ -',
});
const Uuid = Type.String({ format: 'uuid' });
/**
 * A person's name: some visible text, without control characters (line breaks would forge lines in
 * audit entries and exports) or unpaired surrogates (not text at all: the audit log cannot store them).
 */
const FullName = Type.String({
  minLength: 1,
  maxLength: 200,
  // No controls, invisible format characters (bidi overrides, zero-width) or lone surrogates.
  pattern: '^(?!\\s*$)[^\\p{Cc}\\p{Cf}\\p{Cs}]+$',
  description: 'Họ và tên',
});
const Scope = Type.Union([Type.Literal('own'), Type.Literal('subtree'), Type.Literal('all')], {
  description: 'Phạm vi dữ liệu: đơn vị mình / đơn vị mình và trực thuộc / tất cả',
});
const RoleId = Type.String({ pattern: '^[a-z][a-z0-9_]{1,40}$' });
export const Grant = Type.Object(
  {
    permission: Type.String({ maxLength: 100 }),
    effect: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
  },
  { additionalProperties: false },
);

export const CreateAccountBody = Type.Object(
  {
    username: Username,
    fullName: FullName,
    email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
    unitId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    scope: Type.Optional(Scope),
    roles: Type.Optional(Type.Array(RoleId, { maxItems: 20, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type CreateAccountInput = Static<typeof CreateAccountBody>;

export const UpdateAccountBody = Type.Object(
  {
    fullName: Type.Optional(FullName),
    email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 200 }), Type.Null()])),
    unitId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    scope: Type.Optional(Scope),
    lang: Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAccountInput = Static<typeof UpdateAccountBody>;

export const AccountQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    unitId: Type.Optional(Uuid),
    status: Type.Optional(
      Type.Union([
        Type.Literal('active'),
        Type.Literal('locked'),
        Type.Literal('disabled'),
        Type.Literal('expired'),
      ]),
    ),
    role: Type.Optional(RoleId),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    // Literals spelled out (not mapped from an array) so the static type keeps them for callers.
    sort: Type.Union(
      [
        Type.Literal('username'),
        Type.Literal('fullName'),
        Type.Literal('createdAt'),
        Type.Literal('lastLoginAt'),
      ],
      { default: 'username' },
    ),
    order: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' }),
  },
  { additionalProperties: false },
);
export type AccountQueryInput = Static<typeof AccountQuery>;

export const AccountView = Type.Object({
  id: Uuid,
  username: Type.String(),
  fullName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  unitId: Type.Union([Uuid, Type.Null()]),
  scope: Scope,
  status: Type.String(),
  statusReason: Type.Union([Type.String(), Type.Null()]),
  mustChangePassword: Type.Boolean(),
  totpEnabled: Type.Boolean(),
  lang: Type.String(),
  roles: Type.Array(Type.String()),
  grants: Type.Array(Grant),
  passwordChangedAt: Type.String({ format: 'date-time' }),
  createdAt: Type.String({ format: 'date-time' }),
  lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type AccountView = Static<typeof AccountView>;

export const StatusBody = Type.Object(
  {
    action: Type.Union(['lock', 'unlock', 'disable', 'enable'].map((s) => Type.Literal(s))),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export const RolesBody = Type.Object(
  { roles: Type.Array(RoleId, { maxItems: 20, uniqueItems: true }) },
  { additionalProperties: false },
);
export const GrantsBody = Type.Object(
  { grants: Type.Array(Grant, { maxItems: 200 }) },
  { additionalProperties: false },
);
