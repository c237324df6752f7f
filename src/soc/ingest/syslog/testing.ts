/**
 * @module soc/ingest/syslog/testing
 * Test helpers: a real LocalQueue as the sink, collecting what it processes, and listeners on free ports.
 */
import { KeyObject, webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createLogger } from '../../../core/log/logger.ts';
import type { RawEvent } from '../../contracts.ts';
import { SiemTotals } from '../../health/counters.ts';
import { LocalQueue } from '../../processing/local-queue.ts';
import type { ListenerOptions } from './listener.ts';

/** A LocalQueue whose processing collects the events, with `until` to wait for a count. */
export function collectingQueue(
  options: { capacity?: number; batchSize?: number; process?: (b: RawEvent[]) => Promise<void> } = {},
) {
  const events: RawEvent[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const queue = new LocalQueue({
    capacity: options.capacity ?? 100_000,
    batchSize: options.batchSize ?? 500,
    flushIntervalMs: 1,
    process: async (batch) => {
      await options.process?.(batch);
      events.push(...batch);
      for (const w of waiters.splice(0)) {
        if (events.length >= w.n) w.resolve();
        else waiters.push(w);
      }
    },
  });
  return {
    queue,
    events,
    /** Resolves once `n` events were processed; rejects after `ms`. */
    until(n: number, ms = 10_000): Promise<RawEvent[]> {
      if (events.length >= n) return Promise.resolve(events);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${events.length} of ${n} events arrived`)), ms);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve(events);
          },
        });
      });
    },
  };
}

/** Listener options on 127.0.0.1 and a free port, over `queue`, counting into fresh totals. */
export function listenerOptions(
  queue: LocalQueue,
  overrides: Partial<ListenerOptions> = {},
): ListenerOptions & { counters: SiemTotals } {
  return {
    input: 'syslog-test',
    host: '127.0.0.1',
    port: 0,
    maxEventBytes: 65_536,
    maxConnections: 100,
    charset: () => undefined,
    sink: queue,
    log: createLogger('silent'),
    ...overrides,
    counters: new SiemTotals(),
  };
}

/** A certificate authority and a server certificate it signed for `localhost`/127.0.0.1 (PEM). */
export async function testCertificates(): Promise<{ ca: string; cert: string; key: string }> {
  x509.cryptoProvider.set(webcrypto as never);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const gen = async () =>
    (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const caKeys = await gen();
  const serverKeys = await gen();
  const now = new Date(Date.now() - 60_000);
  const notAfter = new Date(now.getTime() + 86_400_000);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Tinh So test CA',
    notBefore: now,
    notAfter,
    keys: caKeys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=localhost',
    issuer: ca.subject,
    notBefore: now,
    notAfter,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const key = KeyObject.from(serverKeys.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { ca: ca.toString('pem'), cert: cert.toString('pem'), key };
}
