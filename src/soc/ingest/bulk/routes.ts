/**
 * @module soc/ingest/bulk/routes
 * The Elasticsearch-compatible endpoint at `/api/soc/ingest/es`: a shipper's `hosts` (or `path`) points
 * there and ships with its standard Elasticsearch output. The handshake calls answer like an 8.17 cluster
 * (see handshake.ts); `_bulk` takes `index`/`create` items, answers `update`/`delete` per item with an
 * error, and replies in Elasticsearch's bulk format only once the events are durable. Hidden from the
 * OpenAPI document: the protocol is Elasticsearch's, documented by Elastic.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../../core/http/types.ts';
import type { IngestSink, RawEvent, SiemCounters } from '../../contracts.ts';
import { readBody } from '../http/body.ts';
import type { ParseLimits } from '../http/parse.ts';
import { bodyStream } from '../http/scope.ts';
import { credentialOf } from '../tokens/guard.ts';
import {
  clusterHealth,
  clusterInfo,
  licenseInfo,
  nodesInfo,
  type SetupKind,
  setupResource,
  xpackInfo,
} from './handshake.ts';
import { pipelineHint, withIndexHint } from './hints.ts';
import { type BulkOp, parseBulk } from './parse.ts';

/** Input id (and kind) of the `_bulk` input. */
export const BULK_INPUT = 'bulk';

export interface BulkInputDeps {
  sink: IngestSink;
  counters: SiemCounters;
  limits: ParseLimits;
  maxBodyBytes: number;
  nodeName: string;
  now: () => number;
}

const config = { auth: 'public' as const, credentials: true };
const Name = Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }) });
const Index = Type.Object({ index: Type.String({ minLength: 1, maxLength: 255 }) });
const Filter = Type.Object({ filter: Type.String({ minLength: 1, maxLength: 255 }) });
const BulkQuery = Type.Object(
  {
    pipeline: Type.Optional(Type.String({ maxLength: 255 })),
    filter_path: Type.Optional(Type.String({ maxLength: 1000 })),
    timeout: Type.Optional(Type.String({ maxLength: 50 })),
    refresh: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: true },
);
const AnyQuery = Type.Object({}, { additionalProperties: true });

/** Setup resources and the paths shippers look them up at. */
const SETUP: [string, SetupKind][] = [
  ['/_index_template/:name', 'index_template'],
  ['/_component_template/:name', 'component_template'],
  ['/_template/:name', 'template'],
  ['/_ilm/policy/:name', 'ilm_policy'],
  ['/_ingest/pipeline/:name', 'ingest_pipeline'],
  ['/_data_stream/:name', 'data_stream'],
];

const UNSUPPORTED_REASON =
  'Tỉnh Số SIEM keeps events as received: update and delete are not supported (only index and create)';

/** Elasticsearch's 20-character document ids. */
function docId(): string {
  return randomBytes(15).toString('base64url');
}

/** The ES-compatible routes; register inside a pass-through scope guarded by the token check. */
export function bulkInputRoutes(deps: BulkInputDeps) {
  /** Reads and throws away an uploaded definition (templates, policies, pipelines). */
  async function drain(request: FastifyRequest): Promise<void> {
    await readBody(bodyStream(request), request.headers, deps.maxBodyBytes);
  }

  return async (app: App) => {
    const hide = { hide: true };
    app.get('/', { config, schema: { ...hide, querystring: AnyQuery } }, async () =>
      clusterInfo(deps.nodeName),
    );
    app.get('/_license', { config, schema: { ...hide, querystring: AnyQuery } }, async () => licenseInfo());
    app.get('/_xpack', { config, schema: { ...hide, querystring: AnyQuery } }, async () => xpackInfo());
    app.get('/_cluster/health', { config, schema: { ...hide, querystring: AnyQuery } }, async () =>
      clusterHealth(),
    );
    const nodes = async (request: { headers: { host?: string } }) =>
      nodesInfo(deps.nodeName, String(request.headers.host ?? '127.0.0.1:9200').slice(0, 255));
    app.get('/_nodes', { config, schema: { ...hide, querystring: AnyQuery } }, nodes);
    app.get('/_nodes/:filter', { config, schema: { ...hide, params: Filter, querystring: AnyQuery } }, nodes);
    const cat = async (request: FastifyRequest, reply: FastifyReply) => {
      if ((request.query as Record<string, unknown>).format === 'json') return [];
      reply.type('text/plain; charset=UTF-8');
      return '';
    };
    app.get('/_cat/templates', { config, schema: { ...hide, querystring: AnyQuery } }, cat);
    app.get(
      '/_cat/templates/:name',
      { config, schema: { ...hide, params: Name, querystring: AnyQuery } },
      cat,
    );

    for (const [path, kind] of SETUP) {
      app.get(path, { config, schema: { ...hide, params: Name, querystring: AnyQuery } }, async (request) =>
        setupResource(kind, request.params.name),
      );
      app.put(path, { config, schema: { ...hide, params: Name, querystring: AnyQuery } }, async (request) => {
        await drain(request);
        return { acknowledged: true };
      });
    }
    // Logstash checks for (and creates) a rollover index or alias by name; data streams need neither.
    const IndexName = '/:index([^_].*)';
    app.get(
      IndexName,
      { config, schema: { ...hide, params: Index, querystring: AnyQuery } },
      async (request) => ({
        [request.params.index]: { aliases: {}, mappings: {}, settings: {} },
      }),
    );
    app.put(
      IndexName,
      { config, schema: { ...hide, params: Index, querystring: AnyQuery } },
      async (request) => {
        await drain(request);
        return { acknowledged: true, shards_acknowledged: true, index: request.params.index };
      },
    );

    const bulk = async (request: FastifyRequest) => {
      const params = request.params as { index?: string };
      const query = request.query as { pipeline?: string };
      const started = deps.now();
      const body = await readBody(bodyStream(request), request.headers, deps.maxBodyBytes);
      const items = parseBulk(body.bytes, deps.limits, params.index);
      const receivedAt = deps.now();
      const unitId = credentialOf(request)?.unitId ?? null;
      const events: RawEvent[] = [];
      const results: Record<string, Record<string, unknown>>[] = [];
      for (const item of items) {
        const op: BulkOp = item.op;
        const _id = item.id ?? docId();
        if (op === 'update' || op === 'delete') {
          results.push({
            [op]: {
              _index: item.index ?? null,
              _id,
              status: 400,
              error: { type: 'illegal_argument_exception', reason: UNSUPPORTED_REASON },
            },
          });
          continue;
        }
        const pipeline = pipelineHint(item.pipeline, query.pipeline, item.index, item.doc);
        const event: RawEvent = item.doc
          ? {
              input: BULK_INPUT,
              kind: 'bulk',
              receivedAt,
              peer: request.ip,
              doc: withIndexHint(item.doc, item.index),
              unitId,
            }
          : {
              input: BULK_INPUT,
              kind: 'bulk',
              receivedAt,
              peer: request.ip,
              text: item.raw?.text ?? '',
              tags: item.raw?.tags ?? [],
              unitId,
            };
        if (pipeline) event.pipeline = pipeline;
        events.push(event);
        results.push({
          [op]: {
            _index: item.index ?? null,
            _id,
            _version: 1,
            result: 'created',
            _shards: { total: 1, successful: 1, failed: 0 },
            _seq_no: events.length - 1,
            _primary_term: 1,
            status: 201,
          },
        });
      }
      if (events.length > 0) await deps.sink.submit(events);
      deps.counters.received(BULK_INPUT, events.length, body.wireBytes);
      return {
        took: Math.max(0, deps.now() - started),
        errors: results.some((r) => Object.values(r)[0]?.status !== 201),
        items: results,
      };
    };
    const bulkOptions = { config, bodyLimit: deps.maxBodyBytes, schema: { ...hide, querystring: BulkQuery } };
    const indexedBulkOptions = { ...bulkOptions, schema: { ...bulkOptions.schema, params: Index } };
    app.post('/_bulk', bulkOptions, bulk);
    app.put('/_bulk', bulkOptions, bulk);
    app.post('/:index/_bulk', indexedBulkOptions, bulk);
    app.put('/:index/_bulk', indexedBulkOptions, bulk);
  };
}
