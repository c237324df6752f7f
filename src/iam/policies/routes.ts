/**
 * @module iam/policies/routes
 * The security policy API: password, failed logins, session timeout, admin networks.
 */
import { Type } from 'typebox';
import type { App } from '../../core/http/types.ts';
import { AdminNetworkPolicy, LockoutPolicy, PasswordPolicy, SessionPolicy } from './schema.ts';
import type { PolicyService } from './service.ts';

const tags = ['iam'];

/** Policy routes under /api/iam. */
export function policyRoutes(policies: PolicyService) {
  return async (app: App) => {
    app.get(
      '/policies',
      {
        config: { permission: 'iam.policy.write' },
        schema: {
          tags,
          summary: 'Các chính sách an toàn',
          response: {
            200: Type.Object({
              password: PasswordPolicy,
              lockout: LockoutPolicy,
              session: SessionPolicy,
              adminNetworks: AdminNetworkPolicy,
              callerIp: Type.Union([Type.String(), Type.Null()], {
                description:
                  'Địa chỉ của người gọi như máy chủ thấy (để danh sách mạng quản trị không khóa chính mình)',
              }),
            }),
          },
        },
      },
      async (request) => ({ ...(await policies.all()), callerIp: request.ctx.ip }),
    );
    app.put(
      '/policies/password',
      {
        config: { permission: 'iam.policy.write' },
        schema: {
          tags,
          summary: 'Chính sách mật khẩu',
          body: PasswordPolicy,
          response: { 200: PasswordPolicy },
        },
      },
      async (request) => policies.setPassword(request.ctx, request.body),
    );
    app.put(
      '/policies/lockout',
      {
        config: { permission: 'iam.policy.write' },
        schema: {
          tags,
          summary: 'Giới hạn đăng nhập sai',
          body: LockoutPolicy,
          response: { 200: LockoutPolicy },
        },
      },
      async (request) => policies.setLockout(request.ctx, request.body),
    );
    app.put(
      '/policies/session',
      {
        config: { permission: 'iam.policy.write' },
        schema: {
          tags,
          summary: 'Thời gian chờ phiên',
          body: SessionPolicy,
          response: { 200: SessionPolicy },
        },
      },
      async (request) => policies.setSession(request.ctx, request.body),
    );
    app.put(
      '/policies/admin-networks',
      {
        config: { permission: 'iam.policy.write' },
        schema: {
          tags,
          summary: 'Mạng được phép quản trị từ xa',
          body: AdminNetworkPolicy,
          response: { 200: AdminNetworkPolicy },
        },
      },
      async (request) => policies.setAdminNetworks(request.ctx, request.body),
    );
  };
}
