/**
 * @module lgsp/auth
 * The authentication service of Article 10: signature checks, replay protection, session keys and
 * introspection for destinations.
 */

import { AppError } from '../../core/errors/index.ts';
import type { App } from '../../core/http/types.ts';
import type { RegistryLookup, SessionClaims, SignedRequestParts, VerifiedCaller } from '../contracts.ts';
import type { LgspDeps } from '../deps.ts';

/** What the gateway uses to authenticate a call, and the service's own routes. */
export interface AuthService {
  /** Checks the signature, key state, timestamp, nonce (once across nodes) and network of a request. */
  verifyRequest(parts: SignedRequestParts): Promise<VerifiedCaller>;
  /** Checks a session key and returns its claims (throws when expired, forged or its key revoked). */
  verifySession(sessionKey: string): Promise<SessionClaims>;
  /** Routes under `/api/lgsp/auth`. */
  routes(app: App): Promise<void>;
}

/** Creates the authentication service. (Placeholder until it lands: refuses every request.) */
export function createAuthService(_deps: LgspDeps & { registry: RegistryLookup }): AuthService {
  const refuse = async (): Promise<never> => {
    throw new AppError('LGSP_SIGNATURE_INVALID');
  };
  return { verifyRequest: refuse, verifySession: refuse, routes: async () => {} };
}
