/**
 * @module lgsp/gateway/headers
 * Which headers cross the gateway (X-Road pr-rest §4: hop-by-hop and origin-revealing headers are filtered):
 * hop-by-hop headers of RFC 9110 §7.6.1 and those a `Connection` header names, the caller's LGSP
 * credentials (the destination checks a call through introspection, never with the source's secret
 * material), and the forwarding headers that would reveal the caller's network.
 */
import type { IncomingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

// Set by the gateway itself or revealing the caller's network to the destination.
const NEVER_FORWARDED = new Set([
  'host',
  'content-length',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'via',
  'expect',
]);

/** Names listed in a Connection header (they are hop-by-hop too). */
function connectionListed(headers: IncomingHttpHeaders): Set<string> {
  const value = headers.connection;
  if (!value) return new Set();
  return new Set(
    String(value)
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/**
 * Headers of the caller's request as the destination receives them: hop-by-hop, credentials and
 * origin-revealing headers removed. Content-Length is set by the caller of this function when known.
 */
export function requestHeadersForDestination(
  headers: IncomingHttpHeaders,
): Record<string, string | string[]> {
  const listed = connectionListed(headers);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name) || NEVER_FORWARDED.has(name) || listed.has(name)) continue;
    if (name.startsWith('x-lgsp-')) continue;
    out[name] = value;
  }
  return out;
}

/** Headers of the destination's answer passed back to the caller: hop-by-hop headers removed. */
export function responseHeadersForCaller(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const value = headers.connection;
  const listed = new Set(
    (Array.isArray(value) ? value.join(',') : (value ?? ''))
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: Record<string, string | string[]> = {};
  for (const [name, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed.has(lower) || lower === 'content-length') continue;
    out[lower] = v;
  }
  return out;
}
