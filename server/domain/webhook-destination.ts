/*
 * Where a webhook may be delivered. A webhook URL is chosen by a model owner but requested by the
 * control plane, from inside the network: without these rules it reaches the cloud metadata
 * service, the database's admin port or the app's own /api/metrics. Pure (no DNS, no sockets):
 * the services resolve names and ask `classifyAddress` about every address they would connect
 * to, at creation and again at delivery (the answer of DNS may change in between: rebinding).
 */

import { WEBHOOK_URL_MAX_LENGTH } from '../contracts/model-registry';

export { WEBHOOK_URL_MAX_LENGTH };

export type TWebhookDestinationPolicy = {
  /** `http://` destinations too (BALLAST_WEBHOOK_ALLOW_HTTP=on); otherwise `https://` only. */
  allowHttp: boolean;
  /** Host names or address literals exempt from the address rules (BALLAST_WEBHOOK_ALLOW_HOSTS), lower case. */
  allowHosts: readonly string[];
};

export const STRICT_WEBHOOK_POLICY: TWebhookDestinationPolicy = { allowHttp: false, allowHosts: [] };

/** Why an address is refused, by the name of its range; `null` for a public unicast address. */
export type TAddressRange =
  | 'unspecified'
  | 'this-network'
  | 'loopback'
  | 'private'
  | 'shared-address-space'
  | 'link-local'
  | 'metadata'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'documentation'
  | 'benchmarking'
  | 'ipv4-translated'
  | 'discard-only'
  | 'invalid';

// ---- parsing ---------------------------------------------------------------------------------

/** Dotted-quad IPv4 in its canonical form only (what the WHATWG URL parser produces): 4 parts of 0-255. */
export function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** IPv6 (with `::`, an embedded dotted IPv4 tail, an optional `%zone`) as 8 groups of 16 bits; null if malformed. */
export function parseIpv6(input: string): number[] | null {
  let text = input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!text.includes(':')) return null;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const v4 = parseIpv4(maybeV4);
    if (!v4) return null;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    // "::1.2.3.4" -> "::", "a::1.2.3.4" -> "a::", "a:b:c:d:e:f:1.2.3.4" -> "a:b:c:d:e:f"
    text = text.slice(0, lastColon);
    if (text.endsWith(':')) text += ':';
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  if (!head) return null;
  const want = 8 - tail.length;
  if (halves.length === 1) {
    return head.length === want ? [...head, ...tail] : null;
  }
  const rest = groupsOf(halves[1]!);
  if (!rest) return null;
  const missing = want - head.length - rest.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...rest, ...tail];
}

// ---- classification --------------------------------------------------------------------------

type V4Range = { base: [number, number, number, number]; bits: number; range: TAddressRange };

// Order matters only where ranges nest: the metadata address before link-local.
const V4_REFUSED: V4Range[] = [
  { base: [169, 254, 169, 254], bits: 32, range: 'metadata' },
  { base: [0, 0, 0, 0], bits: 32, range: 'unspecified' },
  { base: [0, 0, 0, 0], bits: 8, range: 'this-network' },
  { base: [10, 0, 0, 0], bits: 8, range: 'private' },
  { base: [100, 64, 0, 0], bits: 10, range: 'shared-address-space' },
  { base: [127, 0, 0, 0], bits: 8, range: 'loopback' },
  { base: [169, 254, 0, 0], bits: 16, range: 'link-local' },
  { base: [172, 16, 0, 0], bits: 12, range: 'private' },
  { base: [192, 0, 0, 0], bits: 24, range: 'reserved' },
  { base: [192, 0, 2, 0], bits: 24, range: 'documentation' },
  { base: [192, 88, 99, 0], bits: 24, range: 'reserved' },
  { base: [192, 168, 0, 0], bits: 16, range: 'private' },
  { base: [198, 18, 0, 0], bits: 15, range: 'benchmarking' },
  { base: [198, 51, 100, 0], bits: 24, range: 'documentation' },
  { base: [203, 0, 113, 0], bits: 24, range: 'documentation' },
  { base: [224, 0, 0, 0], bits: 4, range: 'multicast' },
  { base: [255, 255, 255, 255], bits: 32, range: 'broadcast' },
  { base: [240, 0, 0, 0], bits: 4, range: 'reserved' },
];

const v4Number = (o: readonly number[]) => ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;

function classifyV4(octets: readonly number[]): TAddressRange | null {
  const n = v4Number(octets);
  for (const r of V4_REFUSED) {
    const mask = r.bits === 0 ? 0 : (0xffffffff << (32 - r.bits)) >>> 0;
    if ((n & mask) >>> 0 === (v4Number(r.base) & mask) >>> 0) return r.range;
  }
  return null;
}

function classifyV6(g: readonly number[]): TAddressRange | null {
  const isZero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (isZero(0, 8)) return 'unspecified';
  if (isZero(0, 7) && g[7] === 1) return 'loopback';
  const v4At = (i: number) => [g[i]! >> 8, g[i]! & 0xff, g[i + 1]! >> 8, g[i + 1]! & 0xff];
  // IPv4-mapped ::ffff:a.b.c.d and the deprecated IPv4-compatible ::a.b.c.d reach the IPv4 address itself.
  if (isZero(0, 5) && g[5] === 0xffff) return classifyV4(v4At(6));
  if (isZero(0, 6)) return classifyV4(v4At(6)) ?? 'reserved';
  // IPv4-translated ::ffff:0:a.b.c.d (SIIT) and the NAT64 prefixes 64:ff9b::/96, 64:ff9b:1::/48 translate to IPv4.
  if (isZero(0, 4) && g[4] === 0xffff && g[5] === 0) return classifyV4(v4At(6)) ?? 'ipv4-translated';
  if (g[0] === 0x64 && g[1] === 0xff9b && isZero(2, 6)) return classifyV4(v4At(6));
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'ipv4-translated';
  // 6to4 (2002::/16) embeds an IPv4 address that the relay will reach.
  if (g[0] === 0x2002) return classifyV4([g[1]! >> 8, g[1]! & 0xff, g[2]! >> 8, g[2]! & 0xff]);
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && isZero(2, 7) && g[7] === 0x254) return 'metadata';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  // fec0::/10, the withdrawn site-local range, still routes privately on old networks.
  if ((g[0]! & 0xffc0) === 0xfec0) return 'private';
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  if (g[0] === 0x100 && isZero(1, 4)) return 'discard-only';
  if (g[0] === 0x2001 && g[1] === 0xdb8) return 'documentation';
  // 2001::/23 holds Teredo (2001::/32) and other special-purpose blocks (ORCHID, benchmarking).
  if (g[0] === 0x2001 && g[1]! < 0x200) return 'reserved';
  // Only 2000::/3 is global unicast today; anything else is unassigned or special.
  if ((g[0]! & 0xe000) !== 0x2000) return 'reserved';
  return null;
}

export type TAddressVerdict = { allowed: true; family: 4 | 6 } | { allowed: false; range: TAddressRange };

/**
 * Whether an IP address (v4 dotted quad, or v6 with or without brackets) is a public unicast
 * destination. Everything that reaches this host, its network or a special-purpose range is
 * refused with the range's name, including the IPv4-mapped and -embedding IPv6 forms of those.
 */
export function classifyAddress(address: string): TAddressVerdict {
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const v4 = parseIpv4(text);
  if (v4) {
    const range = classifyV4(v4);
    return range ? { allowed: false, range } : { allowed: true, family: 4 };
  }
  const v6 = parseIpv6(text);
  if (v6) {
    const range = classifyV6(v6);
    return range ? { allowed: false, range } : { allowed: true, family: 6 };
  }
  return { allowed: false, range: 'invalid' };
}

// ---- URLs ------------------------------------------------------------------------------------

export type TWebhookTarget = {
  url: URL;
  /** The host as the URL parser canonicalised it, lower case, brackets removed from IPv6. */
  host: string;
  /** The host is an address literal: no name to resolve. */
  literal: boolean;
  /** Listed in the allow list: its addresses are not checked. */
  allowListed: boolean;
};

export type TWebhookUrlCheck = { ok: true; target: TWebhookTarget } | { ok: false; problem: string };

export function isAllowListed(host: string, policy: TWebhookDestinationPolicy): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return policy.allowHosts.some((a) => a === h);
}

/**
 * Parses the destination and checks what can be checked without DNS: length, scheme, no
 * credentials, and - for an address literal - its range. A host name still has to resolve to
 * allowed addresses (`refusedAddressProblem` on each answer).
 */
export function checkWebhookUrl(raw: string, policy: TWebhookDestinationPolicy): TWebhookUrlCheck {
  if (raw.length > WEBHOOK_URL_MAX_LENGTH) return { ok: false, problem: `url: must be at most ${WEBHOOK_URL_MAX_LENGTH} characters (got ${raw.length})` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'url: must be an absolute URL' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    return { ok: false, problem: policy.allowHttp ? 'url: must be an http:// or https:// URL' : 'url: must be an https:// URL (http:// only when BALLAST_WEBHOOK_ALLOW_HTTP=on)' };
  }
  // Userinfo would be sent as Basic credentials and shown in the log: secrets belong in the path or the signature.
  if (url.username || url.password) return { ok: false, problem: 'url: must not carry a user name or password' };
  // A trailing dot names the same host ("localhost."): compare without it.
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (!host) return { ok: false, problem: 'url: must name a host' };
  const literal = parseIpv4(host) !== null || parseIpv6(host) !== null;
  const allowListed = isAllowListed(host, policy);
  if (!allowListed) {
    if (literal) {
      const problem = refusedAddressProblem(host);
      if (problem) return { ok: false, problem };
    } else if (host === 'localhost' || host.endsWith('.localhost')) {
      // RFC 6761: always the loopback, whatever a resolver says.
      return { ok: false, problem: `url: ${host} is the loopback (not a public address; list it in BALLAST_WEBHOOK_ALLOW_HOSTS to allow it)` };
    }
  }
  return { ok: true, target: { url, host, literal, allowListed } };
}

/** A sentence naming why `address` is refused, or null when it is a public address. */
export function refusedAddressProblem(address: string, name?: string): string | null {
  const verdict = classifyAddress(address);
  if (verdict.allowed) return null;
  const what = name && name !== address ? `${name} resolves to ${address}, which` : address;
  return `url: ${what} is in a refused range (${verdict.range}; not a public address; list the host in BALLAST_WEBHOOK_ALLOW_HOSTS to allow it)`;
}

/** `BALLAST_WEBHOOK_ALLOW_HOSTS` as a list: comma or space separated, brackets dropped, lower case. */
export function parseAllowHosts(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/[\s,]+/)
    .map((h) => h.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, ''))
    .filter(Boolean);
}
