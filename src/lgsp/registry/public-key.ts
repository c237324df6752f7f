/**
 * @module lgsp/registry/public-key
 * Reads the public key an RSA application registers: a PEM public key (SPKI or PKCS#1) or an X.509
 * certificate (PEM or base64 DER). Refuses what cannot verify RSA signatures safely: other key types,
 * keys under 2048 bits, certificates outside their validity period.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { AppError } from '../../core/errors/index.ts';
import { MIN_RSA_BITS } from './model.ts';

/** What is stored of a registered RSA key. */
export interface ParsedPublicKey {
  /** SubjectPublicKeyInfo PEM, what the authentication service verifies with. */
  publicKeyPem: string;
  bits: number;
  certificate: {
    pem: string;
    subject: string;
    serial: string;
    notBefore: Date;
    notAfter: Date;
  } | null;
}

/** Largest PEM accepted: a certificate chain is a few KB; anything near this is not one key. */
export const MAX_PEM_CHARS = 20_000;

function invalid(reason: string, cause?: unknown): AppError {
  return new AppError('LGSP_PUBLIC_KEY_INVALID', { reason }, cause ? { cause } : undefined);
}

function checkRsa(key: KeyObject): number {
  if (key.asymmetricKeyType !== 'rsa') throw invalid(`key type ${key.asymmetricKeyType ?? 'unknown'}`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new AppError('LGSP_KEY_TOO_WEAK', { bits, minimum: MIN_RSA_BITS });
  return bits;
}

/** Parses and checks a registered key or certificate at time `now`. */
export function parsePublicKey(input: string, now: Date): ParsedPublicKey {
  if (typeof input !== 'string' || input.length === 0) throw invalid('empty');
  if (input.length > MAX_PEM_CHARS) throw invalid('too long');
  const text = input.trim();
  const isCertificate = text.includes('-----BEGIN CERTIFICATE-----') || !text.startsWith('-----BEGIN');
  if (!isCertificate) {
    if (!/^-----BEGIN (RSA )?PUBLIC KEY-----/u.test(text)) throw invalid('not a public key or certificate');
    let key: KeyObject;
    try {
      key = createPublicKey({ key: text, format: 'pem' });
    } catch (err) {
      throw invalid('unreadable PEM', err);
    }
    const bits = checkRsa(key);
    return { publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(), bits, certificate: null };
  }
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(text);
  } catch (err) {
    throw invalid('unreadable certificate', err);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: 'der', type: 'spki' });
  } catch (err) {
    throw invalid('unreadable certificate key', err);
  }
  const bits = checkRsa(key);
  if (cert.notAfter.getTime() <= now.getTime()) {
    throw new AppError('LGSP_CERTIFICATE_EXPIRED', { notAfter: cert.notAfter.toISOString() });
  }
  if (cert.notBefore.getTime() > now.getTime()) {
    throw new AppError('LGSP_CERTIFICATE_NOT_YET_VALID', { notBefore: cert.notBefore.toISOString() });
  }
  return {
    publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(),
    bits,
    certificate: {
      pem: cert.toString('pem'),
      subject: cert.subject,
      serial: cert.serialNumber,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
    },
  };
}
