/**
 * Client-side check of an IP address or CIDR range, so a typo is caught as it is typed; the server parses
 * and normalises it again (host bits cleared) and has the last word.
 */

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function isIpv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => OCTET.test(p));
}

function isIpv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || !s.includes(':')) return false;
  // The URL parser implements RFC 4291's text forms (::, embedded IPv4) exactly.
  try {
    return new URL(`http://[${s}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

/** True for `203.0.113.7`, `203.0.113.0/24`, `2001:db8::/32`. */
export function isCidr(text: string): boolean {
  const v = text.trim();
  const [addr = '', prefix, extra] = v.split('/');
  if (extra !== undefined) return false;
  const v4 = isIpv4(addr);
  if (!v4 && !isIpv6(addr)) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (v4 ? 32 : 128);
}
