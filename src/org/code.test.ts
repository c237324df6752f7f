import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../core/errors/index.ts';
import {
  assertCodeFitsParent,
  childCode,
  codeLevel,
  formatCode,
  isChildCodeOf,
  nextFreeChildCode,
  normaliseCode,
  ownNumber,
  parentCodeOf,
  parseCode,
  pickChildNumber,
  tryNormaliseCode,
} from './code.ts';

const CANONICAL = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;

/** Valid parsed codes: levels fill from the right without gaps. */
const validParsed = fc
  .record({
    level: fc.integer({ min: 1, max: 4 }),
    v: fc.integer({ min: 1, max: 999 }),
    z: fc.integer({ min: 1, max: 99 }),
    y: fc.integer({ min: 1, max: 99 }),
    letter: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
    digits: fc.integer({ min: 0, max: 99 }),
  })
  .map(({ level, v, z, y, letter, digits }) => ({
    v: level >= 4 ? v : 0,
    z: level >= 3 ? z : 0,
    y: level >= 2 ? y : 0,
    group: `${letter}${String(digits).padStart(2, '0')}`,
  }));

describe('QCVN 102:2016 codes', () => {
  it('reads the four levels of the province examples', () => {
    expect(codeLevel('000.00.00.H23')).toBe(1);
    expect(codeLevel('000.00.31.H23')).toBe(2);
    expect(codeLevel('000.12.31.H23')).toBe(3);
    expect(codeLevel('001.12.31.H23')).toBe(4);
  });

  it('derives the parent by clearing the highest non-zero segment', () => {
    expect(parentCodeOf('001.12.31.H23')).toBe('000.12.31.H23');
    expect(parentCodeOf('000.12.31.H23')).toBe('000.00.31.H23');
    expect(parentCodeOf('000.00.31.H23')).toBe('000.00.00.H23');
    expect(parentCodeOf('000.00.00.H23')).toBeNull();
  });

  it('normalises the shorter right-aligned forms seen in practice', () => {
    expect(normaliseCode('00.01.H03')).toBe('000.00.01.H03');
    expect(normaliseCode('28.22.H17')).toBe('000.28.22.H17');
    expect(normaliseCode('22.W00')).toBe('000.00.22.W00');
    expect(normaliseCode('H23')).toBe('000.00.00.H23');
    expect(normaliseCode(' 000.00.31.h23 ')).toBe('000.00.31.H23');
  });

  it('rejects ambiguous or malformed codes with ORG_CODE_INVALID', () => {
    for (const bad of [
      'H55.242',
      '1.2.31.H23',
      '000.00.31',
      '000.12.00.H23',
      '001.00.31.H23',
      'HH23',
      '',
      '0000.00.00.H23',
    ]) {
      expect(() => normaliseCode(bad), bad).toThrow(expect.objectContaining({ code: 'ORG_CODE_INVALID' }));
    }
  });

  it('accepts a child only one level down with the parent as prefix', () => {
    expect(isChildCodeOf('000.00.31.H23', '000.00.00.H23')).toBe(true);
    expect(isChildCodeOf('000.12.31.H23', '000.00.31.H23')).toBe(true);
    expect(isChildCodeOf('001.12.31.H23', '000.12.31.H23')).toBe(true);
    expect(isChildCodeOf('000.12.31.H23', '000.00.00.H23')).toBe(false);
    expect(isChildCodeOf('000.00.31.K23', '000.00.00.H23')).toBe(false);
    expect(isChildCodeOf('000.12.32.H23', '000.00.31.H23')).toBe(false);
    expect(() => assertCodeFitsParent('000.12.32.H23', '000.00.31.H23')).toThrow(
      expect.objectContaining({ code: 'ORG_CODE_PARENT_MISMATCH' }),
    );
    expect(() => assertCodeFitsParent('000.00.31.H23', null)).toThrow(
      expect.objectContaining({ code: 'ORG_CODE_PARENT_MISMATCH' }),
    );
    expect(() => assertCodeFitsParent('000.00.00.H23', null)).not.toThrow();
  });

  it('builds child codes and refuses a fifth level', () => {
    expect(childCode('000.00.00.H23', 5)).toBe('000.00.05.H23');
    expect(childCode('000.00.31.H23', 12)).toBe('000.12.31.H23');
    expect(childCode('000.12.31.H23', 101)).toBe('101.12.31.H23');
    expect(() => childCode('001.12.31.H23', 1)).toThrow(
      expect.objectContaining({ code: 'ORG_CODE_LEVEL_EXCEEDED' }),
    );
    expect(() => childCode('000.00.31.H23', 100)).toThrow(
      expect.objectContaining({ code: 'ORG_CODE_INVALID' }),
    );
  });

  it('suggests the number after the highest issued, counting closed codes, then the lowest gap', () => {
    expect(nextFreeChildCode('000.00.00.H23', [])).toBe('000.00.01.H23');
    expect(nextFreeChildCode('000.00.00.H23', ['000.00.01.H23', '000.00.07.H23', '000.12.07.H23'])).toBe(
      '000.00.08.H23',
    );
    const full = Array.from({ length: 99 }, (_, i) => childCode('000.00.31.H23', i + 1)).filter(
      (c) => c !== '000.40.31.H23',
    );
    expect(nextFreeChildCode('000.00.31.H23', full)).toBe('000.40.31.H23');
    expect(nextFreeChildCode('000.00.31.H23', [...full, '000.40.31.H23'])).toBeNull();
    expect(nextFreeChildCode('001.12.31.H23', [])).toBeNull();
    expect(pickChildNumber(new Set([1, 2]), 99, 2)).toBe(3);
    expect(pickChildNumber(new Set([1, 2]), 99, 9)).toBe(9);
  });

  describe('properties', () => {
    it('every valid code round-trips through format, parse and normalise', () => {
      fc.assert(
        fc.property(validParsed, (p) => {
          const code = formatCode(p);
          expect(code).toMatch(CANONICAL);
          expect(parseCode(code)).toEqual(p);
          expect(normaliseCode(code)).toBe(code);
          expect(normaliseCode(code.toLowerCase())).toBe(code);
        }),
      );
    });

    it('a child code is one level below its parent and names it', () => {
      fc.assert(
        fc.property(validParsed, (p) => {
          const code = formatCode(p);
          const parent = parentCodeOf(code);
          if (parent === null) {
            expect(codeLevel(code)).toBe(1);
          } else {
            expect(codeLevel(parent)).toBe(codeLevel(code) - 1);
            expect(isChildCodeOf(code, parent)).toBe(true);
            expect(childCode(parent, ownNumber(code))).toBe(code);
          }
        }),
      );
    });

    it('short forms normalise to the full code that drops the same leading zeros', () => {
      fc.assert(
        fc.property(validParsed, (p) => {
          const code = formatCode(p);
          const segments = code.split('.');
          // Drop leading all-zero segments: that is exactly what the short forms in circulation do.
          let i = 0;
          while (i < 3 && /^0+$/.test(segments[i]!)) i++;
          expect(normaliseCode(segments.slice(i).join('.'))).toBe(code);
        }),
      );
    });

    it('arbitrary strings never crash: either a canonical code or ORG_CODE_INVALID', () => {
      fc.assert(
        fc.property(
          fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[\d.A-Za-z ]{0,20}$/)),
          (s) => {
            const code = tryNormaliseCode(s);
            if (code === null) {
              try {
                normaliseCode(s);
                expect.unreachable('normaliseCode accepted what tryNormaliseCode refused');
              } catch (err) {
                expect(isAppError(err, 'ORG_CODE_INVALID')).toBe(true);
              }
            } else {
              expect(code).toMatch(CANONICAL);
              expect(normaliseCode(code)).toBe(code);
            }
          },
        ),
        { numRuns: 2000 },
      );
    });
  });
});
