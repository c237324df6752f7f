/**
 * @module lgsp/auth/testing
 * An in-memory RegistryLookup for the authentication service's tests: applications with HMAC secrets or RSA
 * key pairs, services and rights, changed freely by a test (revoke, rotate, suspend) without the registry.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type {
  AppCredential,
  DestinationService,
  RegistryChange,
  RegistryLookup,
  SignatureAlgorithm,
} from '../contracts.ts';

/** What a test gets back for a new application: its credential and the key material to sign with. */
export interface TestApplication {
  readonly credential: AppCredential;
  /** HMAC secret (text) for HMAC applications. */
  readonly secretKey: string | null;
  /** RSA private key (PKCS#8 PEM) for RSA applications. */
  readonly privateKeyPem: string | null;
}

let rsaPair: { privateKeyPem: string; publicKeyPem: string } | null = null;

/** One RSA pair per test process: generating 2048-bit keys costs ~100 ms each. */
function rsaKeys() {
  if (!rsaPair) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    rsaPair = {
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  }
  return rsaPair;
}

/** A registry held in memory. */
export class MemoryRegistry implements RegistryLookup {
  readonly credentials = new Map<string, AppCredential>();
  readonly services = new Map<string, DestinationService>();
  /** `${applicationId}/${serviceId}` → operations. */
  readonly rights = new Map<string, readonly string[]>();
  private readonly listeners = new Set<(change: RegistryChange) => void>();
  private serial = 0;

  /** Adds an application with one active key. */
  addApplication(
    options: {
      kind?: 'hmac' | 'rsa';
      algorithms?: SignatureAlgorithm[];
      allowedNetworks?: string[];
      unitCode?: string;
      code?: string;
    } = {},
  ): TestApplication {
    const kind = options.kind ?? 'hmac';
    const n = ++this.serial;
    const secretKey = kind === 'hmac' ? randomBytes(24).toString('base64url') : null;
    const keys = kind === 'rsa' ? rsaKeys() : null;
    const credential: AppCredential = {
      applicationId: randomUUID(),
      applicationCode: options.code ?? `ung-dung-${n}`,
      applicationName: `Ứng dụng thử nghiệm ${n}`,
      unitId: randomUUID(),
      unitCode: options.unitCode ?? `000.00.${String(n).padStart(2, '0')}.H23`,
      accessKey: `lgsp_${randomBytes(12)
        .toString('hex')
        .slice(0, 20)
        .replace(/[018-9]/g, 'a')}`,
      keyStatus: 'active',
      validUntil: null,
      kind,
      algorithms:
        options.algorithms ?? (kind === 'hmac' ? ['HMAC-SHA256'] : ['RSA-PSS-SHA256', 'RSA-SHA256']),
      secret: secretKey ? Buffer.from(secretKey, 'utf8') : null,
      publicKeyPem: keys?.publicKeyPem ?? null,
      allowedNetworks: options.allowedNetworks ?? [],
      applicationActive: true,
      rateLimitPerMinute: null,
      quotaPerDay: null,
    };
    this.credentials.set(credential.accessKey, credential);
    return { credential, secretKey, privateKeyPem: keys?.privateKeyPem ?? null };
  }

  /** Changes an application's key or state (a new object, as a reloaded cache entry would be). */
  update(accessKey: string, patch: Partial<AppCredential>): void {
    const old = this.credentials.get(accessKey);
    if (!old) throw new Error(`no key ${accessKey}`);
    this.credentials.set(accessKey, { ...old, ...patch });
    for (const l of this.listeners) l({ kind: 'key', id: accessKey });
  }

  /** Adds a service provided by `provider`. */
  addService(provider: AppCredential, code: string, methods: string[] = ['GET', 'POST']): DestinationService {
    const service: DestinationService = {
      serviceId: randomUUID(),
      serviceCode: code,
      name: `Dịch vụ ${code}`,
      unitId: provider.unitId,
      unitCode: provider.unitCode,
      providerApplicationId: provider.applicationId,
      protocol: 'rest-json',
      baseUrl: 'http://127.0.0.1:9',
      healthPath: null,
      timeoutMs: 5000,
      allowedMethods: methods,
      active: true,
    };
    this.services.set(service.serviceId, service);
    return service;
  }

  /** Grants `operations` of the service to the application (empty removes the right). */
  grant(application: AppCredential, service: DestinationService, operations: string[]): void {
    this.rights.set(`${application.applicationId}/${service.serviceId}`, operations);
  }

  async credentialByAccessKey(accessKey: string): Promise<AppCredential | null> {
    return this.credentials.get(accessKey) ?? null;
  }

  async destination(unitCode: string, serviceCode: string): Promise<DestinationService | null> {
    for (const s of this.services.values())
      if (s.unitCode === unitCode && s.serviceCode === serviceCode) return s;
    return null;
  }

  async destinationById(serviceId: string): Promise<DestinationService | null> {
    return this.services.get(serviceId) ?? null;
  }

  async allowedOperations(applicationId: string, serviceId: string): Promise<readonly string[]> {
    return this.rights.get(`${applicationId}/${serviceId}`) ?? [];
  }

  onChange(listener: (change: RegistryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
