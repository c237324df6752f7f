/**
 * @module core/http/client-ip
 * Network facts about a request: loopback, and whether it arrived over TLS (directly or via a trusted proxy).
 */
import ipaddr from 'ipaddr.js';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(ip: string): boolean {
  try {
    const addr = ipaddr.process(ip);
    return addr.range() === 'loopback';
  } catch {
    return false;
  }
}

/** True when `ip` lies in one of the CIDR ranges (or equals one of the addresses). */
export function ipInRanges(ip: string, ranges: readonly string[]): boolean {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(ip);
  } catch {
    return false;
  }
  return ranges.some((range) => {
    try {
      const [net, bits] = range.includes('/') ? ipaddr.parseCIDR(range) : [ipaddr.process(range), -1];
      const network =
        net.kind() === 'ipv6' && (net as ipaddr.IPv6).isIPv4MappedAddress()
          ? (net as ipaddr.IPv6).toIPv4Address()
          : net;
      if (network.kind() !== addr.kind()) return false;
      if (bits === -1) return network.toString() === addr.toString();
      return addr.match(network, bits);
    } catch {
      return false;
    }
  });
}

/** Validates a CIDR or address string; returns its normal form or null. */
export function normaliseCidr(value: string): string | null {
  try {
    if (value.includes('/')) {
      const [net, bits] = ipaddr.parseCIDR(value.trim());
      return `${net.toString()}/${bits}`;
    }
    return ipaddr.process(value.trim()).toString();
  } catch {
    return null;
  }
}
