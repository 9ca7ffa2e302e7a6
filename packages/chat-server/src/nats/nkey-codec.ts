/**
 * NATS nkey text form: base32 (no padding) of prefix ‖ payload ‖ CRC-16/XMODEM
 * (little-endian). nkeys.js keeps its codec private, and its KeyPair re-derives
 * the Ed25519 pair in pure JS on every call (≈4.5 ms here, notes/nats-auth-callout
 * §3.5), so the hot path reads raw keys with this instead.
 */
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** First byte of a public nkey, by role letter. */
export const NKEY_PREFIX = { N: 13 << 3, A: 0 << 3, U: 20 << 3, X: 23 << 3, O: 14 << 3 } as const;
export type NkeyRole = keyof typeof NKEY_PREFIX;
const SEED_PREFIX = 18 << 3;

function base32Decode(s: string): Uint8Array {
  let bits = 0;
  let val = 0;
  const out: number[] = [];
  for (const ch of s) {
    const i = B32.indexOf(ch);
    if (i < 0) throw new Error('nkey: not base32');
    val = ((val << 5) | i) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((val >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

function base32Encode(buf: Uint8Array): string {
  let bits = 0;
  let val = 0;
  let out = '';
  for (const b of buf) {
    val = ((val << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += B32[(val >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(val << (5 - bits)) & 31];
  return out;
}

function crc16(buf: Uint8Array): number {
  let crc = 0;
  for (const b of buf) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function checked(raw: Uint8Array, len: number): Uint8Array {
  if (raw.length !== len) throw new Error('nkey: wrong length');
  const c = crc16(raw.subarray(0, len - 2));
  if (raw[len - 2] !== (c & 0xff) || raw[len - 1] !== c >> 8) throw new Error('nkey: bad checksum');
  return raw;
}

/**
 * The raw 32-byte key of a public nkey of the given role.
 * @example rawPublicKey('UAB…', 'U').length // 32
 */
export function rawPublicKey(nkey: string, role: NkeyRole): Uint8Array {
  const raw = checked(base32Decode(nkey), 35);
  if (raw[0] !== NKEY_PREFIX[role]) throw new Error(`nkey: expected a ${role} key`);
  return raw.slice(1, 33);
}

/** A public nkey from a raw 32-byte key. */
export function encodePublicKey(raw: Uint8Array, role: NkeyRole): string {
  if (raw.length !== 32) throw new Error('nkey: public key must be 32 bytes');
  const buf = new Uint8Array(35);
  buf[0] = NKEY_PREFIX[role];
  buf.set(raw, 1);
  const c = crc16(buf.subarray(0, 33));
  buf[33] = c & 0xff;
  buf[34] = c >> 8;
  return base32Encode(buf);
}

/**
 * The raw 32-byte seed and role of a seed nkey (`SA…`, `SU…`, `SX…`).
 * @example rawSeed('SAAB…').role // 'A'
 */
export function rawSeed(seed: string): { role: NkeyRole; seed: Uint8Array } {
  const raw = checked(base32Decode(seed), 36);
  if ((raw[0]! & 0xf8) !== SEED_PREFIX) throw new Error('nkey: not a seed');
  const prefix = ((raw[0]! & 7) << 5) | ((raw[1]! & 0xf8) >> 3);
  const role = (Object.keys(NKEY_PREFIX) as NkeyRole[]).find((r) => NKEY_PREFIX[r] === prefix);
  if (!role) throw new Error('nkey: unknown seed role');
  return { role, seed: raw.slice(2, 34) };
}
