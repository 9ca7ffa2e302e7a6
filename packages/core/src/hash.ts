/**
 * SHA-256 for everything core hashes. Pure JS (@noble/hashes) by default, so
 * core runs anywhere; a runtime with a native hash may install it once with
 * `useSha256` (Node entry points do, with node:crypto) — the same pattern as
 * noble's injectable hashes. A replacement must pass a known-answer test first,
 * so a broken one can never silently change ids or digests.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { toHex } from './bytes.js';

export type Sha256 = (data: Uint8Array) => Uint8Array;
/** The same digest as lowercase hex: ids are hex, and a native hash can write hex directly. */
export type Sha256Hex = (data: Uint8Array) => string;

let impl: Sha256 = nobleSha256;
let implHex: Sha256Hex = (data) => toHex(impl(data));

export function sha256(data: Uint8Array): Uint8Array {
  return impl(data);
}

export function sha256Hex(data: Uint8Array): string {
  return implHex(data);
}

// FIPS 180-2 Appendix B.1 ("abc") and B.2 (448-bit message): the replacement must reproduce both.
const KAT: [string, string][] = [
  ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  [
    'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  ],
];

/**
 * Install a faster SHA-256 (e.g. node:crypto), optionally with a hex variant.
 * Throws if either fails the known-answer test.
 */
export function useSha256(fn: Sha256, hexFn?: Sha256Hex): void {
  const enc = new TextEncoder();
  for (const [msg, want] of KAT) {
    const got = toHex(fn(enc.encode(msg)));
    const gotHex = hexFn ? hexFn(enc.encode(msg)) : want;
    if (got !== want || gotHex !== want)
      throw new Error('useSha256: the replacement fails the FIPS 180-2 known-answer test');
  }
  impl = fn;
  implHex = hexFn ?? ((data) => toHex(fn(data)));
}
