/**
 * @module lgsp/availability/probe
 * One active probe of a destination: GET its health path (or HEAD its base URL) with a short timeout.
 * A probe is ok when the destination connects and answers below 500 in time: a 401/403/404 still proves
 * the system is up and reachable, which is all online/offline means here.
 */
import { Agent, request } from 'undici';
import type { DestinationService } from '../contracts.ts';

/** Longest a probe waits for an answer, whatever the service's own timeout (X-Road's health check: 5 s). */
export const PROBE_TIMEOUT_CAP_MS = 5000;

/** What one probe found. */
export interface ProbeResult {
  readonly serviceId: string;
  readonly ok: boolean;
  /** HTTP status when the destination answered. */
  readonly status: number | null;
  readonly durationMs: number;
  /** Why the probe failed (network error code, timeout, HTTP status); null when ok. */
  readonly error: string | null;
}

/** The URL and method probed for a destination. */
export function probeTarget(d: DestinationService): { url: string; method: 'GET' | 'HEAD' } {
  if (!d.healthPath) return { url: d.baseUrl, method: 'HEAD' };
  if (/^https?:\/\//i.test(d.healthPath)) return { url: d.healthPath, method: 'GET' };
  const base = d.baseUrl.replace(/\/+$/, '');
  const path = d.healthPath.replace(/^\/+/, '');
  return { url: `${base}/${path}`, method: 'GET' };
}

/** The timeout of one probe: the service's own timeout, at most PROBE_TIMEOUT_CAP_MS. */
export function probeTimeoutMs(d: DestinationService): number {
  const own = Number.isFinite(d.timeoutMs) && d.timeoutMs > 0 ? d.timeoutMs : PROBE_TIMEOUT_CAP_MS;
  return Math.max(1, Math.min(own, PROBE_TIMEOUT_CAP_MS));
}

/**
 * A connection pool for probes only, apart from the gateway's, so probes never queue behind (or
 * hold connections from) forwarded calls. Short keep-alive: probes come every few tens of seconds.
 */
export function createProbeAgent(): Agent {
  return new Agent({
    connect: { timeout: PROBE_TIMEOUT_CAP_MS },
    keepAliveTimeout: 4000,
    connections: 4,
  });
}

/** Probes one destination; never throws. `signal` aborts it early (the scheduler stopping). */
export async function probeDestination(
  d: DestinationService,
  agent: Agent,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const timeoutMs = probeTimeoutMs(d);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timeout = AbortSignal.timeout(timeoutMs);
  const abort = signal ? AbortSignal.any([timeout, signal]) : timeout;
  const { url, method } = probeTarget(d);
  const once = async (m: 'GET' | 'HEAD') => {
    const res = await request(url, {
      method: m,
      dispatcher: agent,
      signal: abort,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      headers: { 'user-agent': 'tinhso-lgsp-probe/1', accept: '*/*' },
    });
    // The body is not needed; dropping it returns the connection to the pool.
    await res.body.dump().catch(() => {});
    return res.statusCode;
  };
  try {
    let status = await once(method);
    // Some servers refuse HEAD; ask again with GET before calling them down.
    if (method === 'HEAD' && (status === 405 || status === 501)) status = await once('GET');
    const ok = status < 500;
    return { serviceId: d.serviceId, ok, status, durationMs: elapsed(), error: ok ? null : `HTTP ${status}` };
  } catch (err) {
    const timedOut = timeout.aborted || TIMEOUT_CODES.has(String((err as { code?: unknown })?.code));
    const error = timedOut ? `timeout after ${timeoutMs} ms` : describeNetworkError(err);
    return { serviceId: d.serviceId, ok: false, status: null, durationMs: elapsed(), error };
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** A short, stable reason: the system error code when there is one (ECONNREFUSED, ENOTFOUND…). */
function describeNetworkError(err: unknown): string {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code) && !code.startsWith('UND_ERR_ABORT')) {
      return code;
    }
    e = (e as { cause?: unknown }).cause;
  }
  const message = err instanceof Error ? err.message || err.name : String(err);
  return message.slice(0, 200);
}

/** Runs `fn` over `items` with at most `limit` running at once; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
