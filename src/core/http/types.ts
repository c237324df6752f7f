/**
 * @module core/http/types
 * The Fastify instance type every module's routes are written against, and route-level options.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Ctx } from '../context.ts';

/** Fastify with TypeBox type inference, as every module sees it. */
export type App = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Who may call a route. Routes under /api default to `user` (deny by default). */
export type RouteAuth = 'public' | 'user';

declare module 'fastify' {
  interface FastifyRequest {
    /** Actor, IP, request id and language of this request (anonymous until authenticated). */
    ctx: Ctx;
  }
  interface FastifyContextConfig {
    /** `public` routes need no session; everything else needs one. */
    auth?: RouteAuth;
    /** Permission the actor must hold (checked on the server before the handler). */
    permission?: string;
    /** The route administers the platform: the admin network allow-list applies (SEC-07). */
    admin?: boolean;
    /** The route receives credentials: refused over plain HTTP except from loopback (SEC-05). */
    credentials?: boolean;
    /** Do not write an access-log entry (health probes, metrics). */
    noAccessLog?: boolean;
  }
}
