/**
 * @module soc/ingest/http/routes
 * `POST /api/soc/ingest/events`: one JSON object, a JSON array, or NDJSON, optionally gzip-compressed,
 * authenticated with an ingest token. Answers 202 `{ accepted }` once the events are durable; NDJSON lines
 * that were not JSON are taken as raw text (tag `_json_invalid`) and listed in `invalidLines`.
 */
import { Type } from 'typebox';
import type { App } from '../../../core/http/types.ts';
import type { IngestSink, RawEvent, SiemCounters } from '../../contracts.ts';
import { credentialOf } from '../tokens/guard.ts';
import { readBody } from './body.ts';
import { type ParseLimits, parseEventsBody } from './parse.ts';
import { bodyStream } from './scope.ts';

/** Input id (and kind) of the HTTP JSON input. */
export const HTTP_INPUT = 'http';

export interface HttpInputDeps {
  sink: IngestSink;
  counters: SiemCounters;
  limits: ParseLimits;
  maxBodyBytes: number;
  now: () => number;
}

const Accepted = Type.Object({
  accepted: Type.Integer({ description: 'Events taken (durable when this answer is sent)' }),
  invalidLines: Type.Array(Type.Integer(), {
    description: 'NDJSON lines that were not JSON: taken as raw text tagged _json_invalid',
  }),
});

/** The HTTP JSON input's route; register inside a pass-through scope guarded by the token check. */
export function httpInputRoutes(deps: HttpInputDeps) {
  return async (app: App) => {
    app.post(
      '/ingest/events',
      {
        config: { auth: 'public', credentials: true },
        bodyLimit: deps.maxBodyBytes,
        schema: {
          tags: ['soc-ingest'],
          summary:
            'Nạp sự kiện JSON (một đối tượng, một mảng, hoặc NDJSON; nén gzip được), xác thực bằng mã nạp dữ liệu',
          description:
            'Authorization: Bearer tsi.<id>.<secret>, ApiKey base64(id:secret) or Basic (id, secret). ' +
            'Content-Type application/json or application/x-ndjson; Content-Encoding gzip or deflate accepted.',
          security: [{ bearer: [] }],
          response: { 202: Accepted },
        },
      },
      async (request, reply) => {
        const body = await readBody(bodyStream(request), request.headers, deps.maxBodyBytes);
        const items = parseEventsBody(body.bytes, String(request.headers['content-type'] ?? ''), deps.limits);
        const receivedAt = deps.now();
        const unitId = credentialOf(request)?.unitId ?? null;
        const invalidLines: number[] = [];
        const events: RawEvent[] = items.map((item) => {
          if ('doc' in item)
            return { input: HTTP_INPUT, kind: 'http', receivedAt, peer: request.ip, doc: item.doc, unitId };
          invalidLines.push(item.line);
          return {
            input: HTTP_INPUT,
            kind: 'http',
            receivedAt,
            peer: request.ip,
            text: item.text,
            tags: item.tags,
            unitId,
          };
        });
        if (events.length > 0) await deps.sink.submit(events);
        deps.counters.received(HTTP_INPUT, events.length, body.wireBytes);
        reply.status(202);
        return { accepted: events.length, invalidLines };
      },
    );
  };
}
