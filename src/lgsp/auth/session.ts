/**
 * @module lgsp/auth/session
 * Access session keys (Article 10 step 2): `lgsp1.<base64url payload>.<base64url HMAC-SHA256>`, stateless so
 * any node checks one without a database hop. The MAC key is derived from the platform master key with
 * HKDF (label `lgsp-session`), so every node of a deployment shares it and nothing else can forge one.
 */
import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import type { SessionClaims } from '../contracts.ts';

/** What a session key carries: the contract's claims plus the source's access key (to check revocation). */
export interface IssuedClaims extends SessionClaims {
  /** The access key the session was requested with; the session dies with it. */
  readonly sourceAccessKey: string;
  readonly issuedAt: Date;
}

/** Outcome of reading a key: its claims, or why it is refused. */
export type SessionRead =
  | { readonly ok: true; readonly claims: IssuedClaims }
  | { readonly ok: false; readonly code: 'LGSP_SESSION_INVALID' | 'LGSP_SESSION_EXPIRED' };

interface Payload {
  v: 1;
  sid: string;
  app: string;
  unit: string;
  svc: string;
  ops: string[];
  ak: string;
  iat: number;
  exp: number;
}

const PREFIX = 'lgsp1.';
const B64URL = /^[A-Za-z0-9_-]+$/;

/** Derives the session MAC key from the master key (HKDF-SHA256, label `lgsp-session`). */
export function sessionKeyFromMaster(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'lgsp-session', 32));
}

/** Issues and reads session keys with one derived key. */
export class SessionKeys {
  constructor(private readonly key: Buffer) {}

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest();
  }

  /** A new session key for the claims (a fresh session id is drawn). */
  issue(claims: Omit<IssuedClaims, 'sessionId'>): { key: string; claims: IssuedClaims } {
    const sessionId = randomUUID();
    const payload: Payload = {
      v: 1,
      sid: sessionId,
      app: claims.sourceApplicationId,
      unit: claims.sourceUnitCode,
      svc: claims.serviceId,
      ops: [...claims.operations],
      ak: claims.sourceAccessKey,
      iat: Math.floor(claims.issuedAt.getTime() / 1000),
      exp: Math.floor(claims.expiresAt.getTime() / 1000),
    };
    const body = `${PREFIX}${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
    return {
      key: `${body}.${this.mac(body).toString('base64url')}`,
      claims: {
        ...claims,
        sessionId,
        expiresAt: new Date(payload.exp * 1000),
        issuedAt: new Date(payload.iat * 1000),
      },
    };
  }

  /** Reads a session key: the MAC is checked (constant time) before the payload is even parsed. */
  read(key: string, now: Date): SessionRead {
    const invalid = { ok: false, code: 'LGSP_SESSION_INVALID' } as const;
    if (typeof key !== 'string' || key.length > 4096 || !key.startsWith(PREFIX)) return invalid;
    const parts = key.split('.');
    if (parts.length !== 3) return invalid;
    const [, payloadText, macText] = parts as [string, string, string];
    if (!B64URL.test(payloadText) || !B64URL.test(macText)) return invalid;
    const expected = this.mac(`${PREFIX}${payloadText}`);
    const given = Buffer.from(macText, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
    let p: Payload;
    try {
      p = JSON.parse(Buffer.from(payloadText, 'base64url').toString('utf8')) as Payload;
    } catch {
      return invalid;
    }
    if (p.v !== 1 || typeof p.exp !== 'number' || !Array.isArray(p.ops)) return invalid;
    if (p.exp * 1000 <= now.getTime()) return { ok: false, code: 'LGSP_SESSION_EXPIRED' };
    return {
      ok: true,
      claims: {
        sessionId: p.sid,
        sourceApplicationId: p.app,
        sourceUnitCode: p.unit,
        serviceId: p.svc,
        operations: p.ops,
        sourceAccessKey: p.ak,
        issuedAt: new Date(p.iat * 1000),
        expiresAt: new Date(p.exp * 1000),
      },
    };
  }
}
