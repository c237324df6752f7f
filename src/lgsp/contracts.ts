/**
 * @module lgsp/contracts
 * The shapes the LGSP parts hand each other: the registry answers the authentication service and the
 * gateway through these, so each part is written and tested against a contract, not another's tables.
 */

/** Signature algorithms of Article 10 (docs/lgsp/signing.md). HMAC-SHA1 only for applications set to it. */
export type SignatureAlgorithm = 'HMAC-SHA256' | 'HMAC-SHA1' | 'RSA-PSS-SHA256' | 'RSA-SHA256';

export const signatureAlgorithms: readonly SignatureAlgorithm[] = [
  'HMAC-SHA256',
  'HMAC-SHA1',
  'RSA-PSS-SHA256',
  'RSA-SHA256',
];

/** How an application proves who it is: a shared secret (HMAC) or a registered public key (RSA). */
export type CredentialKind = 'hmac' | 'rsa';

/** State of one access key. `revoked` answers at once; `expired` is a rotated key past its overlap. */
export type KeyStatus = 'active' | 'rotated' | 'revoked' | 'expired';

/**
 * What the authentication service needs to check a signed request: the application behind an access
 * key, with its secret in clear (decrypted from rest) or its public key. Never leaves the server.
 */
export interface AppCredential {
  readonly applicationId: string;
  readonly applicationCode: string;
  readonly applicationName: string;
  readonly unitId: string;
  readonly unitCode: string;
  readonly accessKey: string;
  readonly keyStatus: KeyStatus;
  /** For `rotated` keys: until when the old secret is still accepted. */
  readonly validUntil: Date | null;
  readonly kind: CredentialKind;
  /** Algorithms this application may sign with (HMAC-SHA1 only when configured). */
  readonly algorithms: readonly SignatureAlgorithm[];
  /** HMAC secret, decrypted; null for RSA applications. */
  readonly secret: Buffer | null;
  /** RSA public key (SPKI PEM, extracted from the certificate when one was registered); null for HMAC. */
  readonly publicKeyPem: string | null;
  /** Networks the application may call from (LGSP-32); empty = no restriction. CIDR strings. */
  readonly allowedNetworks: readonly string[];
  /** The application itself is enabled (an operator can suspend it without revoking keys). */
  readonly applicationActive: boolean;
  /** Requests per minute across all nodes; null = platform default. */
  readonly rateLimitPerMinute: number | null;
  /** Requests per day across all nodes; null = unlimited. */
  readonly quotaPerDay: number | null;
}

/** How a destination service speaks (the gateway converts JSON↔XML when the caller uses the other form). */
export type ServiceProtocol = 'rest-json' | 'rest-xml' | 'soap';

/** A registered destination service, as the gateway and the authentication service see it. */
export interface DestinationService {
  readonly serviceId: string;
  /** Short code used in gateway paths: `/{unitCode}/{serviceCode}/…`. */
  readonly serviceCode: string;
  readonly name: string;
  readonly unitId: string;
  /** The unit's current code (after following successors of an old code). */
  readonly unitCode: string;
  /** The application that provides the service; it signs introspection calls (Art. 10 step 4). */
  readonly providerApplicationId: string;
  readonly protocol: ServiceProtocol;
  readonly baseUrl: string;
  /** Path probed for online/offline; null = probe the base URL. */
  readonly healthPath: string | null;
  readonly timeoutMs: number;
  /** Upper-case HTTP methods the service accepts. */
  readonly allowedMethods: readonly string[];
  readonly active: boolean;
}

/** What the registry tells the authentication service and the gateway, read on every call (cached). */
export interface RegistryLookup {
  /** The credential behind an access key, or null when no such key was ever issued. */
  credentialByAccessKey(accessKey: string): Promise<AppCredential | null>;
  /**
   * The service `serviceCode` of the unit `unitCode`; an old code resolves to its successor after a
   * reorganisation (LGSP-13). Null when there is no such service.
   */
  destination(unitCode: string, serviceCode: string): Promise<DestinationService | null>;
  /** The service by id (session keys carry ids). */
  destinationById(serviceId: string): Promise<DestinationService | null>;
  /** The operations (upper-case methods) the application may call on the service; empty = no right. */
  allowedOperations(applicationId: string, serviceId: string): Promise<readonly string[]>;
  /** Subscribe to registry changes (keys, rights, services), so caches drop stale entries at once on every node. */
  onChange(listener: (change: RegistryChange) => void): () => void;
}

/** A change in the registry that invalidates cached lookups. */
export interface RegistryChange {
  readonly kind: 'key' | 'application' | 'service' | 'right';
  /**
   * The access key, application id or service id that changed; for `right`, the application id (the
   * service in `serviceId`). `*` means anything may have changed (this node missed messages): drop all.
   */
  readonly id: string;
  /** For `right`: the service whose right changed. */
  readonly serviceId?: string;
}

/** The party a verified signature belongs to. */
export interface VerifiedCaller {
  readonly credential: AppCredential;
  readonly algorithm: SignatureAlgorithm;
  /** Seconds between the request's timestamp and this server's clock (for the clock-skew chart). */
  readonly skewSeconds: number;
}

/** The parts of an HTTP request the signature covers (docs/lgsp/signing.md). */
export interface SignedRequestParts {
  readonly method: string;
  /** Path as sent, without the query string. */
  readonly path: string;
  /** The raw query string without `?` (empty when none). */
  readonly query: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Network address of the caller, for the allow-list (LGSP-32). */
  readonly remoteIp: string;
}

/** Claims carried by an access session key (Art. 10 step 2). */
export interface SessionClaims {
  readonly sessionId: string;
  readonly sourceApplicationId: string;
  readonly sourceUnitCode: string;
  readonly serviceId: string;
  readonly operations: readonly string[];
  readonly expiresAt: Date;
}

/** Online/offline state of one destination (LGSP-15). */
export interface AvailabilityState {
  readonly online: boolean;
  /** When the current state began. */
  readonly since: Date;
}

/**
 * Online/offline detection, fed by active probes and by the gateway's outcomes (passive counting).
 * `state` is read on every gateway call, so it answers from memory.
 */
export interface AvailabilityTracker {
  /** The last known state; null when the service was never probed or called. */
  state(serviceId: string): AvailabilityState | null;
  /** The gateway reports each forwarded call's outcome (false = network error, timeout or 5xx). */
  recordOutcome(serviceId: string, ok: boolean): void;
}
