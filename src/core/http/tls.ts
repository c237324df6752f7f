/**
 * @module core/http/tls
 * HTTPS options from configuration: PEM files, a PKCS#12 bundle, or a self-signed certificate for trials
 * (generated once into the data folder and reused).
 */
import { KeyObject, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { Config } from '../config/index.ts';
import { AppError } from '../errors/index.ts';

export interface TlsOptions {
  cert?: string | Buffer;
  key?: string | Buffer;
  pfx?: Buffer;
  passphrase?: string;
}

/** Returns HTTPS options, or null when TLS is off. */
export async function tlsOptions(config: Readonly<Config>): Promise<TlsOptions | null> {
  const { tls } = config;
  switch (tls.mode) {
    case 'off':
      return null;
    case 'files':
      try {
        if (tls.pfxFile)
          return { pfx: readFileSync(tls.pfxFile), passphrase: tls.pfxPassphrase || undefined };
        return { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) };
      } catch (err) {
        throw new AppError(
          'CONFIG_INVALID',
          { summary: `tls: cannot read certificate files (${(err as Error).message})` },
          { cause: err },
        );
      }
    case 'self-signed': {
      const dir = join(config.dataDir, 'tls');
      const certFile = join(dir, 'self-signed.crt');
      const keyFile = join(dir, 'self-signed.key');
      if (!existsSync(certFile) || !existsSync(keyFile)) {
        const { cert, key } = await generateSelfSigned([hostname(), 'localhost']);
        mkdirSync(dir, { recursive: true });
        writeFileSync(certFile, cert);
        writeFileSync(keyFile, key, { mode: 0o600 });
      }
      return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
    }
  }
}

/** Generates an ECDSA P-256 self-signed certificate valid for one year for the given names and loopback. */
export async function generateSelfSigned(dnsNames: string[]): Promise<{ cert: string; key: string }> {
  x509.cryptoProvider.set(webcrypto as never);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = new Date();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Date.now().toString(16),
    name: 'CN=Tinh So (self-signed), O=Tinh So',
    notBefore: now,
    notAfter: new Date(now.getTime() + 365 * 86_400_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.SubjectAlternativeNameExtension([
        ...[...new Set(dnsNames)].map((value) => ({ type: 'dns' as const, value })),
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
    ],
  });
  const key = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { cert: cert.toString('pem'), key };
}
