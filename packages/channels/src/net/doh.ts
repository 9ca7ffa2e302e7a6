/**
 * DNS-over-HTTPS, RFC 8484 wire format (GET ?dns=<base64url query>), the way
 * browsers resolve TXT. Pure encode/decode plus a resolver over any
 * fetch-shaped function, so it runs in browsers and, in Node, through the
 * guarded fetch.
 */
import { base64urlnopad } from '@scure/base';
import { ChannelError } from '@kez/core';
import type { NetRequest, NetResponse } from '../types.js';

const TYPE_TXT = 16;

/** A DNS query message for `name` (RFC 1035 §4.1): id 0 as RFC 8484 §4.1 advises, RD set. */
export function encodeDnsQuery(name: string, qtype = TYPE_TXT): Uint8Array {
  const labels = name.replace(/\.$/, '').split('.');
  const enc = new TextEncoder();
  const parts: number[] = [0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
  for (const l of labels) {
    const b = enc.encode(l);
    if (b.length < 1 || b.length > 63) throw new RangeError(`DNS label "${l}" must be 1–63 bytes`);
    parts.push(b.length, ...b);
  }
  parts.push(0, qtype >> 8, qtype & 255, 0, 1);
  return new Uint8Array(parts);
}

export interface DnsAnswer {
  rcode: number;
  /** TXT records: each the list of its character-strings, unjoined. */
  txt: string[][];
}

/** Decode a DNS response and collect its TXT answers. Throws RangeError on malformed bytes. */
export function decodeTxtResponse(msg: Uint8Array): DnsAnswer {
  const at = (o: number) => {
    if (o >= msg.length) throw new RangeError('DNS message is truncated');
    return msg[o]!;
  };
  const u16 = (o: number) => (at(o) << 8) | at(o + 1);
  const skipName = (o: number): number => {
    for (let steps = 0; steps < 128; steps++) {
      const l = at(o);
      if (l === 0) return o + 1;
      if ((l & 0xc0) === 0xc0) return o + 2; // a pointer ends the name in place
      if (l & 0xc0) throw new RangeError('DNS name has a bad label type');
      o += l + 1;
    }
    throw new RangeError('DNS name is too long');
  };
  if (msg.length < 12) throw new RangeError('DNS message is shorter than its header');
  if (!(at(2) & 0x80)) throw new RangeError('DNS message is not a response');
  const rcode = at(3) & 0x0f;
  const qd = u16(4);
  const an = u16(6);
  let o = 12;
  for (let i = 0; i < qd; i++) o = skipName(o) + 4;
  const txt: string[][] = [];
  const dec = new TextDecoder('utf-8');
  for (let i = 0; i < an; i++) {
    o = skipName(o);
    const type = u16(o);
    const rdlen = u16(o + 8);
    o += 10;
    const end = o + rdlen;
    if (end > msg.length) throw new RangeError('DNS record runs past the message');
    if (type === TYPE_TXT) {
      const chunks: string[] = [];
      for (let p = o; p < end;) {
        const l = at(p);
        if (p + 1 + l > end) throw new RangeError('TXT character-string runs past its record');
        chunks.push(dec.decode(msg.subarray(p + 1, p + 1 + l)));
        p += l + 1;
      }
      txt.push(chunks);
    }
    o = end;
  }
  return { rcode, txt };
}

type FetchLike = (url: string, req?: NetRequest) => Promise<NetResponse>;

/**
 * A resolveTxt over DoH. NXDOMAIN and "no TXT" give null; SERVFAIL, REFUSED
 * and HTTP errors are dns_error; a malformed answer is bad_response.
 *
 * @example
 * const resolveTxt = createDohResolveTxt('https://dns.example/dns-query', net.fetch);
 */
export function createDohResolveTxt(
  dohUrl: string,
  fetch: FetchLike,
): (name: string) => Promise<string[][] | null> {
  return async (name: string) => {
    const q = base64urlnopad.encode(encodeDnsQuery(name));
    const url = `${dohUrl}${dohUrl.includes('?') ? '&' : '?'}dns=${q}`;
    const res = await fetch(url, {
      headers: { accept: 'application/dns-message' },
      maxBytes: 65535,
    });
    if (res.status !== 200)
      throw new ChannelError(
        'dns_error',
        `DoH ${dohUrl} answered HTTP ${res.status} for ${name}`,
        dohUrl,
      );
    let ans: DnsAnswer;
    try {
      ans = decodeTxtResponse(res.body);
    } catch (e) {
      throw new ChannelError(
        'bad_response',
        `DoH ${dohUrl} sent a malformed DNS message for ${name}: ${(e as Error).message}`,
        dohUrl,
      );
    }
    if (ans.rcode === 3) return null; // NXDOMAIN
    if (ans.rcode !== 0)
      throw new ChannelError(
        'dns_error',
        `DoH lookup of ${name} failed (rcode ${ans.rcode})`,
        dohUrl,
      );
    return ans.txt.length ? ans.txt : null;
  };
}
