/**
 * @kez/core-node — Node's native primitives for @kez/core. Core ships pure-JS
 * SHA-256 and WebCrypto/noble Ed25519 so it runs anywhere; in Node, OpenSSL's
 * one-shot SHA-256 and synchronous Ed25519 verify do the same work with less
 * overhead (no promise, no thread-pool hop per signature), and OpenSSL's X25519
 * does the strict check of a new Ed25519 key about 10× faster than BigInt. Core
 * checks each against known answers before it uses it, and keeps its strict
 * Ed25519 pre-checks (SPEC §3.2) in front of the primitive.
 */
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hash,
  verify,
  type KeyObject,
} from 'node:crypto';
import { useEd25519Verify, useSha256, useX25519 } from '@kez/core';

const NIBBLE = new Uint8Array(103);
for (let i = 0; i < 16; i++) NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;

/**
 * One-shot SHA-256 (Node ≥ 20.12): no Hash object per call. Taken as hex and
 * decoded into a 32-byte array, which V8 keeps on its heap — cheaper than the
 * off-heap Buffer that 'buffer' output allocates (this runs per signature).
 */
export function nodeSha256(data: Uint8Array): Uint8Array {
  return bytesOfHex(hash('sha256', data, 'hex'));
}

/** SHA-256 of a string's UTF-8, the same way: no encoding step in JS, no off-heap Buffer. */
export function nodeSha256Text(text: string): Uint8Array {
  return bytesOfHex(hash('sha256', text, 'hex'));
}

function bytesOfHex(h: string): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++)
    out[i] = (NIBBLE[h.charCodeAt(2 * i)]! << 4) | NIBBLE[h.charCodeAt(2 * i + 1)]!;
  return out;
}

const keyObjects = new Map<string, KeyObject>();
const KEY_CACHE_MAX = 4096;

// The previous key and its KeyObject: consecutive checks are mostly under one key.
let lastKey = new Uint8Array(32);
let lastObject: KeyObject | undefined;

function keyObjectOf(pk: Uint8Array): KeyObject {
  if (lastObject && Buffer.compare(pk, lastKey) === 0) return lastObject;
  lastObject = keyObjectFromCache(pk);
  lastKey = pk.slice();
  return lastObject;
}

function keyObjectFromCache(pk: Uint8Array): KeyObject {
  const id = Buffer.from(pk.buffer, pk.byteOffset, pk.length).toString('latin1');
  let k = keyObjects.get(id);
  if (!k) {
    // A JWK is imported straight from the raw bytes; DER goes through OpenSSL's decoder
    // machinery, about 10× slower (this runs once per new key).
    k = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: base64url(pk) }, format: 'jwk' });
    if (keyObjects.size >= KEY_CACHE_MAX) keyObjects.clear();
    keyObjects.set(id, k);
  }
  return k;
}

/** OpenSSL's Ed25519 verify: cofactorless, as SPEC §3.2 requires. Synchronous. */
export function nodeEd25519Verify(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): boolean {
  if (pk.length !== 32 || sig.length !== 64) return false;
  return verify(null, msg, keyObjectOf(pk), sig);
}

const base64url = (b: Uint8Array) =>
  Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64url');

// DER PrivateKeyInfo header for a raw X25519 scalar (RFC 8410 §7): the 32 scalar bytes follow.
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
// Core asks with one scalar only (its key check's), so one cached private key is enough.
let lastScalar = '';
let lastPrivate: KeyObject | undefined;

/** OpenSSL's X25519 (RFC 7748 §5). Throws when the result is all zero, as OpenSSL refuses it. */
export function nodeX25519(scalar: Uint8Array, u: Uint8Array): Uint8Array {
  if (scalar.length !== 32 || u.length !== 32) throw new Error('nodeX25519: 32-byte inputs');
  const id = base64url(scalar);
  if (id !== lastScalar || !lastPrivate) {
    lastPrivate = createPrivateKey({
      key: Buffer.concat([PKCS8_X25519, scalar]),
      format: 'der',
      type: 'pkcs8',
    });
    lastScalar = id;
  }
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: base64url(u) },
    format: 'jwk',
  });
  return new Uint8Array(diffieHellman({ privateKey: lastPrivate, publicKey }));
}

/** One-shot SHA-256 as lowercase hex (ids). */
export function nodeSha256Hex(data: Uint8Array): string {
  return hash('sha256', data, 'hex');
}

/**
 * For core's `pause` option (validateChain, extendChain): one turn of Node's event loop, so a
 * server checking a long chain lets other requests run between batches (the checks themselves
 * are synchronous with the native primitive).
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Install all three into @kez/core (idempotent; throws if a primitive fails core's known answers). */
export function installNodeCrypto(): void {
  useSha256(nodeSha256, nodeSha256Hex);
  useEd25519Verify(nodeEd25519Verify);
  useX25519(nodeX25519);
}
