/**
 * @module iam/accounts/routes
 * The account management API (SEC-01, SEC-08, SEC-09).
 */
import { Type } from 'typebox';
import type { App } from '../../core/http/types.ts';
import type { createAccountExport } from './export.ts';
import {
  AccountQuery,
  AccountView,
  CreateAccountBody,
  GrantsBody,
  RolesBody,
  StatusBody,
  UpdateAccountBody,
} from './schema.ts';
import type { AccountService } from './service.ts';

const tags = ['iam'];
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const { offset: _offset, limit: _limit, ...filterProperties } = AccountQuery.properties;
const ExportQuery = Type.Object(
  {
    ...filterProperties,
    format: Type.Union([Type.Literal('xlsx'), Type.Literal('csv')], { default: 'xlsx' }),
  },
  { additionalProperties: false },
);

/** Account routes under /api/iam. */
export function accountRoutes(
  accounts: AccountService,
  exportAccounts: ReturnType<typeof createAccountExport>,
) {
  return async (app: App) => {
    app.get(
      '/accounts/export',
      {
        config: { permission: 'iam.account.read' },
        schema: {
          tags,
          summary: 'Xuất danh sách tài khoản ra XLSX hoặc CSV (cùng bộ lọc, cùng phạm vi như danh sách)',
          querystring: ExportQuery,
        },
      },
      async (request, reply) => {
        const { format, ...filters } = request.query;
        const file = await exportAccounts(request.ctx, filters, format);
        reply
          .header('content-type', file.contentType)
          .header('content-disposition', `attachment; filename="${file.filename}"`)
          .header('cache-control', 'no-store');
        return file.body;
      },
    );
    app.get(
      '/accounts',
      {
        config: { permission: 'iam.account.read' },
        schema: {
          tags,
          summary: 'Danh sách tài khoản',
          querystring: AccountQuery,
          response: { 200: Type.Object({ items: Type.Array(AccountView), total: Type.Integer() }) },
        },
      },
      async (request) => accounts.list(request.ctx, request.query),
    );
    app.get(
      '/accounts/:id',
      {
        config: { permission: 'iam.account.read' },
        schema: { tags, summary: 'Chi tiết tài khoản', params: IdParams, response: { 200: AccountView } },
      },
      async (request) => accounts.get(request.ctx, request.params.id),
    );
    app.post(
      '/accounts',
      {
        config: { permission: 'iam.account.write' },
        schema: {
          tags,
          summary: 'Tạo tài khoản (mật khẩu dùng một lần hiển thị một lần)',
          body: CreateAccountBody,
          response: { 201: Type.Object({ account: AccountView, oneTimePassword: Type.String() }) },
        },
      },
      async (request, reply) => {
        reply.status(201);
        return accounts.create(request.ctx, request.body);
      },
    );
    app.patch(
      '/accounts/:id',
      {
        config: { permission: 'iam.account.write' },
        schema: {
          tags,
          summary: 'Sửa tài khoản',
          params: IdParams,
          body: UpdateAccountBody,
          response: { 200: AccountView },
        },
      },
      async (request) => accounts.update(request.ctx, request.params.id, request.body),
    );
    app.post(
      '/accounts/:id/status',
      {
        config: { permission: 'iam.account.write' },
        schema: {
          tags,
          summary: 'Khóa, mở khóa, vô hiệu hóa',
          params: IdParams,
          body: StatusBody,
          response: { 200: AccountView },
        },
      },
      async (request) =>
        accounts.setStatus(
          request.ctx,
          request.params.id,
          request.body.action as 'lock',
          request.body.reason,
        ),
    );
    app.post(
      '/accounts/:id/reset-password',
      {
        config: { permission: 'iam.account.write' },
        schema: {
          tags,
          summary: 'Đặt lại mật khẩu',
          params: IdParams,
          response: { 200: Type.Object({ oneTimePassword: Type.String() }) },
        },
      },
      async (request) => accounts.resetPassword(request.ctx, request.params.id),
    );
    app.put(
      '/accounts/:id/roles',
      {
        config: { permission: 'iam.role.write' },
        schema: {
          tags,
          summary: 'Phân vai trò',
          params: IdParams,
          body: RolesBody,
          response: { 200: AccountView },
        },
      },
      async (request) => accounts.setRoles(request.ctx, request.params.id, request.body.roles),
    );
    app.put(
      '/accounts/:id/grants',
      {
        config: { permission: 'iam.role.write' },
        schema: {
          tags,
          summary: 'Phân quyền riêng',
          params: IdParams,
          body: GrantsBody,
          response: { 200: AccountView },
        },
      },
      async (request) => accounts.setGrants(request.ctx, request.params.id, request.body.grants),
    );
  };
}
