/**
 * @module iam/passwords/rules
 * Checks a candidate password against the password policy (SEC-03 b) and generates one-time passwords.
 */
import { randomInt } from 'node:crypto';
import type { PasswordPolicy } from '../policies/schema.ts';

/** Each rule broken, as a Vietnamese/English pair; empty when the password is acceptable. */
export function passwordProblems(
  password: string,
  policy: PasswordPolicy,
  username = '',
): { vi: string; en: string }[] {
  const out: { vi: string; en: string }[] = [];
  if ([...password].length < policy.minLength) {
    out.push({ vi: `ít nhất ${policy.minLength} ký tự`, en: `at least ${policy.minLength} characters` });
  }
  if (policy.requireLower && !/\p{Ll}/u.test(password))
    out.push({ vi: 'có chữ thường', en: 'a lower-case letter' });
  if (policy.requireUpper && !/\p{Lu}/u.test(password))
    out.push({ vi: 'có chữ hoa', en: 'an upper-case letter' });
  if (policy.requireDigit && !/\p{Nd}/u.test(password)) out.push({ vi: 'có chữ số', en: 'a digit' });
  if (policy.requireSymbol && !/[^\p{L}\p{Nd}\s]/u.test(password)) {
    out.push({ vi: 'có ký tự đặc biệt', en: 'a symbol' });
  }
  if (username && password.toLowerCase().includes(username.toLowerCase())) {
    out.push({ vi: 'không chứa tên đăng nhập', en: 'must not contain the username' });
  }
  if (password.length > 256) out.push({ vi: 'không quá 256 ký tự', en: 'at most 256 characters' });
  return out;
}

const alphabet = {
  lower: 'abcdefghijkmnopqrstuvwxyz',
  upper: 'ABCDEFGHJKLMNPQRSTUVWXYZ',
  digit: '23456789',
  symbol: '!@#$%*-_+=?',
};

/** A random password that satisfies the policy (for first login and resets; the user must change it). */
export function generatePassword(policy: PasswordPolicy): string {
  const length = Math.max(policy.minLength, 16);
  const all = Object.values(alphabet).join('');
  const chars = [
    alphabet.lower[randomInt(alphabet.lower.length)],
    alphabet.upper[randomInt(alphabet.upper.length)],
    alphabet.digit[randomInt(alphabet.digit.length)],
    alphabet.symbol[randomInt(alphabet.symbol.length)],
  ] as string[];
  while (chars.length < length) chars.push(all[randomInt(all.length)] as string);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}
