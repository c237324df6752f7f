/**
 * @module soc/ingest/http/scope
 * What the ingest routes' Fastify scope needs: no parser reads the body before the token is checked and
 * the route streams it itself (under its own limit, decompressing), so every media type is passed through.
 */
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../../core/http/types.ts';

const payloads = new WeakMap<FastifyRequest, Readable>();

/** Makes `scope` hand every body to its routes unread (see `bodyStream`). */
export function passBodiesThrough(scope: App): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (request, payload, done) => {
    payloads.set(request, payload);
    done(null, undefined);
  });
}

/** The unread body of a request in a pass-through scope (the raw request when it had no body parser). */
export function bodyStream(request: FastifyRequest): Readable {
  return payloads.get(request) ?? request.raw;
}
