/**
 * @module lgsp/auth
 * The authentication service of Article 10: signature checks, replay protection, session keys and
 * introspection for destinations (docs/lgsp/signing.md).
 */
import type { App } from '../../core/http/types.ts';
import type { RegistryLookup, SessionClaims, SignedRequestParts, VerifiedCaller } from '../contracts.ts';
import type { LgspDeps } from '../deps.ts';
import { NonceStore, pruneNoncesJob } from './nonces.ts';
import { authRoutes } from './routes.ts';
import { type AuthCore, createAuthCore, type VerifyOptions } from './service.ts';
import { type IssuedClaims, SessionKeys, sessionKeyFromMaster } from './session.ts';

export { NonceStore, PRUNE_NONCES_JOB } from './nonces.ts';
export { AUTH_BODY_LIMIT } from './routes.ts';
export type { VerifyOptions } from './service.ts';
export type { IssuedClaims } from './session.ts';

/** What the gateway uses to authenticate a call, and the service's own routes. */
export interface AuthService {
  /** Checks the signature, key state, timestamp, nonce (once across nodes) and network of a request. */
  verifyRequest(parts: SignedRequestParts): Promise<VerifiedCaller>;
  /** Checks a session key and returns its claims (throws when expired, forged or its key revoked). */
  verifySession(sessionKey: string): Promise<SessionClaims>;
  /** Routes under `/api/lgsp/auth`. */
  routes(app: App): Promise<void>;
  /** `verifyRequest` with a received body's digest to compare, or without the network check. */
  verify(parts: SignedRequestParts, options?: VerifyOptions): Promise<VerifiedCaller>;
  /** Article 10 step 2 without HTTP (tests, other modules): a session key for a verified source. */
  issueSession: AuthCore['issueSession'];
  /** The nonce store (its counters show how claims are batched). */
  readonly nonces: NonceStore;
}

/** Creates the authentication service and registers its nonce-pruning job. */
export function createAuthService(deps: LgspDeps & { registry: RegistryLookup }): AuthService {
  const { platform } = deps;
  const nonces = new NonceStore(platform.db, { now: () => platform.now() });
  const sessions = new SessionKeys(sessionKeyFromMaster(platform.masterKey));
  const core = createAuthCore({ platform, registry: deps.registry, nonces, sessions });
  deps.scheduler.register(pruneNoncesJob(nonces));
  return {
    verifyRequest: (parts) => core.verify(parts),
    verify: core.verify,
    verifySession: (key): Promise<IssuedClaims> => core.readSession(key),
    issueSession: core.issueSession,
    nonces,
    routes: (app) => authRoutes(core, platform)(app),
  };
}
