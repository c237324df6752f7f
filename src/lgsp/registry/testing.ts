/**
 * @module lgsp/registry/testing
 * Builders for tests of the registry and of the parts that read it (authentication, gateway,
 * availability): operators with LGSP permissions, an application with a key, a service, RSA certificates.
 */
import { KeyObject, webcrypto } from 'node:crypto';
import type { Ctx, DataScope } from '../../core/context.ts';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { OrgUnit } from '../../org/index.ts';
import type { RegistryService } from './service.ts';

x509.cryptoProvider.set(webcrypto as never);

/** Every LGSP permission plus org.read. */
export const lgspPermissions = [
  'org.read',
  'lgsp.registry.read',
  'lgsp.registry.write',
  'lgsp.keys.write',
  'lgsp.rights.write',
  'lgsp.exchange.read',
];

let count = 0;

/** An operator context with a unit and scope (every LGSP permission by default). */
export function operator(
  options: { unitId?: string | null; scope?: DataScope; permissions?: string[] } = {},
): Ctx {
  count++;
  return {
    actor: {
      kind: 'user',
      id: `00000000-0000-4000-9000-${String(count).padStart(12, '0')}`,
      name: `lgsp-operator-${count}`,
      unitId: options.unitId ?? null,
      permissions: new Set(options.permissions ?? lgspPermissions),
      scope: options.scope ?? 'all',
    },
    ip: '10.0.0.9',
    requestId: `lgsp-req-${count}`,
    lang: 'en',
  };
}

let codeCount = 0;

/** A code no other test in this process uses. */
export function freshCode(prefix = 'app'): string {
  return `${prefix}-${process.pid}-${++codeCount}`;
}

/** An HMAC application of `unit` with its first key pair (secret included, as issued). */
export async function hmacApplication(
  registry: RegistryService,
  unit: Pick<OrgUnit, 'id'>,
  input: {
    code?: string;
    name?: string;
    allowedNetworks?: string[];
    algorithms?: ('HMAC-SHA256' | 'HMAC-SHA1')[];
  } = {},
  ctx: Ctx = operator(),
) {
  const app = await registry.createApplication(ctx, {
    unitId: unit.id,
    code: input.code ?? freshCode(),
    name: input.name ?? 'Phần mềm một cửa điện tử',
    kind: 'hmac',
    algorithms: input.algorithms,
    allowedNetworks: input.allowedNetworks,
  });
  const issued = await registry.issueKey(ctx, app.id);
  return { app, accessKey: issued.key.accessKey, secretKey: issued.secretKey! };
}

/** A REST service provided by `applicationId`. */
export async function restService(
  registry: RegistryService,
  applicationId: string,
  input: {
    code?: string;
    name?: string;
    baseUrl?: string;
    dataTypes?: string[];
    allowedMethods?: ('GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS')[];
  } = {},
  ctx: Ctx = operator(),
) {
  return registry.createService(ctx, {
    applicationId,
    code: input.code ?? freshCode('svc'),
    name: input.name ?? 'Tra cứu hộ tịch',
    protocol: 'rest-json',
    baseUrl: input.baseUrl ?? 'http://127.0.0.1:9/api',
    dataTypes: input.dataTypes ?? ['hộ tịch'],
    allowedMethods: input.allowedMethods ?? ['GET', 'POST'],
  });
}

/** A key pair for RSA tests (RSASSA-PKCS1-v1_5, SHA-256). */
export async function rsaKeys(bits = 2048): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: bits,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  )) as webcrypto.CryptoKeyPair;
}

/** A self-signed certificate (PEM) over `keys`, valid between the given dates. */
export async function selfSigned(
  keys: webcrypto.CryptoKeyPair,
  notBefore: Date,
  notAfter: Date,
  cn = 'ung-dung-mot-cua',
) {
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '0a1b2c3d',
    name: `CN=${cn}, O=UBND tinh`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  });
  return cert.toString('pem');
}

/** The SPKI PEM of a public key. */
export function publicPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'spki', format: 'pem' }).toString();
}
