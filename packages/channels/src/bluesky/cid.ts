/**
 * CIDv1 with a SHA-256 multihash, the only kind AT Protocol repositories use
 * (atproto data model: `dag-cbor` 0x71 for records, commits and MST nodes).
 * Pure.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { base32nopad } from '@scure/base';
import { concatBytes, equalBytes } from '@kez/core';

export const CODEC_DAG_CBOR = 0x71;
export const CODEC_RAW = 0x55;
const HASH_SHA256 = 0x12;

export class CID {
  readonly codec: number;
  /** The 32-byte SHA-256 digest. */
  readonly digest: Uint8Array;
  /** The binary CID: version, codec, multihash. */
  readonly bytes: Uint8Array;
  constructor(codec: number, digest: Uint8Array) {
    this.codec = codec;
    this.digest = digest;
    this.bytes = concatBytes(
      Uint8Array.of(1),
      encodeVarint(codec),
      Uint8Array.of(HASH_SHA256, 32),
      digest,
    );
  }
  equals(other: CID): boolean {
    return equalBytes(this.bytes, other.bytes);
  }
  /** Multibase base32 lower (`b…`), the usual text form. */
  toString(): string {
    return 'b' + base32nopad.encode(this.bytes).toLowerCase();
  }
}

/** The CID of a block: SHA-256 of its bytes under `codec`. */
export function cidOf(bytes: Uint8Array, codec = CODEC_DAG_CBOR): CID {
  return new CID(codec, sha256(bytes));
}

/** True when `bytes` hash to `cid`. */
export function matchesCid(cid: CID, bytes: Uint8Array): boolean {
  return equalBytes(sha256(bytes), cid.digest);
}

export function encodeVarint(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** Unsigned LEB128 at `pos`: [value, next position]. Throws on overlong or truncated input. */
export function readVarint(b: Uint8Array, pos: number): [number, number] {
  let n = 0;
  let mul = 1;
  for (let i = 0; i < 8; i++) {
    const x = b[pos + i];
    if (x === undefined) throw new Error('truncated varint');
    n += (x & 0x7f) * mul;
    if (x < 0x80) {
      if (i > 0 && x === 0) throw new Error('varint is not minimal');
      return [n, pos + i + 1];
    }
    mul *= 128;
  }
  throw new Error('varint too long');
}

/**
 * Read a binary CID at `pos`: [cid, next position]. Only CIDv1 with a 32-byte
 * SHA-256 multihash is accepted.
 */
export function readCid(b: Uint8Array, pos: number): [CID, number] {
  const [version, p1] = readVarint(b, pos);
  if (version !== 1) throw new Error(`CID version ${version} is not supported`);
  const [codec, p2] = readVarint(b, p1);
  const [hash, p3] = readVarint(b, p2);
  const [len, p4] = readVarint(b, p3);
  if (hash !== HASH_SHA256 || len !== 32) throw new Error('CID hash is not a 32-byte SHA-256');
  if (p4 + 32 > b.length) throw new Error('truncated CID');
  return [new CID(codec, b.slice(p4, p4 + 32)), p4 + 32];
}

/** Parse a whole binary CID (no trailing bytes). */
export function parseCidBytes(b: Uint8Array): CID {
  const [cid, end] = readCid(b, 0);
  if (end !== b.length) throw new Error('trailing bytes after CID');
  return cid;
}
