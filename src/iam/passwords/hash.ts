/**
 * @module iam/passwords/hash
 * argon2id password hashing (SEC-02: stronger than the SHA-2 family the checklist names as a minimum).
 */
import argon2 from 'argon2';

// OWASP's argon2id baseline (19 MiB, t=2, p=1): strong, and fast enough to keep login throughput useful.
const options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

let dummyHash: Promise<string> | null = null;

/** Hashes a password. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password.normalize('NFC'), options);
}

/** Verifies a password; a malformed stored hash counts as a mismatch. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password.normalize('NFC'));
  } catch {
    return false;
  }
}

/** Spends the same time as a real verification, so unknown usernames cannot be told apart by timing. */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword('dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
}
