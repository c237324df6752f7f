/**
 * @module soc/store/routes
 * `GET /api/soc/store/report`: the event store's size and volume report (SOC-16), scoped by the reader's units.
 */
import { Type } from 'typebox';
import type { Database } from '../../core/db/index.ts';
import { AppError } from '../../core/errors/index.ts';
import { Nullable } from '../../core/http/schema.ts';
import type { App } from '../../core/http/types.ts';
import type { OrgService } from '../../org/index.ts';
import { storeReport } from './report.ts';

const tags = ['soc'];
const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 400;
const DEFAULT_RANGE_DAYS = 30;

const Report = Type.Object({
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  partitions: Type.Union([
    Type.Array(
      Type.Object({
        day: Type.String({ format: 'date' }),
        name: Type.String(),
        rows: Type.Number(),
        rowsEstimated: Type.Boolean(),
        bytes: Type.Number(),
      }),
    ),
    Type.Null(),
  ]),
  days: Type.Array(
    Type.Object({ day: Type.String({ format: 'date' }), events: Type.Number(), bytes: Type.Number() }),
  ),
  sources: Type.Array(
    Type.Object({
      sourceId: Nullable(Type.String()),
      unitId: Nullable(Type.String()),
      dataset: Nullable(Type.String()),
      events: Type.Number(),
      bytes: Type.Number(),
    }),
  ),
  totals: Type.Object({
    events: Type.Number(),
    bytes: Type.Number(),
    storedBytes: Type.Union([Type.Number(), Type.Null()]),
    partitions: Type.Union([Type.Integer(), Type.Null()]),
  }),
});

/** The store's routes, mounted under `/api/soc`. */
export function storeRoutes(deps: { database: Database; org: OrgService; now: () => Date }) {
  return async (app: App) => {
    app.get(
      '/store/report',
      {
        config: { permission: 'soc.sources.read' },
        schema: {
          tags,
          summary: 'Dung lượng và khối lượng sự kiện của kho sự kiện SIEM (theo ngày UTC)',
          description:
            'Partition figures (rows, bytes on disk) only for readers who see all units; events and bytes written per day and per source/dataset within the reader’s units.',
          querystring: Type.Object(
            {
              from: Type.Optional(
                Type.String({
                  format: 'date',
                  description: 'First UTC day (YYYY-MM-DD); default 30 days ago',
                }),
              ),
              to: Type.Optional(
                Type.String({ format: 'date', description: 'Last UTC day, included; default today' }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 200: Report },
        },
      },
      async (request) => {
        const today = Math.floor(deps.now().getTime() / DAY_MS);
        const to = request.query.to ?? new Date(today * DAY_MS).toISOString().slice(0, 10);
        const from =
          request.query.from ??
          new Date((today - DEFAULT_RANGE_DAYS + 1) * DAY_MS).toISOString().slice(0, 10);
        const span = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
        if (!(span >= 1 && span <= MAX_RANGE_DAYS)) {
          throw new AppError('VALIDATION_FAILED', {
            summary: `querystring.to: the range must run forward and cover at most ${MAX_RANGE_DAYS} days`,
            errors: [{ field: 'querystring.to', message: `from ≤ to, at most ${MAX_RANGE_DAYS} days` }],
          });
        }
        const units = await deps.org.visibleUnitIds(request.ctx);
        return storeReport(deps.database, { from, to }, units === 'all' ? undefined : units);
      },
    );
  };
}
