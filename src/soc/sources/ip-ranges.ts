/**
 * @module soc/sources/ip-ranges
 * The province's public IP ranges in memory (SOC-17): CIDR validation and normalisation, and the matcher the
 * enricher asks for every event's addresses. Matching goes from the longest registered prefix to the
 * shortest (the most specific range wins when ranges overlap), one Map lookup per distinct prefix length;
 * answers are cached per address string, since a batch repeats the same few addresses many times.
 */
import ipaddr from 'ipaddr.js';
import { AppError } from '../../core/errors/index.ts';
import { parseTypedNetwork } from '../../core/http/client-ip.ts';

/** A registered range as the matcher needs it. */
export interface RangeInfo {
  id: string;
  cidr: string;
  systemId: string;
  systemCode: string;
  unitId: string;
}

/** A parsed, normalised CIDR: the network address (host bits cleared) and the prefix length. */
export interface NormalisedCidr {
  cidr: string;
  version: 4 | 6;
  bits: number;
}

const MAX_CACHE = 100_000;

/**
 * Validates and normalises an address or CIDR: `203.0.113.7/24` → `203.0.113.0/24`, `2001:DB8::1` →
 * `2001:db8::1/128`. IPv4 must be written as four decimal parts (no `10.1/16` shorthand). Throws
 * SOC_IP_RANGE_INVALID.
 */
export function normaliseCidr(input: string): NormalisedCidr {
  const typed = parseTypedNetwork(input);
  if (!typed) throw new AppError('SOC_IP_RANGE_INVALID', { value: input.trim().slice(0, 64) });
  const version = typed.address.kind() === 'ipv4' ? 4 : 6;
  const bits = typed.prefix ?? (version === 4 ? 32 : 128);
  const bytes = typed.address.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.min(8, Math.max(0, bits - i * 8));
    bytes[i] = (bytes[i] as number) & ((0xff << (8 - keep)) & 0xff);
  }
  return { cidr: `${ipaddr.fromByteArray(bytes).toString()}/${bits}`, version, bits };
}

/** IPv4 dotted quad → unsigned 32-bit number, or -1. Hand-written: it runs for every event's addresses. */
function parseV4(s: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/** The first `bits` bits of a 32-hex-digit IPv6 address as a string key. */
function v6Key(hex: string, bits: number): string {
  const whole = bits >> 2;
  const rest = bits & 3;
  if (rest === 0) return hex.slice(0, whole);
  const nibble = Number.parseInt(hex[whole] as string, 16) & ((0xf << (4 - rest)) & 0xf);
  return hex.slice(0, whole) + nibble.toString(16);
}

interface V4Level {
  bits: number;
  map: Map<number, RangeInfo>;
}
interface V6Level {
  bits: number;
  map: Map<string, RangeInfo>;
}

/** Answers which registered range an address falls in. Immutable: a change builds a new matcher. */
export class RangeMatcher {
  readonly size: number;
  private readonly v4: V4Level[] = [];
  private readonly v6: V6Level[] = [];
  private readonly cache = new Map<string, RangeInfo | null>();

  constructor(ranges: readonly RangeInfo[]) {
    this.size = ranges.length;
    const v4 = new Map<number, Map<number, RangeInfo>>();
    const v6 = new Map<number, Map<string, RangeInfo>>();
    for (const r of ranges) {
      let n: NormalisedCidr;
      try {
        n = normaliseCidr(r.cidr);
      } catch {
        continue;
      }
      const [addr] = n.cidr.split('/') as [string];
      if (n.version === 4) {
        const level = v4.get(n.bits) ?? new Map<number, RangeInfo>();
        v4.set(n.bits, level);
        level.set(n.bits === 0 ? 0 : parseV4(addr) >>> (32 - n.bits), r);
      } else {
        const level = v6.get(n.bits) ?? new Map<string, RangeInfo>();
        v6.set(n.bits, level);
        level.set(v6Key(hexOf(ipaddr.IPv6.parse(addr)), n.bits), r);
      }
    }
    for (const [bits, map] of [...v4].sort((a, b) => b[0] - a[0])) this.v4.push({ bits, map });
    for (const [bits, map] of [...v6].sort((a, b) => b[0] - a[0])) this.v6.push({ bits, map });
  }

  /** The most specific range holding `ip` (a string address; anything else matches nothing). */
  match(ip: unknown): RangeInfo | null {
    if (this.size === 0 || typeof ip !== 'string') return null;
    const cached = this.cache.get(ip);
    if (cached !== undefined) return cached;
    const found = this.lookup(ip);
    if (this.cache.size >= MAX_CACHE) this.cache.clear();
    this.cache.set(ip, found);
    return found;
  }

  private lookup(ip: string): RangeInfo | null {
    const v4 = parseV4(ip);
    if (v4 >= 0) return this.lookupV4(v4);
    if (this.v6.length === 0 && this.v4.length === 0) return null;
    let parsed: ipaddr.IPv6;
    try {
      if (!ipaddr.IPv6.isValid(ip)) return null;
      parsed = ipaddr.IPv6.parse(ip);
    } catch {
      return null;
    }
    if (parsed.isIPv4MappedAddress()) return this.lookupV4(parseV4(parsed.toIPv4Address().toString()));
    const hex = hexOf(parsed);
    for (const level of this.v6) {
      const r = level.map.get(v6Key(hex, level.bits));
      if (r) return r;
    }
    return null;
  }

  private lookupV4(addr: number): RangeInfo | null {
    for (const level of this.v4) {
      const r = level.map.get(level.bits === 0 ? 0 : addr >>> (32 - level.bits));
      if (r) return r;
    }
    return null;
  }
}

function hexOf(addr: ipaddr.IPv6): string {
  let hex = '';
  for (const b of addr.toByteArray()) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** `s` when it is a plain IPv4 or IPv6 address (no port, no zone), else null: what may be cast to inet. */
export function plainAddress(s: unknown): string | null {
  if (typeof s !== 'string' || s.length > 45) return null;
  if (parseV4(s) >= 0) return s;
  return s.includes(':') && !s.includes('%') && ipaddr.IPv6.isValid(s) ? s : null;
}
