import { describe, expect, it } from 'vitest';
import { ipInRanges, isLoopback, normaliseCidr } from './client-ip.ts';

describe('client-ip', () => {
  it('recognises loopback in IPv4, IPv6 and IPv4-mapped form', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('127.9.9.9')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
    expect(isLoopback('not an ip')).toBe(false);
  });
  it('matches CIDR ranges and single addresses across address families', () => {
    expect(ipInRanges('10.1.2.3', ['10.0.0.0/8'])).toBe(true);
    expect(ipInRanges('::ffff:10.1.2.3', ['10.0.0.0/8'])).toBe(true);
    expect(ipInRanges('11.1.2.3', ['10.0.0.0/8'])).toBe(false);
    expect(ipInRanges('2001:db8::5', ['2001:db8::/32'])).toBe(true);
    expect(ipInRanges('192.168.1.7', ['192.168.1.7'])).toBe(true);
    expect(ipInRanges('192.168.1.8', ['192.168.1.7', 'garbage'])).toBe(false);
  });
  it('normalises valid CIDRs and rejects invalid ones', () => {
    expect(normaliseCidr(' 10.0.0.0/8 ')).toBe('10.0.0.0/8');
    expect(normaliseCidr('10.0.0.0/33')).toBeNull();
    expect(normaliseCidr("1.1.1.1'; drop table x")).toBeNull();
    // Shorthand that ipaddr.js would read as a different network is refused.
    for (const loose of ['10/8', '42', '010.0.0.1', '10.0.0.0/8x', 'fe80::1%eth0'])
      expect(normaliseCidr(loose)).toBeNull();
    expect(normaliseCidr('2001:DB8::/32')).toBe('2001:db8::/32');
  });
});
