/**
 * @module iam/policies/schema
 * Security policies an administrator sets at run time (SEC-03, SEC-04, SEC-06, SEC-07), with defaults
 * that meet the level-3 checklist out of the box.
 */
import { type Static, Type } from 'typebox';
import { defineSetting } from '../../core/settings/index.ts';

export const PasswordPolicy = Type.Object(
  {
    minLength: Type.Integer({ minimum: 8, maximum: 128, default: 12, description: 'Độ dài tối thiểu' }),
    requireLower: Type.Boolean({ default: true }),
    requireUpper: Type.Boolean({ default: true }),
    requireDigit: Type.Boolean({ default: true }),
    requireSymbol: Type.Boolean({ default: true }),
    historyCount: Type.Integer({
      minimum: 0,
      maximum: 24,
      default: 5,
      description: 'Không dùng lại N mật khẩu gần nhất',
    }),
    changeAfterDays: Type.Integer({
      minimum: 0,
      maximum: 3650,
      default: 90,
      description: 'Sau N ngày phải đổi mật khẩu khi đăng nhập (0 = không yêu cầu)',
    }),
    validityDays: Type.Integer({
      minimum: 0,
      maximum: 3650,
      default: 180,
      description:
        'Sau N ngày mật khẩu hết hiệu lực, tài khoản bị khóa tới khi đổi mật khẩu (0 = không hết hạn)',
    }),
  },
  { additionalProperties: false },
);
export type PasswordPolicy = Static<typeof PasswordPolicy>;

export const LockoutPolicy = Type.Object(
  {
    maxFailures: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 5,
      description: 'Số lần đăng nhập sai tối đa',
    }),
    windowMinutes: Type.Integer({
      minimum: 1,
      maximum: 1440,
      default: 15,
      description: 'Trong khoảng thời gian (phút)',
    }),
  },
  { additionalProperties: false },
);
export type LockoutPolicy = Static<typeof LockoutPolicy>;

export const SessionPolicy = Type.Object(
  {
    idleTimeoutMinutes: Type.Integer({
      minimum: 1,
      maximum: 1440,
      default: 15,
      description: 'Thời gian chờ tối đa',
    }),
    absoluteHours: Type.Integer({
      minimum: 1,
      maximum: 720,
      default: 12,
      description: 'Thời gian tối đa của một phiên',
    }),
  },
  { additionalProperties: false },
);
export type SessionPolicy = Static<typeof SessionPolicy>;

export const AdminNetworkPolicy = Type.Object(
  {
    cidrs: Type.Array(Type.String({ maxLength: 64 }), {
      maxItems: 500,
      default: ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
      description: 'Mạng được phép quản trị từ xa',
    }),
  },
  { additionalProperties: false },
);
export type AdminNetworkPolicy = Static<typeof AdminNetworkPolicy>;

export const passwordPolicySetting = defineSetting(
  'iam.passwordPolicy',
  PasswordPolicy,
  'Chính sách mật khẩu',
);
export const lockoutPolicySetting = defineSetting(
  'iam.lockoutPolicy',
  LockoutPolicy,
  'Chính sách đăng nhập sai',
);
export const sessionPolicySetting = defineSetting('iam.sessionPolicy', SessionPolicy, 'Thời gian chờ phiên');
export const adminNetworkSetting = defineSetting(
  'iam.adminNetworks',
  AdminNetworkPolicy,
  'Giới hạn địa chỉ mạng quản trị',
);
