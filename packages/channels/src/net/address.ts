/**
 * Which IP addresses a verifier must not reach unless the user allows it
 * (SPEC §7.6): a proof URL must never make KEZ probe the verifier's own
 * network (SSRF). Pure: no sockets, usable in browsers.
 */

/** Parse dotted-quad IPv4 into 4 bytes, or undefined. */
export function parseIPv4(s: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const b = m.slice(1).map(Number);
  return b.every((x) => x <= 255) ? b : undefined;
}

/** Parse IPv6 text (with optional embedded IPv4 and zone id) into 16 bytes, or undefined. */
export function parseIPv6(input: string): number[] | undefined {
  let s = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  if (!s.includes(':')) return undefined;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  const v4 = parseIPv4(s.slice(lastColon + 1));
  if (v4) {
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    s = s.slice(0, lastColon + 1) + '0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const part = (h: string) => (h === '' ? [] : h.split(':'));
  const head = part(halves[0]!);
  const rest = halves.length === 2 ? part(halves[1]!) : [];
  if (v4) (rest.length ? rest : head).pop();
  const groups = [...head, ...rest];
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const words = groups.map((g) => parseInt(g, 16));
  const total = words.length + tail.length;
  let all: number[];
  if (halves.length === 2) {
    if (total > 7) return undefined;
    const headWords = head.map((g) => parseInt(g, 16));
    const restWords = rest.map((g) => parseInt(g, 16));
    all = [...headWords, ...new Array<number>(8 - total).fill(0), ...restWords, ...tail];
  } else {
    if (total !== 8) return undefined;
    all = [...words, ...tail];
  }
  return all.flatMap((w) => [w >> 8, w & 255]);
}

/** True when `host` is an IP literal (v4, or v6 with or without brackets). */
export function isIpLiteral(host: string): boolean {
  return parseIPv4(host) !== undefined || parseIPv6(host) !== undefined;
}

function inV4(b: number[], net: [number, number, number, number], bits: number): boolean {
  for (let i = 0; i < 4; i++) {
    const take = Math.max(0, Math.min(8, bits - i * 8));
    if (take === 0) return true;
    const mask = (0xff << (8 - take)) & 0xff;
    if ((b[i]! & mask) !== (net[i]! & mask)) return false;
  }
  return true;
}

/** IPv4 blocks that are not the public internet (RFC 6890 and friends). */
const V4_BLOCKED: [[number, number, number, number], number][] = [
  [[0, 0, 0, 0], 8], // "this network", unspecified
  [[10, 0, 0, 0], 8], // private
  [[100, 64, 0, 0], 10], // CGNAT (RFC 6598)
  [[127, 0, 0, 0], 8], // loopback
  [[169, 254, 0, 0], 16], // link-local (cloud metadata lives here)
  [[172, 16, 0, 0], 12], // private
  [[192, 0, 0, 0], 24], // IETF protocol assignments
  [[192, 0, 2, 0], 24], // documentation
  [[192, 168, 0, 0], 16], // private
  [[198, 18, 0, 0], 15], // benchmarking
  [[198, 51, 100, 0], 24], // documentation
  [[203, 0, 113, 0], 24], // documentation
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4], // reserved + broadcast
];

function isBlockedV4(b: number[]): boolean {
  return V4_BLOCKED.some(([net, bits]) => inV4(b, net, bits));
}

function isBlockedV6(b: number[]): boolean {
  const zeroUpTo = (n: number) => b.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(15) && (b[15] === 0 || b[15] === 1)) return true; // :: and ::1
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d: judge the IPv4 inside.
  if (zeroUpTo(10) && b[10] === 0xff && b[11] === 0xff) return isBlockedV4(b.slice(12));
  if (zeroUpTo(12)) return isBlockedV4(b.slice(12));
  // NAT64 64:ff9b::/96 carries an IPv4 address too.
  if (
    b[0] === 0 &&
    b[1] === 0x64 &&
    b[2] === 0xff &&
    b[3] === 0x9b &&
    b.slice(4, 12).every((x) => x === 0)
  )
    return isBlockedV4(b.slice(12));
  if ((b[0]! & 0xfe) === 0xfc) return true; // unique local fc00::/7
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return true; // link-local fe80::/10
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0xc0) return true; // site-local fec0::/10 (deprecated)
  if (b[0] === 0xff) return true; // multicast
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return true; // documentation
  return false;
}

/**
 * True when the address is private, loopback, link-local, unique-local, CGNAT,
 * unspecified, multicast or reserved. Anything that does not parse as an IP
 * counts as blocked (fail closed).
 *
 * @example
 * isPrivateAddress('127.0.0.1'); // true
 * isPrivateAddress('::ffff:10.0.0.1'); // true
 */
export function isPrivateAddress(ip: string): boolean {
  const v4 = parseIPv4(ip);
  if (v4) return isBlockedV4(v4);
  const v6 = parseIPv6(ip);
  if (v6) return isBlockedV6(v6);
  return true;
}
