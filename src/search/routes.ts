/**
 * @module search/routes
 * HTTP of the global search; register with the prefix `/api`. Any logged-in user may search: each
 * provider shows only what the user's permissions and unit scope allow.
 */
import { Type } from 'typebox';
import type { App } from '../core/http/types.ts';
import { DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY_LENGTH, type SearchService } from './service.ts';

const tags = ['search'];

/** Query of the search. */
export const SearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: MAX_QUERY_LENGTH,
      description: 'Từ khóa: tên đơn vị hoặc người dùng (có dấu hoặc không dấu), mã định danh, tên đăng nhập',
      examples: ['dong da'],
    }),
    limit: Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT }),
  },
  { additionalProperties: false },
);

/** The results. */
export const SearchResult = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          kind: Type.Union([Type.Literal('unit'), Type.Literal('account')]),
          id: Type.String(),
          title: Type.String(),
          subtitle: Type.String(),
          link: Type.String({ description: 'Đường dẫn trang trong giao diện quản trị' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** The search route as a Fastify plugin. */
export function searchRoutes(search: SearchService) {
  return async (app: App) => {
    app.get(
      '/search',
      {
        schema: {
          tags,
          summary: 'Tìm kiếm chung: đơn vị, tài khoản (không dấu, theo mã, trong phạm vi được xem)',
          querystring: SearchQuery,
          response: { 200: SearchResult },
        },
      },
      async (request) => search.search(request.ctx, request.query),
    );
  };
}
