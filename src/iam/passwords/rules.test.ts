import fc from 'fast-check';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { PasswordPolicy } from '../policies/schema.ts';
import { generatePassword, passwordProblems } from './rules.ts';

const policy = Value.Default(PasswordPolicy, {}) as PasswordPolicy;

describe('password rules', () => {
  it('names every broken rule in both languages', () => {
    const problems = passwordProblems('abc', policy);
    expect(problems.map((p) => p.en)).toEqual([
      'at least 12 characters',
      'an upper-case letter',
      'a digit',
      'a symbol',
    ]);
    expect(problems[0]!.vi).toBe('ít nhất 12 ký tự');
  });

  it('counts Vietnamese letters as letters of their case', () => {
    expect(passwordProblems('Đường#Mới2026ạ', policy)).toEqual([]);
  });

  it('refuses a password containing the username', () => {
    expect(passwordProblems('Nguyenvana#2026', policy, 'nguyenvana').map((p) => p.en)).toContain(
      'must not contain the username',
    );
  });

  it('generates passwords that always satisfy the policy', () => {
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 40 }), (minLength) => {
        const p = { ...policy, minLength };
        expect(passwordProblems(generatePassword(p), p)).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });
});
