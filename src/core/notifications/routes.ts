/**
 * @module core/notifications/routes
 * HTTP of the console's bell: the list, marking read, and a Server-Sent Events stream of new
 * notifications. Register with the prefix `/api/notifications`. No route names a permission: anyone
 * signed in reads their own notifications and only theirs (the access gate still authenticates every
 * call, and the service answers NOT_FOUND for another account's notification).
 */
import { PassThrough } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { AppError } from '../errors/index.ts';
import { Nullable } from '../http/schema.ts';
import type { App } from '../http/types.ts';
import type { Notification, NotificationService } from './service.ts';

/** What the notification routes need. */
export interface NotificationRouteOptions {
  notifications: NotificationService;
  /**
   * Re-checks a stream's credentials at each heartbeat without counting as activity; false ends the
   * stream (logout, lock, expiry). IAM provides it; omitted, a stream lasts until the client leaves.
   */
  stillAuthorised?: (request: FastifyRequest) => Promise<boolean>;
  /** Period of the heartbeat comment (default 25 s: below the 30–60 s idle cut of common proxies). */
  heartbeatMs?: number;
  /**
   * Streams one account may hold open on this node (default 5). One more closes the account's OLDEST
   * stream with `event: end` (reason `superseded`) rather than refusing the new one: a person with many
   * tabs is looking at the tab just opened, and a refused EventSource never retries, so refusing would
   * leave the tab in front of them without a bell while a forgotten one keeps its stream. The closed tab
   * keeps its list (refreshed every few minutes) and does not reconnect, so two tabs never evict each
   * other in turn.
   */
  maxStreamsPerAccount?: number;
}

/** Default of NotificationRouteOptions.maxStreamsPerAccount. */
export const MAX_STREAMS_PER_ACCOUNT = 5;

const DateTime = Type.String({ format: 'date-time' });

/** A notification as the console receives it (list items and stream events alike). */
export const NotificationView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: Type.String({ description: 'Stable name of the event, e.g. backup.completed' }),
    severity: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('error')]),
    titleVi: Type.String(),
    titleEn: Type.String(),
    bodyVi: Type.String(),
    bodyEn: Type.String(),
    link: Nullable(Type.String({ description: 'A path of the console, e.g. /system/backups' })),
    createdAt: DateTime,
    readAt: Nullable(DateTime),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(
      Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: 'nextCursor of the previous page' }),
    ),
    unread: Type.Boolean({ default: false, description: 'Only unread notifications' }),
  },
  { additionalProperties: false },
);

const ListView = Type.Object(
  {
    items: Type.Array(NotificationView),
    unreadCount: Type.Integer(),
    nextCursor: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

const ReadView = Type.Object(
  { notification: NotificationView, unreadCount: Type.Integer() },
  { additionalProperties: false },
);

const ReadAllView = Type.Object(
  { updated: Type.Integer(), unreadCount: Type.Integer() },
  { additionalProperties: false },
);

/** The API form of a notification. */
export function presentNotification(n: Notification): Static<typeof NotificationView> {
  return {
    id: n.id,
    kind: n.kind,
    severity: n.severity,
    titleVi: n.titleVi,
    titleEn: n.titleEn,
    bodyVi: n.bodyVi,
    bodyEn: n.bodyEn,
    link: n.link,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt?.toISOString() ?? null,
  };
}

/** One Server-Sent Event; the seq is its id, so a reconnecting browser resumes after it (Last-Event-ID). */
function sseEvent(n: Notification): string {
  return `id: ${n.seq}\nevent: notification\ndata: ${JSON.stringify(presentNotification(n))}\n\n`;
}

const LAST_EVENT_ID = /^[0-9]{1,15}$/;
/** How long a browser waits before reconnecting a dropped stream. */
const RETRY_MS = 5000;

/** Routes of the notifications of the signed-in account. */
export function notificationRoutes(options: NotificationRouteOptions): (app: App) => Promise<void> {
  const { notifications, stillAuthorised } = options;
  const heartbeatMs = options.heartbeatMs ?? 25_000;
  const maxPerAccount = Math.max(1, options.maxStreamsPerAccount ?? MAX_STREAMS_PER_ACCOUNT);
  return async (app) => {
    /** Each account's open streams on this node, oldest first: the function that supersedes each. */
    const byAccount = new Map<string, (() => void)[]>();
    /**
     * Ends every open stream and waits until their connections are gone: the server cannot finish closing
     * while a response is still streaming.
     */
    const open = new Set<() => Promise<void>>();
    app.addHook('preClose', async () => {
      await Promise.all([...open].map((end) => end()));
    });

    // '' rather than '/': the list is /api/notifications itself, not /api/notifications/.
    app.get(
      '',
      {
        schema: {
          tags: ['notifications'],
          summary: 'My notifications, newest first, with the unread count (keyset paging by cursor)',
          querystring: ListQuery,
          response: { 200: ListView },
        },
      },
      async (request) => {
        const page = await notifications.list(request.ctx, {
          limit: request.query.limit,
          cursor: request.query.cursor,
          unreadOnly: request.query.unread,
        });
        return { ...page, items: page.items.map(presentNotification) };
      },
    );

    app.post(
      '/:id/read',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Mark one of my notifications read (404 for anyone else’s)',
          params: IdParams,
          response: { 200: ReadView },
        },
      },
      async (request) => {
        const { notification, unreadCount } = await notifications.markRead(request.ctx, request.params.id);
        return { notification: presentNotification(notification), unreadCount };
      },
    );

    app.post(
      '/read-all',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Mark all my notifications read',
          response: { 200: ReadAllView },
        },
      },
      async (request) => notifications.markAllRead(request.ctx),
    );

    app.get(
      '/stream',
      {
        // An endless text/event-stream is not an operation a generated client can call (the console uses
        // EventSource), so it stays out of the OpenAPI document; its tests are in notifications.test.ts.
        schema: { hide: true },
      },
      async (request, reply) => {
        const actor = request.ctx.actor;
        if (!(actor.kind === 'user' || actor.kind === 'token') || !actor.id) throw new AppError('NOT_FOUND');
        const accountId = actor.id;
        const header = request.headers['last-event-id'];
        const resumeAfter =
          typeof header === 'string' && LAST_EVENT_ID.test(header) ? Number(header) : undefined;

        const stream = new PassThrough();
        let ended = false;
        const write = (chunk: string) => {
          if (!ended) stream.write(chunk);
        };
        write(`retry: ${RETRY_MS}\n: connected\n\n`);
        const unwatch = notifications.watch(accountId, (n) => write(sseEvent(n)), resumeAfter);
        const gone = new Promise<void>((resolve) => reply.raw.once('close', resolve));
        const supersede = () => {
          write('event: end\ndata: {"reason":"superseded"}\n\n');
          void end();
        };
        const end = () => {
          if (!ended) {
            ended = true;
            clearInterval(heartbeat);
            unwatch();
            open.delete(end);
            const mine = byAccount.get(accountId);
            if (mine) {
              const at = mine.indexOf(supersede);
              if (at >= 0) mine.splice(at, 1);
              if (mine.length === 0) byAccount.delete(accountId);
            }
            stream.end();
          }
          // Bounded: a client that never acknowledges must not hold a shutdown up.
          return Promise.race([gone, new Promise<void>((r) => setTimeout(r, 2000).unref())]);
        };
        const heartbeat = setInterval(() => {
          write(': heartbeat\n\n');
          stillAuthorised?.(request).then(
            (ok) => {
              if (ok) return;
              // Said before closing, so the console knows not to expect the browser's reconnection to work.
              write('event: end\ndata: {"reason":"unauthenticated"}\n\n');
              void end();
            },
            (err: unknown) => request.log.warn({ err }, 'notification stream: credentials not re-checked'),
          );
        }, heartbeatMs);
        heartbeat.unref();
        open.add(end);
        const mine = byAccount.get(accountId) ?? [];
        byAccount.set(accountId, mine);
        mine.push(supersede);
        // Over the limit: the oldest streams give way (each call removes itself from the list).
        while (mine.length > maxPerAccount) mine[0]!();
        // The client went away (tab closed, network lost): stop watching at once.
        reply.raw.once('close', () => void end());

        reply
          .header('content-type', 'text/event-stream; charset=utf-8')
          .header('cache-control', 'no-cache, no-transform')
          // Once a stream ends its connection is not reused: the browser reconnects on a new one anyway,
          // and a connection left idle would hold a closing server up until its keep-alive timeout.
          .header('connection', 'close')
          // Tells nginx not to buffer the stream.
          .header('x-accel-buffering', 'no');
        return reply.send(stream);
      },
    );
  };
}
