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

type Range = { net: ipaddr.IPv4 | ipaddr.IPv6; bits: number };

// Parsed allow-lists, keyed by the list object: the settings cache hands out the same array for a while,
// so the admin-network check on every admin request does not re-parse every CIDR.
const parsedRanges = new WeakMap<readonly string[], Range[]>();

function parseRanges(ranges: readonly string[]): Range[] {
  let parsed = parsedRanges.get(ranges);
  if (parsed) return parsed;
  parsed = [];
  for (const range of ranges) {
    try {
      const [net, bits] = range.includes('/') ? ipaddr.parseCIDR(range) : [ipaddr.process(range), -1];
      const mapped = net.kind() === 'ipv6' && (net as ipaddr.IPv6).isIPv4MappedAddress();
      parsed.push({
        net: mapped ? (net as ipaddr.IPv6).toIPv4Address() : net,
        bits: mapped && bits >= 96 ? bits - 96 : bits,
      });
    } catch {
      // An invalid entry matches nothing; lists are validated when they are saved.
    }
  }
  parsedRanges.set(ranges, parsed);
  return parsed;
}

/** True when `ip` lies in one of the CIDR ranges (or equals one of the addresses). */
export function ipInRanges(ip: string, ranges: readonly string[]): boolean {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(ip);
  } catch {
    return false;
  }
  return parseRanges(ranges).some(({ net, bits }) => {
    if (net.kind() !== addr.kind()) return false;
    if (bits === -1) return net.toString() === addr.toString();
    return addr.match(net, bits);
  });
}

/** An address or network as an administrator typed it: the address as written and the prefix, if any. */
export interface TypedNetwork {
  address: ipaddr.IPv4 | ipaddr.IPv6;
  /** The prefix length after the slash; null for a bare address. */
  prefix: number | null;
}

/**
 * Reads an address or CIDR as an administrator types it, or null. Only the usual notations are accepted:
 * ipaddr.js alone also reads "10/8" as 0.0.0.10/8, "42" as 0.0.0.42 and "010.0.0.1" as octal 8.0.0.1,
 * which would silently admit a network other than the one meant.
 */
export function parseTypedNetwork(value: string): TypedNetwork | null {
  const text = value.trim();
  const slash = text.indexOf('/');
  const written = slash < 0 ? text : text.slice(0, slash);
  const v4 = ipaddr.IPv4.isValidFourPartDecimal(written);
  if (!v4 && !(ipaddr.IPv6.isValid(written) && !written.includes('%'))) return null;
  const bits = slash < 0 ? null : text.slice(slash + 1);
  if (bits !== null && (!/^\d{1,3}$/.test(bits) || Number(bits) > (v4 ? 32 : 128))) return null;
  try {
    const address = v4 ? ipaddr.IPv4.parse(written) : ipaddr.IPv6.parse(written);
    return { address, prefix: bits === null ? null : Number(bits) };
  } catch {
    return null;
  }
}

/** The normal form of an address or CIDR as an administrator types it (host bits kept), or null. */
export function normaliseCidr(value: string): string | null {
  const typed = parseTypedNetwork(value);
  if (!typed) return null;
  // A bare IPv4-mapped IPv6 address reads as the IPv4 address it carries, as the request's address does.
  if (typed.prefix === null) return ipaddr.process(typed.address.toString()).toString();
  return `${typed.address.toString()}/${typed.prefix}`;
}
