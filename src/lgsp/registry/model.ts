/**
 * @module lgsp/registry/model
 * Rules shared by the registry's write paths: field cleaning, codes, URLs, networks, algorithms,
 * permissions, and generation of access keys and secrets. The service checks again what the HTTP
 * schemas checked, because other modules and tests reach it without HTTP.
 */
import { randomBytes } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { Ctx } from '../../core/context.ts';
import { pgErrorOf } from '../../core/db/index.ts';
import { AppError } from '../../core/errors/index.ts';
import { normaliseCidr } from '../../core/http/client-ip.ts';
import { hasHiddenCharacters, nfc } from '../../core/text/vietnamese.ts';
import type { CredentialKind, ServiceProtocol, SignatureAlgorithm } from '../contracts.ts';

/** Length limits shared by the HTTP schemas and the service. */
export const limits = {
  name: 255,
  description: 2000,
  reason: 500,
  contactName: 200,
  email: 254,
  phone: 30,
  networks: 100,
  dataTypes: 20,
  dataType: 60,
  url: 2000,
  healthPath: 500,
  search: 100,
} as const;

/** Codes of applications and services: lower-case letters, digits and hyphens, 2..40. */
export const CODE = /^[a-z0-9-]{2,40}$/u;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/u;
const PHONE = /^[0-9+()\-.\s/]{3,30}$/u;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;
/** Access keys: `lgsp_` + 20 base32 characters (RFC 4648 alphabet, lower case). */
export const ACCESS_KEY = /^lgsp_[a-z2-7]{20}$/u;

/** HTTP methods a service may accept. */
export const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type HttpMethod = (typeof httpMethods)[number];

/** Algorithms each kind of application may sign with. */
export const algorithmsOf: Record<CredentialKind, readonly SignatureAlgorithm[]> = {
  hmac: ['HMAC-SHA256', 'HMAC-SHA1'],
  rsa: ['RSA-PSS-SHA256', 'RSA-SHA256'],
};

/** Algorithms an application gets when none are named: never HMAC-SHA1 (weak; only on explicit request). */
export const defaultAlgorithms: Record<CredentialKind, readonly SignatureAlgorithm[]> = {
  hmac: ['HMAC-SHA256'],
  rsa: ['RSA-PSS-SHA256', 'RSA-SHA256'],
};

export const protocols: readonly ServiceProtocol[] = ['rest-json', 'rest-xml', 'soap'];

/** The smallest RSA modulus accepted for a registered public key. */
export const MIN_RSA_BITS = 2048;

/** A VALIDATION_FAILED error naming one field. */
export function fieldError(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { summary: `${field}: ${message}`, errors: [{ field, message }] });
}

/** True for a syntactically valid UUID (anything else must not reach SQL as a uuid). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** A required text: NFC, trimmed, whitespace collapsed, 1..max characters, no control characters. */
export function requiredText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw fieldError(field, 'is required');
  const clean = nfc(value);
  if (clean.length === 0) throw fieldError(field, 'must not be empty');
  return checked(clean, field, max);
}

/** An optional text: empty becomes null. */
export function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw fieldError(field, 'must be text');
  // Descriptions keep their line breaks; only other control characters are refused.
  const clean = value.normalize('NFC').trim();
  if (clean.length === 0) return null;
  return checked(clean, field, max, true);
}

function checked(clean: string, field: string, max: number, multiline = false): string {
  if (clean.length > max) throw fieldError(field, `must be at most ${max} characters`);
  if (hasHiddenCharacters(clean, multiline))
    throw fieldError(field, 'must not contain control or invisible formatting characters');
  return clean;
}

/** An optional e-mail address. */
export function optionalEmail(value: unknown, field: string): string | null {
  const v = optionalText(value, field, limits.email);
  if (v !== null && !EMAIL.test(v)) throw fieldError(field, 'is not an e-mail address');
  return v;
}

/** An optional telephone number: digits, spaces and + ( ) - . / only. */
export function optionalPhone(value: unknown, field: string): string | null {
  const v = optionalText(value, field, limits.phone);
  if (v !== null && !PHONE.test(v)) throw fieldError(field, 'is not a telephone number');
  return v;
}

/** An application or service code. */
export function codeOf(value: unknown, field = 'code'): string {
  if (typeof value !== 'string' || !CODE.test(value)) {
    throw fieldError(field, 'must be 2 to 40 characters of a-z, 0-9 and -');
  }
  return value;
}

/** Normalised, de-duplicated CIDR list (LGSP-32), through the platform's strict parser. */
export function networksOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw fieldError('allowedNetworks', 'must be a list');
  if (value.length > limits.networks)
    throw fieldError('allowedNetworks', `at most ${limits.networks} entries`);
  const out: string[] = [];
  for (const v of value) {
    const n = typeof v === 'string' ? normaliseCidr(v) : null;
    if (n === null) throw new AppError('LGSP_NETWORK_INVALID', { value: String(v).slice(0, 64) });
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** The algorithms of an application: within its kind's family, HMAC-SHA1 only when named. */
export function algorithmsFor(kind: CredentialKind, value: unknown): SignatureAlgorithm[] {
  if (value === undefined || value === null) return [...defaultAlgorithms[kind]];
  if (!Array.isArray(value) || value.length === 0) throw fieldError('algorithms', 'must be a non-empty list');
  const out: SignatureAlgorithm[] = [];
  for (const a of value) {
    if (!algorithmsOf[kind].includes(a as SignatureAlgorithm)) {
      throw new AppError('LGSP_ALGORITHM_NOT_ALLOWED', { algorithm: String(a).slice(0, 40), kind });
    }
    if (!out.includes(a as SignatureAlgorithm)) out.push(a as SignatureAlgorithm);
  }
  return out;
}

/** A positive integer limit or null. */
export function optionalLimit(value: unknown, field: string, max: number): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw fieldError(field, `must be an integer from 1 to ${max}`);
  }
  return value;
}

/** HTTP methods, upper case, de-duplicated, in the canonical order. */
export function methodsOf(value: unknown, field: string): HttpMethod[] {
  if (!Array.isArray(value) || value.length === 0) throw fieldError(field, 'must be a non-empty list');
  const wanted = new Set(value.map((m) => (typeof m === 'string' ? m.toUpperCase() : '')));
  for (const m of wanted) {
    if (!httpMethods.includes(m as HttpMethod))
      throw fieldError(field, `unknown HTTP method ${m.slice(0, 20)}`);
  }
  return httpMethods.filter((m) => wanted.has(m));
}

/**
 * A destination's base URL: absolute http or https, a host, no user name or password (they would be sent
 * to every caller's logs), no fragment. Returned without a trailing slash so paths join with one `/`.
 */
export function baseUrlOf(value: unknown): string {
  if (typeof value !== 'string' || value.length > limits.url) {
    throw new AppError('LGSP_SERVICE_URL_INVALID', { reason: 'not text or too long' });
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new AppError('LGSP_SERVICE_URL_INVALID', { reason: 'not an absolute URL' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('LGSP_SERVICE_URL_INVALID', { reason: 'only http and https' });
  }
  if (!url.hostname) throw new AppError('LGSP_SERVICE_URL_INVALID', { reason: 'no host' });
  if (url.username || url.password) {
    throw new AppError('LGSP_SERVICE_URL_INVALID', { reason: 'credentials in the URL' });
  }
  if (url.hash || value.includes('#')) throw new AppError('LGSP_SERVICE_URL_INVALID', { reason: 'fragment' });
  if (url.search) throw new AppError('LGSP_SERVICE_URL_INVALID', { reason: 'query string' });
  // Destinations live on internal networks (LGSP-32), so private addresses are fine; link-local (cloud
  // metadata services answer at 169.254.169.254) and unspecified addresses never name a destination.
  const host = url.hostname.replace(/^\[|\]$/gu, '');
  if (ipaddr.isValid(host)) {
    const range = ipaddr.process(host).range();
    if (range === 'linkLocal' || range === 'unspecified' || range === 'broadcast' || range === 'multicast') {
      throw new AppError('LGSP_SERVICE_URL_INVALID', { reason: `${range} address` });
    }
  }
  return url.toString().replace(/\/+$/u, '');
}

/** A health-check path: absolute path (with an optional query), no spaces, no `..` segments. */
export function healthPathOf(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (
    typeof value !== 'string' ||
    value.length > limits.healthPath ||
    !/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*(\?[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?$/u.test(value) ||
    /(^|\/)\.\.(\/|$|\?)/u.test(value)
  ) {
    throw fieldError('healthPath', 'must be an absolute path such as /health');
  }
  return value;
}

/** Data type tags: NFC, unique (case- and diacritic-sensitive as typed), at most 20. */
export function dataTypesOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw fieldError('dataTypes', 'must be a list');
  if (value.length > limits.dataTypes) throw fieldError('dataTypes', `at most ${limits.dataTypes} tags`);
  const out: string[] = [];
  for (const v of value) {
    const tag = requiredText(v, 'dataTypes', limits.dataType);
    if (!out.includes(tag)) out.push(tag);
  }
  return out;
}

/** Refuses an actor without `permission` (the HTTP gate checks first; this guards non-HTTP callers). */
export function requirePermission(ctx: Ctx, permission: string): void {
  if (ctx.actor.kind === 'system') return;
  if (!ctx.actor.permissions.has(permission)) throw new AppError('IAM_FORBIDDEN');
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A new access key: `lgsp_` + 20 base32 characters (100 random bits; public, an identifier). */
export function newAccessKey(): string {
  const bytes = randomBytes(20);
  let out = 'lgsp_';
  // One byte per character, 5 bits each: 256 is a multiple of 32, so every character is uniform.
  for (const b of bytes) out += BASE32[b & 31];
  return out;
}

/** A new HMAC secret: 32 random bytes, base64url (43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Who made a change, as stored beside the change (audit has the rest). */
export function actorLabel(ctx: Ctx): string {
  return ctx.actor.name;
}

/** The actor's id when it is an account (history rows reference accounts by uuid). */
export function actorIdOf(ctx: Ctx): string | null {
  return isUuid(ctx.actor.id) ? ctx.actor.id : null;
}

/** True when a PostgreSQL error (or its cause) is a unique violation; returns the constraint name. */
export function uniqueViolation(err: unknown): string | null {
  const e = pgErrorOf(err);
  return e?.code === '23505' ? (e.constraint ?? '') : null;
}
