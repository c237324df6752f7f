import { describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors/index.ts';
import { normaliseCidr, plainAddress, type RangeInfo, RangeMatcher } from './ip-ranges.ts';

const range = (id: string, cidr: string): RangeInfo => ({
  id,
  cidr,
  systemId: `sys-${id}`,
  systemCode: `code-${id}`,
  unitId: `unit-${id}`,
});

describe('normaliseCidr', () => {
  it('clears host bits and writes addresses in their canonical form', () => {
    expect(normaliseCidr('203.0.113.77/24')).toEqual({ cidr: '203.0.113.0/24', version: 4, bits: 24 });
    expect(normaliseCidr(' 198.51.100.9 ')).toEqual({ cidr: '198.51.100.9/32', version: 4, bits: 32 });
    expect(normaliseCidr('2001:DB8:0:0:1::ff/48').cidr).toBe('2001:db8::/48');
    expect(normaliseCidr('2001:db8::1').cidr).toBe('2001:db8::1/128');
    expect(normaliseCidr('10.1.2.3/0').cidr).toBe('0.0.0.0/0');
    expect(normaliseCidr('10.1.2.3/13').cidr).toBe('10.0.0.0/13');
  });

  it('refuses what is not an IPv4/IPv6 address or CIDR, with SOC_IP_RANGE_INVALID', () => {
    for (const bad of [
      '10.1/16',
      '10.0.0.0/33',
      '2001:db8::/129',
      '300.1.1.1',
      'abc',
      '10.0.0.0/-1',
      'fe80::1%eth0',
      '',
    ]) {
      let caught: unknown;
      try {
        normaliseCidr(bad);
      } catch (err) {
        caught = err;
      }
      expect(isAppError(caught, 'SOC_IP_RANGE_INVALID'), bad).toBe(true);
    }
  });
});

describe('RangeMatcher', () => {
  const m = new RangeMatcher([
    range('wide', '203.0.113.0/24'),
    range('narrow', '203.0.113.64/26'),
    range('host', '198.51.100.7/32'),
    range('v6', '2001:db8:10::/48'),
    range('v6odd', '2001:db8:20::/45'),
  ]);

  it('answers the most specific range holding an address', () => {
    expect(m.match('203.0.113.5')?.id).toBe('wide');
    expect(m.match('203.0.113.70')?.id).toBe('narrow');
    expect(m.match('203.0.113.127')?.id).toBe('narrow');
    expect(m.match('203.0.113.128')?.id).toBe('wide');
    expect(m.match('198.51.100.7')?.id).toBe('host');
    expect(m.match('198.51.100.8')).toBeNull();
    expect(m.match('203.0.114.1')).toBeNull();
  });

  it('matches IPv6, prefixes not on a nibble boundary, and IPv4-mapped IPv6 addresses', () => {
    expect(m.match('2001:db8:10:ffff::1')?.id).toBe('v6');
    expect(m.match('2001:db8:11::1')).toBeNull();
    expect(m.match('2001:db8:27:1::1')?.id).toBe('v6odd');
    expect(m.match('2001:db8:28::1')).toBeNull();
    expect(m.match('::ffff:203.0.113.66')?.id).toBe('narrow');
  });

  it('matches nothing for non-addresses, and the same answer twice from its cache', () => {
    for (const v of [undefined, null, 42, '', 'not-an-ip', '203.0.113', '203.0.113.5.1', '203.0.113.256']) {
      expect(m.match(v), String(v)).toBeNull();
    }
    expect(m.match('203.0.113.70')).toBe(m.match('203.0.113.70'));
    expect(new RangeMatcher([]).match('203.0.113.70')).toBeNull();
  });

  it('tells plain addresses (what may be cast to inet) from the rest', () => {
    expect(plainAddress('10.0.0.1')).toBe('10.0.0.1');
    expect(plainAddress('2001:db8::1')).toBe('2001:db8::1');
    for (const v of ['10.0.0.1:514', 'fe80::1%eth0', 'host.example', 7, null])
      expect(plainAddress(v)).toBeNull();
  });
});
