/**
 * @module lgsp/gateway/proxy
 * The gateway's path `/{unitCode}/{service}/{rest}`: signature → session key or right (one-step mode) →
 * destination → availability → rate limit and quota → circuit breaker → forwarding with undici, bodies
 * streamed both ways. The body's SHA-256 is computed while it streams and compared with the signed
 * `X-Lgsp-Content-SHA256`; the last chunk is held back until it matches, so a destination never receives a
 * complete tampered body (the upstream request is destroyed instead). Small bodies (≤ BUFFER_MAX_BYTES with
 * a Content-Length) and bodies to convert are read whole first: checked before anything is forwarded, and
 * replayable, so connect errors can be retried. Every call leaves an exchange record and an access entry.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Transform, type TransformCallback } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Agent, Dispatcher } from 'undici';
import { EMPTY_SHA256, receivedHeaders } from '../../../sdk/src/canonical.ts';
import type { AccessLog } from '../../core/audit/index.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors/index.ts';
import type { Logger } from '../../core/log/logger.ts';
import { formatDateTimeVn } from '../../core/time/format.ts';
import type { AuthService } from '../auth/index.ts';
import type {
  AvailabilityTracker,
  DestinationService,
  RegistryLookup,
  VerifiedCaller,
} from '../contracts.ts';
import type { ExchangeRecord, ExchangeRecorder } from '../exchange/recorder.ts';
import type { CircuitBreakers } from './circuit.ts';
import {
  acceptedFormat,
  bodyFormat,
  CONVERSION_MAX_BYTES,
  destinationFormat,
  jsonToXml,
  parseJson,
  xmlToJson,
} from './convert.ts';
import { gatewayErrorCategory } from './errors.ts';
import { requestHeadersForDestination, responseHeadersForCaller } from './headers.ts';
import type { RateLimiter } from './rate-limit.ts';

/** Bodies up to this size (with a Content-Length) are read whole, checked, then forwarded (and retryable). */
export const BUFFER_MAX_BYTES = 256 * 1024;
/** Answers up to this size with a Content-Length are read whole and sent in one write. */
const SMALL_ANSWER_BYTES = 64 * 1024;
/** The QCVN 102:2016 unit code form the gateway's first path segment must have. */
export const UNIT_CODE_PATTERN = '^\\d{3}\\.\\d{2}\\.\\d{2}\\.[A-Z]\\d{2}$';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
// Errors raised before the request reached the destination: safe to retry for idempotent methods.
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const SERVICE_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface ProxyDeps {
  readonly registry: RegistryLookup;
  readonly auth: Pick<AuthService, 'verifyRequest' | 'verifySession'>;
  readonly availability: AvailabilityTracker;
  readonly limiter: RateLimiter;
  readonly breakers: CircuitBreakers;
  readonly recorder: ExchangeRecorder;
  readonly accessLog: AccessLog;
  readonly agent: Agent;
  readonly log: Logger;
  readonly nodeId: string;
  readonly maxBodyBytes: number;
  /** Attempts after the first for idempotent calls that failed to connect. */
  readonly retries: number;
  readonly retryBaseMs: number;
  now(): Date;
}

/** What one call has learnt so far; completed into an exchange record when the response ends. */
interface CallState {
  timeIn: Date;
  started: bigint;
  unitCode: string;
  serviceCode: string;
  path: string;
  caller: VerifiedCaller | null;
  /** The unit of the access key a refused call named (unverified). */
  claimedUnit?: { unitId: string; unitCode: string };
  dest: DestinationService | null;
  mode: ExchangeRecord['mode'];
  requestBytes: number;
  responseBytes: number;
  errorCode: string | null;
}

/** The request's unread body stream, when the route's content-type parser left it alone. */
type ProxyRequest = FastifyRequest<{ Params: { unitCode: string; service: string; '*'?: string } }>;

/** Holds back the last chunk until the whole body's digest matches the signed one; enforces the size limit. */
class DigestGate extends Transform {
  private readonly hash = createHash('sha256');
  private held: Buffer | null = null;
  bytes = 0;
  failure: AppError | null = null;

  constructor(
    private readonly expected: string,
    private readonly limit: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      this.failure = new AppError('LGSP_BODY_TOO_LARGE', { limit: this.limit });
      cb(this.failure);
      return;
    }
    this.hash.update(chunk);
    const previous = this.held;
    this.held = chunk;
    if (previous) cb(null, previous);
    else cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.hash.digest('hex') !== this.expected) {
      this.failure = new AppError('LGSP_BODY_DIGEST_MISMATCH');
      cb(this.failure);
      return;
    }
    if (this.held) cb(null, this.held);
    else cb();
  }
}

/** Reads a stream whole, refusing more than `limit` bytes with `tooLarge`. */
async function readAll(stream: Readable, limit: number, tooLarge: () => AppError): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, n);
}

function errorCodeOf(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return '';
}

/** Maps an undici failure onto the gateway's codes. */
export function destinationError(err: unknown, dest: DestinationService): AppError {
  const code = errorCodeOf(err);
  const service = dest.serviceCode;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new AppError('LGSP_DESTINATION_TIMEOUT', { service, timeoutMs: dest.timeoutMs }, { cause: err });
  }
  if (CONNECT_ERRORS.has(code) || code === 'ECONNRESET' || code === 'EPIPE') {
    return new AppError('LGSP_DESTINATION_UNREACHABLE', { service }, { cause: err });
  }
  // Malformed HTTP (llhttp's HPE_* codes), a socket closed without an answer, a length mismatch.
  return new AppError('LGSP_DESTINATION_BAD_RESPONSE', { service }, { cause: err });
}

/** The request path below `/{unitCode}/{service}` as sent (percent-encoded), or '' when none. */
function suffixOf(rawPath: string): string {
  const first = rawPath.indexOf('/', 1);
  if (first === -1) return '';
  const second = rawPath.indexOf('/', first + 1);
  return second === -1 ? '' : rawPath.slice(second);
}

/** True when a path has a `.` or `..` segment (plain or percent-encoded): it could climb out of the base path. */
function hasDotSegment(path: string): boolean {
  return path.split('/').some((seg) => {
    const s = seg.replace(/%2e/gi, '.');
    return s === '.' || s === '..';
  });
}

function joinPath(basePath: string, suffix: string, query: string): string {
  const base = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
  const path = `${base}${suffix}` || '/';
  return query ? `${path}?${query}` : path;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The gateway's request handling; `handle` is the route handler, `finish` the route's onResponse hook. */
export function createProxy(deps: ProxyDeps) {
  const states = new WeakMap<FastifyRequest, CallState>();

  async function authorise(request: ProxyRequest, state: CallState, rawPath: string, query: string) {
    const method = request.method;
    const caller = await deps.auth.verifyRequest({
      method,
      path: rawPath,
      query,
      headers: receivedHeaders(request.raw),
      remoteIp: request.ip,
    });
    state.caller = caller;
    const { unitCode, service } = request.params;
    const dest = SERVICE_CODE.test(service) ? await deps.registry.destination(unitCode, service) : null;
    // As POST /sessions (signing.md, "Refusals that do not reveal"): a missing or inactive service answers
    // like one the application holds no right to, so no application learns which services exist.
    const denied = () => new AppError('LGSP_ACCESS_DENIED', { unitCode, service });
    if (!dest?.active) throw denied();
    state.dest = dest;
    const rightOps = () => deps.registry.allowedOperations(caller.credential.applicationId, dest.serviceId);
    // HEAD reads what GET reads: a right to GET covers it.
    const asOperation = (ops: readonly string[]) =>
      ops.includes(method) || (method === 'HEAD' && ops.includes('GET'));
    const sessionKey = request.headers['x-lgsp-session'];
    if (typeof sessionKey === 'string' && sessionKey !== '') {
      const signed = String(request.headers['x-lgsp-signed-headers'] ?? '')
        .toLowerCase()
        .split(';')
        .map((s) => s.trim());
      if (!signed.includes('x-lgsp-session')) throw new AppError('LGSP_SESSION_NOT_SIGNED');
      const claims = await deps.auth.verifySession(sessionKey);
      if (claims.sourceApplicationId !== caller.credential.applicationId)
        throw new AppError('LGSP_SESSION_NOT_YOURS');
      if (claims.serviceId !== dest.serviceId) {
        if ((await rightOps()).length === 0) throw denied();
        throw new AppError('LGSP_SESSION_WRONG_SERVICE', { service });
      }
      if (!asOperation(claims.operations))
        throw new AppError('LGSP_OPERATION_NOT_ALLOWED', { method, service });
      state.mode = 'gateway';
    } else {
      // One-step mode: a signed call without a session key, allowed when the application holds the right.
      const ops = await rightOps();
      if (ops.length === 0) throw denied();
      if (!asOperation(ops)) throw new AppError('LGSP_OPERATION_NOT_ALLOWED', { method, service });
      state.mode = 'one-step';
    }
    if (!asOperation(dest.allowedMethods))
      throw new AppError('LGSP_OPERATION_NOT_ALLOWED', { method, service });
    return { caller, dest };
  }

  function admit(caller: VerifiedCaller, dest: DestinationService): void {
    const availability = deps.availability.state(dest.serviceId);
    if (availability && !availability.online) {
      throw new AppError('LGSP_DESTINATION_OFFLINE', {
        service: dest.serviceCode,
        unitCode: dest.unitCode,
        since: formatDateTimeVn(availability.since),
      });
    }
    const c = caller.credential;
    const decision = deps.limiter.check(c.applicationId, c.rateLimitPerMinute, c.quotaPerDay);
    if (!decision.ok) {
      throw new AppError(decision.code, {
        limit: decision.limit,
        quota: decision.limit,
        retryAfter: decision.retryAfter,
      });
    }
    const circuit = deps.breakers.allow(dest.serviceId);
    if (!circuit.allowed) {
      throw new AppError('LGSP_DESTINATION_CIRCUIT_OPEN', {
        service: dest.serviceCode,
        retryAfter: Math.max(1, Math.ceil(circuit.retryAfterMs / 1000)),
      });
    }
  }

  async function forward(
    request: ProxyRequest,
    reply: FastifyReply,
    state: CallState,
    rawPath: string,
    query: string,
  ) {
    const { caller, dest } = await authorise(request, state, rawPath, query);
    if (!deps.limiter.ready) await deps.limiter.whenReady();
    admit(caller, dest);
    let outcomeRecorded = false;
    const outcome = (ok: boolean) => {
      outcomeRecorded = true;
      deps.availability.recordOutcome(dest.serviceId, ok);
      deps.breakers.record(dest.serviceId, ok);
    };
    try {
      await send(request, reply, state, caller, dest, rawPath, query, outcome);
    } finally {
      // A half-open probe that ended on the caller's side (bad body) must not keep the circuit shut.
      if (!outcomeRecorded) deps.breakers.release(dest.serviceId);
    }
  }

  async function send(
    request: ProxyRequest,
    reply: FastifyReply,
    state: CallState,
    caller: VerifiedCaller,
    dest: DestinationService,
    rawPath: string,
    query: string,
    outcome: (ok: boolean) => void,
  ) {
    const method = request.method;
    const headers = request.headers;
    const lengthHeader = headers['content-length'];
    const length = lengthHeader !== undefined ? Number(lengthHeader) : null;
    if (length !== null && (!Number.isInteger(length) || length < 0)) throw new AppError('MALFORMED_REQUEST');
    if (length !== null && length > deps.maxBodyBytes) {
      reply.header('connection', 'close');
      throw new AppError('LGSP_BODY_TOO_LARGE', { limit: deps.maxBodyBytes });
    }
    const hasBody = length !== null ? length > 0 : headers['transfer-encoding'] !== undefined;
    const signedDigest = String(headers['x-lgsp-content-sha256'] ?? '').toLowerCase();

    const callerFormat = hasBody ? bodyFormat(headers['content-type']) : null;
    const destFormat = destinationFormat(dest.protocol);
    const convertRequest = callerFormat !== null && callerFormat !== destFormat;
    const wanted = acceptedFormat(headers.accept) ?? (convertRequest ? callerFormat : null);
    const convertResponse = wanted !== null && wanted !== destFormat;

    const out = requestHeadersForDestination(headers);
    out['x-lgsp-request-id'] = request.id;
    out['x-lgsp-source-unit'] = caller.credential.unitCode;
    out['x-lgsp-source-application'] = caller.credential.applicationCode;
    if (convertResponse)
      out.accept = destFormat === 'json' ? 'application/json' : 'application/xml, text/xml';

    let body: Buffer | DigestGate | undefined;
    if (!hasBody) {
      if (signedDigest !== EMPTY_SHA256) throw new AppError('LGSP_BODY_DIGEST_MISMATCH');
    } else if (convertRequest || (length !== null && length <= BUFFER_MAX_BYTES)) {
      const limit = convertRequest ? Math.min(CONVERSION_MAX_BYTES, deps.maxBodyBytes) : deps.maxBodyBytes;
      if (convertRequest && length !== null && length > limit) {
        reply.header('connection', 'close');
        throw new AppError('LGSP_CONVERSION_TOO_LARGE', { limit });
      }
      const whole = await readAll(request.raw, limit, () => {
        reply.header('connection', 'close');
        return convertRequest
          ? new AppError('LGSP_CONVERSION_TOO_LARGE', { limit })
          : new AppError('LGSP_BODY_TOO_LARGE', { limit });
      });
      state.requestBytes = whole.length;
      if (createHash('sha256').update(whole).digest('hex') !== signedDigest) {
        throw new AppError('LGSP_BODY_DIGEST_MISMATCH');
      }
      if (convertRequest) {
        const text = whole.toString('utf8');
        const converted =
          destFormat === 'xml'
            ? jsonToXml(parseJson(text), dest.protocol)
            : JSON.stringify(xmlToJson(text, 'rest-xml'));
        body = Buffer.from(converted, 'utf8');
        out['content-type'] =
          destFormat === 'json'
            ? 'application/json; charset=utf-8'
            : dest.protocol === 'soap'
              ? 'text/xml; charset=utf-8'
              : 'application/xml; charset=utf-8';
      } else body = whole;
      out['content-length'] = String(body.length);
    } else {
      const gate = new DigestGate(signedDigest, deps.maxBodyBytes);
      // Not pipeline(): a failing gate must not destroy the caller's socket, which still gets the answer.
      request.raw.on('error', (err) => gate.destroy(err));
      request.raw.on('aborted', () => gate.destroy(new Error('caller aborted')));
      request.raw.pipe(gate);
      body = gate;
      if (length !== null) out['content-length'] = String(length);
    }

    const base = new URL(dest.baseUrl);
    const path = joinPath(base.pathname, suffixOf(rawPath), query);
    let response: Dispatcher.ResponseData;
    for (let attempt = 0; ; attempt++) {
      try {
        response = await deps.agent.request({
          origin: base.origin,
          path,
          method: method as Dispatcher.HttpMethod,
          headers: out,
          body,
          headersTimeout: dest.timeoutMs,
          bodyTimeout: dest.timeoutMs,
        });
        break;
      } catch (err) {
        if (body instanceof DigestGate) {
          state.requestBytes = body.bytes;
          if (body.failure) {
            reply.header('connection', 'close');
            throw body.failure;
          }
        }
        const replayable = body === undefined || Buffer.isBuffer(body);
        if (
          replayable &&
          IDEMPOTENT.has(method) &&
          CONNECT_ERRORS.has(errorCodeOf(err)) &&
          attempt < deps.retries
        ) {
          await sleep(deps.retryBaseMs * 2 ** attempt * (0.5 + Math.random()));
          continue;
        }
        outcome(false);
        throw destinationError(err, dest);
      }
    }
    if (body instanceof DigestGate) state.requestBytes = body.bytes;

    const resHeaders = responseHeadersForCaller(response.headers);
    resHeaders['x-lgsp-request-id'] = request.id;
    const answerFormat = bodyFormat(String(response.headers['content-type'] ?? ''));
    if (convertResponse && answerFormat === destFormat) {
      let converted: string;
      try {
        const whole = await readAll(
          response.body,
          CONVERSION_MAX_BYTES,
          () => new AppError('LGSP_DESTINATION_BAD_RESPONSE', { service: dest.serviceCode }),
        );
        const text = whole.toString('utf8');
        converted =
          destFormat === 'xml' ? JSON.stringify(xmlToJson(text, dest.protocol)) : jsonToXml(parseJson(text));
      } catch (err) {
        response.body.destroy();
        outcome(false);
        if (err instanceof AppError && err.code !== 'LGSP_BODY_MALFORMED') throw err;
        throw new AppError('LGSP_DESTINATION_BAD_RESPONSE', { service: dest.serviceCode }, { cause: err });
      }
      outcome(response.statusCode < 500);
      const payload = Buffer.from(converted, 'utf8');
      state.responseBytes = payload.length;
      resHeaders['content-type'] =
        wanted === 'json' ? 'application/json; charset=utf-8' : 'application/xml; charset=utf-8';
      resHeaders['content-length'] = String(payload.length);
      return reply.status(response.statusCode).headers(resHeaders).send(payload);
    }
    outcome(response.statusCode < 500);
    const contentLength = response.headers['content-length'];
    if (typeof contentLength === 'string') resHeaders['content-length'] = contentLength;
    // A small answer of known length is read whole and sent in one write (headers and body together):
    // streaming it costs a write per chunk, the largest share of the gateway's CPU in the profile.
    if (typeof contentLength === 'string' && Number(contentLength) <= SMALL_ANSWER_BYTES) {
      const whole = Buffer.from(await response.body.arrayBuffer());
      state.responseBytes = whole.length;
      return reply.status(response.statusCode).headers(resHeaders).send(whole);
    }
    response.body.on('data', (chunk: Buffer) => {
      state.responseBytes += chunk.length;
    });
    return reply.status(response.statusCode).headers(resHeaders).send(response.body);
  }

  return {
    /** The route handler of the gateway path. */
    async handle(request: ProxyRequest, reply: FastifyReply): Promise<FastifyReply> {
      const url = request.raw.url ?? '/';
      const q = url.indexOf('?');
      const rawPath = q === -1 ? url : url.slice(0, q);
      const query = q === -1 ? '' : url.slice(q + 1);
      const state: CallState = {
        timeIn: deps.now(),
        started: process.hrtime.bigint(),
        unitCode: request.params.unitCode,
        serviceCode: request.params.service.slice(0, 64),
        path: suffixOf(rawPath) || '/',
        caller: null,
        dest: null,
        mode: 'refused',
        requestBytes: 0,
        responseBytes: 0,
        errorCode: null,
      };
      states.set(request, state);
      try {
        if (hasDotSegment(state.path)) throw new AppError('LGSP_PATH_DOT_SEGMENT');
        await forward(request, reply, state, rawPath, query);
        return reply;
      } catch (err) {
        state.errorCode = err instanceof AppError ? err.code : 'INTERNAL';
        // A call refused before its signature was accepted is still shown to the unit whose access key it
        // names (LGSP-37: a unit sees its own connection errors); the key is only a claim, so the record
        // keeps mode `refused` and carries no application id.
        const accessKey = request.headers['x-lgsp-access-key'];
        if (!state.caller && typeof accessKey === 'string' && accessKey.length <= 200) {
          const claimed = await deps.registry.credentialByAccessKey(accessKey).catch(() => null);
          if (claimed) state.claimedUnit = { unitId: claimed.unitId, unitCode: claimed.unitCode };
        }
        throw err;
      }
    },

    /** onResponse of the gateway route: the exchange record and the access-log entry (LGSP-33). */
    finish(request: FastifyRequest, reply: FastifyReply): void {
      const state = states.get(request);
      if (!state) return;
      const latencyMs = Math.round(Number(process.hrtime.bigint() - state.started) / 1e6);
      const cred = state.caller?.credential ?? null;
      const status = reply.statusCode;
      const record: ExchangeRecord = {
        id: randomUUID(),
        requestId: request.id,
        timeIn: state.timeIn,
        timeOut: new Date(state.timeIn.getTime() + latencyMs),
        sourceApplicationId: cred?.applicationId ?? null,
        sourceApplicationCode: cred?.applicationCode ?? null,
        sourceUnitId: cred?.unitId ?? state.claimedUnit?.unitId ?? null,
        sourceUnitCode: cred?.unitCode ?? state.claimedUnit?.unitCode ?? null,
        destinationServiceId: state.dest?.serviceId ?? null,
        serviceCode: state.dest?.serviceCode ?? state.serviceCode,
        destinationUnitId: state.dest?.unitId ?? null,
        destinationUnitCode: state.dest?.unitCode ?? state.unitCode,
        method: request.method,
        path: state.path.slice(0, 2000),
        requestBytes: state.requestBytes,
        responseBytes: state.responseBytes,
        status,
        errorCode: state.errorCode,
        latencyMs,
        node: deps.nodeId,
        mode: state.mode,
      };
      deps.recorder.record(record);
      if (state.errorCode) {
        deps.log.info(
          { requestId: request.id, code: state.errorCode, category: gatewayErrorCategory(state.errorCode) },
          'lgsp gateway call refused',
        );
      }
      const ctx: Ctx = {
        actor: {
          kind: 'token',
          id: null,
          name: cred ? `lgsp:${cred.applicationCode}` : 'lgsp:anonymous',
          unitId: cred?.unitId ?? null,
          permissions: new Set(),
          scope: 'own',
        },
        ip: request.ip,
        requestId: request.id,
        lang: 'vi',
      };
      deps.accessLog.record(
        ctx,
        {
          action: 'lgsp.exchange',
          description: `${request.method} /${record.destinationUnitCode}/${record.serviceCode}${record.path} → ${status}`,
          outcome: status < 400 ? 'success' : 'failure',
          severity: status >= 500 ? 'error' : status >= 400 ? 'notice' : 'info',
          target: state.dest ? { type: 'lgsp.service', id: state.dest.serviceId } : undefined,
          details: {
            status,
            ms: latencyMs,
            mode: state.mode,
            ...(state.errorCode
              ? { code: state.errorCode, category: gatewayErrorCategory(state.errorCode) }
              : {}),
          },
        },
        state.timeIn,
      );
    },
  };
}
