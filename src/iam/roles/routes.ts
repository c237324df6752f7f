/**
 * @module iam/roles/routes
 * Roles and the permission catalogue (SEC-08).
 */
import { Type } from 'typebox';
import type { App } from '../../core/http/types.ts';
import type { RoleService } from './service.ts';

const tags = ['iam'];
const RoleView = Type.Object({
  id: Type.String(),
  nameVi: Type.String(),
  nameEn: Type.String(),
  builtin: Type.Boolean(),
  permissions: Type.Array(Type.String()),
});
const RoleId = Type.String({ pattern: '^[a-z][a-z0-9_]{1,40}$' });

/** Role routes under /api/iam. */
export function roleRoutes(roles: RoleService) {
  return async (app: App) => {
    app.get(
      '/permissions',
      {
        config: { permission: 'iam.account.read' },
        schema: {
          tags,
          summary: 'Danh mục quyền',
          response: {
            200: Type.Array(
              Type.Object({ id: Type.String(), vi: Type.String(), en: Type.String(), admin: Type.Boolean() }),
            ),
          },
        },
      },
      async () => roles.catalogue(),
    );
    app.get(
      '/roles',
      {
        config: { permission: 'iam.account.read' },
        schema: { tags, summary: 'Danh sách vai trò', response: { 200: Type.Array(RoleView) } },
      },
      async () => (await roles.list()).map(({ updatedAt: _u, ...r }) => r),
    );
    app.put(
      '/roles/:id',
      {
        config: { permission: 'iam.role.write' },
        schema: {
          tags,
          summary: 'Tạo hoặc sửa vai trò tùy chỉnh',
          params: Type.Object({ id: RoleId }),
          body: Type.Object(
            {
              nameVi: Type.String({ minLength: 1, maxLength: 100 }),
              nameEn: Type.String({ minLength: 1, maxLength: 100 }),
              permissions: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 200, uniqueItems: true }),
            },
            { additionalProperties: false },
          ),
          response: { 200: RoleView },
        },
      },
      async (request) => {
        const { updatedAt: _u, ...role } = await roles.save(request.ctx, {
          id: request.params.id,
          ...request.body,
        });
        return role;
      },
    );
    app.delete(
      '/roles/:id',
      {
        config: { permission: 'iam.role.write' },
        schema: {
          tags,
          summary: 'Xóa vai trò tùy chỉnh',
          params: Type.Object({ id: RoleId }),
          response: { 200: Type.Object({ ok: Type.Boolean() }) },
        },
      },
      async (request) => {
        await roles.remove(request.ctx, request.params.id);
        return { ok: true };
      },
    );
  };
}
