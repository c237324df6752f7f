/**
 * @module console/routes
 * GET /api/console/setup (first-run checklist), PUT /api/console/province (name the province),
 * GET /api/console/summary (home page figures and activity chart).
 */
import { Type } from 'typebox';
import type { App } from '../core/http/types.ts';
import type { ConsoleService } from './setup.ts';

const tags = ['console'];

const Step = Type.Object({
  key: Type.Union([
    Type.Literal('province'),
    Type.Literal('org'),
    Type.Literal('policies'),
    Type.Literal('accounts'),
    Type.Literal('backup'),
  ]),
  done: Type.Boolean(),
  link: Type.String(),
});

/** The home page's routes. */
export function consoleRoutes(service: ConsoleService) {
  return async (app: App) => {
    app.get(
      '/setup',
      {
        config: { permission: 'system.settings.write' },
        schema: {
          tags,
          summary: 'Danh sách việc cần làm khi bắt đầu',
          response: {
            200: Type.Object({ provinceName: Type.String(), steps: Type.Array(Step), done: Type.Integer() }),
          },
        },
      },
      async () => service.setup(),
    );
    app.put(
      '/province',
      {
        config: { permission: 'system.settings.write' },
        schema: {
          tags,
          summary: 'Đặt tên tỉnh',
          body: Type.Object(
            { name: Type.String({ minLength: 2, maxLength: 200 }) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ name: Type.String() }) },
        },
      },
      async (request) => service.nameProvince(request.ctx, request.body.name),
    );
    app.get(
      '/summary',
      {
        config: { permission: 'org.read' },
        schema: {
          tags,
          summary: 'Số liệu trang chủ',
          response: {
            200: Type.Object({
              units: Type.Integer(),
              accounts: Type.Union([Type.Integer(), Type.Null()]),
              activity: Type.Union([
                Type.Array(Type.Object({ day: Type.String(), category: Type.String(), n: Type.Integer() })),
                Type.Null(),
              ]),
            }),
          },
        },
      },
      async (request) => service.summary(request.ctx),
    );
  };
}
