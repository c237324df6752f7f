/**
 * @module core/http/console
 * Serves the web console (web/dist) at `/`: hashed assets with long-lived caching, and index.html for every
 * other GET outside /api so the console's own routes survive a reload. `tinhso serve` builds it when missing,
 * so a newcomer's `npm start` needs nothing else.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../log/logger.ts';
import type { App } from './types.ts';

/** Where the console's sources and its built files live in this checkout. */
export const WEB_ROOT = fileURLToPath(new URL('../../../web/', import.meta.url));
export const CONSOLE_DIST = join(WEB_ROOT, 'dist');

/** True when a built console is present in `dir`. */
export function consoleBuilt(dir: string = CONSOLE_DIST): boolean {
  return existsSync(join(dir, 'index.html'));
}

/**
 * Builds the console with Vite when it has not been built yet. Returns false (and says why in the log) when
 * it cannot be built, e.g. an install without dev dependencies: the API still runs.
 */
export async function ensureConsoleBuilt(log: Logger, dir: string = CONSOLE_DIST): Promise<boolean> {
  if (consoleBuilt(dir)) return true;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log.warn('web console not built and Vite is not installed: run `npm ci && npm run web:build`');
    return false;
  }
  process.stdout.write('  Đang dựng giao diện quản trị lần đầu (khoảng 30 giây)…\n');
  await vite.build({ configFile: join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  return consoleBuilt(dir);
}

/** Registers the static files of the console; `fallback` answers unknown non-API GETs with index.html. */
export async function registerConsole(
  app: App,
  dir: string,
): Promise<(request: FastifyRequest, reply: FastifyReply) => boolean> {
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    // Routes for the files present at start-up only: no filesystem lookup for every unknown URL.
    wildcard: false,
    index: false,
    // Vite puts a content hash in every asset's name, so assets never change under the same URL.
    cacheControl: false,
    setHeaders(reply: FastifyReply, path: string) {
      reply.header(
        'cache-control',
        path.includes(join('dist', 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  return (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if ((request.method !== 'GET' && request.method !== 'HEAD') || path.startsWith('/api')) return false;
    if (!String(request.headers.accept ?? '').includes('text/html')) return false;
    reply.header('cache-control', 'no-cache');
    void reply.sendFile('index.html');
    return true;
  };
}
