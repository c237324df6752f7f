/**
 * @module lgsp/auth/service
 * The authentication service of Article 10, without HTTP: checks a signed request (with the SDK's own
 * canonicaliser and verifier, so client and platform share one implementation), issues session keys
 * (step 2) and answers a destination's introspection (steps 4-5).
 *
 * Order of the checks in `verify` (each failure has its own code): headers present and well-formed →
 * access key known → caller's network allowed (LGSP-32) → algorithm allowed for the application →
 * timestamp within the skew → key state (revoked, expired after rotation) and application not suspended →
 * signature (constant time) → body digest → nonce once across nodes. The nonce is taken last, so a
 * refused request does not burn it.
 */

import { HEADERS, headerValue } from '../../../sdk/src/canonical.ts';
import { canonicalOf, parseSignatureHeaders, verifySignature } from '../../../sdk/src/verify.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors/index.ts';
import { ipInRanges, normaliseCidr } from '../../core/http/client-ip.ts';
import type { Platform } from '../../core/platform.ts';
import type {
  AppCredential,
  DestinationService,
  RegistryLookup,
  SignatureAlgorithm,
  SignedRequestParts,
  VerifiedCaller,
} from '../contracts.ts';
import type { NonceStore } from './nonces.ts';
import type { IssuedClaims, SessionKeys } from './session.ts';

/** Options of one verification beyond the request parts. */
export interface VerifyOptions {
  /** SHA-256 of the body actually received; compared with the signed digest. */
  readonly bodySha256?: string;
  /** Check the caller's network (default true; off when the address is not known, e.g. introspection). */
  readonly checkNetwork?: boolean;
}

export interface AuthCoreDeps {
  readonly platform: Platform;
  readonly registry: RegistryLookup;
  readonly nonces: NonceStore;
  readonly sessions: SessionKeys;
}

// Networks as the registry stores them are re-read through the strict parser once per list (the lookup
// hands out the same credential object while cached): an entry that is not a plain address or CIDR
// matches nothing rather than a network nobody meant (see normaliseCidr).
const strictNetworks = new WeakMap<readonly string[], readonly string[]>();

function networksOf(credential: AppCredential): readonly string[] {
  let list = strictNetworks.get(credential.allowedNetworks);
  if (!list) {
    list = credential.allowedNetworks.map(normaliseCidr).filter((c): c is string => c !== null);
    strictNetworks.set(credential.allowedNetworks, list);
  }
  return list;
}

const HMAC_ALGORITHMS: readonly SignatureAlgorithm[] = ['HMAC-SHA256', 'HMAC-SHA1'];

/** Refuses a credential whose key or application may not be used now (also used for sessions). */
export function assertUsable(credential: AppCredential, now: Date): void {
  if (credential.keyStatus === 'revoked') throw new AppError('LGSP_ACCESS_KEY_REVOKED');
  if (
    credential.keyStatus === 'expired' ||
    (credential.keyStatus === 'rotated' && (!credential.validUntil || credential.validUntil <= now))
  ) {
    throw new AppError('LGSP_ACCESS_KEY_EXPIRED');
  }
  if (!credential.applicationActive) throw new AppError('LGSP_APPLICATION_SUSPENDED');
}

/** The authentication core: verification, sessions and introspection. */
export function createAuthCore(deps: AuthCoreDeps) {
  const { platform, registry, nonces, sessions } = deps;
  const skewLimit = () => platform.config.lgsp.clockSkewSeconds;

  /** Checks a signed request end to end; throws an AppError with the reason's code. */
  async function verify(parts: SignedRequestParts, options: VerifyOptions = {}): Promise<VerifiedCaller> {
    const parsed = parseSignatureHeaders(parts.headers);
    if (!parsed.ok) throw new AppError(parsed.code, { field: parsed.field, reason: parsed.reason });
    const sig = parsed.value;
    const credential = await registry.credentialByAccessKey(sig.accessKey);
    if (!credential) throw new AppError('LGSP_ACCESS_KEY_UNKNOWN');
    const networks = networksOf(credential);
    if (options.checkNetwork !== false && networks.length > 0 && !ipInRanges(parts.remoteIp, networks)) {
      throw new AppError('LGSP_NETWORK_NOT_ALLOWED', { ip: parts.remoteIp });
    }
    const kindFits = HMAC_ALGORITHMS.includes(sig.algorithm)
      ? credential.kind === 'hmac'
      : credential.kind === 'rsa';
    if (!kindFits || !credential.algorithms.includes(sig.algorithm)) {
      throw new AppError('LGSP_ALGORITHM_NOT_ALLOWED', { algorithm: sig.algorithm });
    }
    const now = platform.now();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const skewSeconds = nowSeconds - sig.timestamp;
    if (Math.abs(skewSeconds) > skewLimit()) {
      throw new AppError('LGSP_TIMESTAMP_SKEW', { skewSeconds, maxSkewSeconds: skewLimit() });
    }
    // Key state before the signature: the registry keeps no secret of a revoked key, so its signature
    // could not be checked anyway; the state of a key is no secret (the access key names it).
    assertUsable(credential, now);
    const canonical = canonicalOf(
      { method: parts.method, path: parts.path, query: parts.query, headers: parts.headers },
      sig,
    );
    const good = verifySignature(sig.algorithm, canonical, sig.signature, {
      secretKey: credential.secret,
      publicKey: credential.publicKeyPem,
    });
    if (!good) throw new AppError('LGSP_SIGNATURE_INVALID');
    if (options.bodySha256 !== undefined && options.bodySha256 !== sig.contentSha256) {
      throw new AppError('LGSP_BODY_DIGEST_MISMATCH');
    }
    // The nonce lives as long as a request with this timestamp could still be accepted.
    const expiresAt = new Date((Math.max(sig.timestamp, nowSeconds) + skewLimit() + 1) * 1000);
    if (!(await nonces.claim(sig.accessKey, sig.nonce, expiresAt))) throw new AppError('LGSP_NONCE_REPLAYED');
    return { credential, algorithm: sig.algorithm, skewSeconds };
  }

  /** Reads a session key and checks that its source key and rights still stand. */
  async function readSession(sessionKey: string): Promise<IssuedClaims> {
    const read = sessions.read(sessionKey, platform.now());
    if (!read.ok) throw new AppError(read.code);
    const claims = read.claims;
    // Revocation after issue: the registry lookup is cached and dropped on every change, so this is cheap.
    const credential = await registry.credentialByAccessKey(claims.sourceAccessKey);
    if (!credential || credential.applicationId !== claims.sourceApplicationId) {
      throw new AppError('LGSP_SESSION_INVALID');
    }
    assertUsable(credential, platform.now());
    // A right withdrawn after issue ends the session too (also cached): the session keeps only the
    // operations the right still allows.
    const right = await registry.allowedOperations(claims.sourceApplicationId, claims.serviceId);
    const operations = claims.operations.filter((op) => right.includes(op));
    if (operations.length === 0) {
      const service = await registry.destinationById(claims.serviceId);
      throw new AppError('LGSP_ACCESS_DENIED', {
        unitCode: service?.unitCode ?? '?',
        service: service?.serviceCode ?? '?',
      });
    }
    return operations.length === claims.operations.length ? claims : { ...claims, operations };
  }

  /** The operations a session may grant: the right's, limited to what the service accepts and was asked. */
  function grantable(right: readonly string[], service: DestinationService, asked?: readonly string[]) {
    const possible = right.filter((op) => service.allowedMethods.includes(op));
    if (!asked) return possible;
    const wanted = [...new Set(asked.map((op) => op.toUpperCase()))];
    return wanted.every((op) => possible.includes(op)) ? wanted : null;
  }

  /**
   * Article 10 step 2: a session key for the source `caller` towards the service. An unknown or inactive
   * service answers exactly like a service without a right (LGSP_ACCESS_DENIED), so an application cannot
   * learn which services exist outside its rights.
   */
  async function issueSession(
    caller: VerifiedCaller,
    request: { unitCode: string; service: string; operations?: readonly string[] },
  ) {
    const denied = () =>
      new AppError('LGSP_ACCESS_DENIED', { unitCode: request.unitCode, service: request.service });
    const service = await registry.destination(request.unitCode, request.service);
    if (!service?.active) throw denied();
    const right = await registry.allowedOperations(caller.credential.applicationId, service.serviceId);
    const operations = right.length > 0 ? grantable(right, service, request.operations) : null;
    if (!operations || operations.length === 0) throw denied();
    const issuedAt = platform.now();
    const { key, claims } = sessions.issue({
      sourceApplicationId: caller.credential.applicationId,
      sourceUnitCode: caller.credential.unitCode,
      sourceAccessKey: caller.credential.accessKey,
      serviceId: service.serviceId,
      operations,
      issuedAt,
      expiresAt: new Date(issuedAt.getTime() + platform.config.lgsp.sessionTtlSeconds * 1000),
    });
    return { sessionKey: key, claims, service };
  }

  /** What a destination describes of the request it received (Article 10 step 4). */
  interface DescribedRequest {
    readonly method: string;
    readonly path: string;
    readonly query?: string;
    readonly headers: Record<string, string>;
    readonly bodySha256: string;
    readonly remoteIp?: string;
  }

  /**
   * Article 10 step 5: checks, for the destination `caller`, the session key and the source's signature
   * over the request the destination received. Throws the reason's code; the route turns it into
   * `{ active: false, code }`.
   */
  async function introspect(caller: VerifiedCaller, sessionKey: string, described: DescribedRequest) {
    const claims = await readSession(sessionKey);
    const service = await registry.destinationById(claims.serviceId);
    // A session for another destination's service is not this destination's business.
    if (!service || service.providerApplicationId !== caller.credential.applicationId) {
      throw new AppError('LGSP_SESSION_INVALID');
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(described.headers)) headers[name.toLowerCase()] = value;
    const sent = headerValue(headers, HEADERS.session);
    if (sent !== sessionKey) throw new AppError('LGSP_SESSION_INVALID');
    const source = await verify(
      {
        method: described.method,
        path: described.path,
        query: described.query ?? '',
        headers,
        remoteIp: described.remoteIp ?? '',
      },
      { bodySha256: described.bodySha256.toLowerCase(), checkNetwork: described.remoteIp !== undefined },
    );
    if (source.credential.applicationId !== claims.sourceApplicationId)
      throw new AppError('LGSP_SESSION_INVALID');
    const method = described.method.toUpperCase();
    const allowed =
      claims.operations.includes(method) || (method === 'HEAD' && claims.operations.includes('GET'));
    if (!allowed)
      throw new AppError('LGSP_ACCESS_DENIED', { unitCode: service.unitCode, service: service.serviceCode });
    return { claims, source: source.credential, service };
  }

  return { verify, readSession, issueSession, introspect };
}

/** The authentication core's functions. */
export type AuthCore = ReturnType<typeof createAuthCore>;

/** A context whose actor is the calling application, for audit entries of signed calls. */
export function applicationCtx(ctx: Ctx, credential: AppCredential | null): Ctx {
  if (!credential) return ctx;
  return {
    ...ctx,
    actor: {
      kind: 'system',
      id: null,
      name: `lgsp:${credential.applicationCode}`,
      unitId: credential.unitId,
      permissions: new Set(),
      scope: 'own',
    },
  };
}
