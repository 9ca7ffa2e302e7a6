/**
 * The per-message hot path on Node: SHA-256 and Ed25519 verification with
 * node:crypto on the main thread, instead of pure-JS hashing and a WebCrypto
 * call that hops to the thread pool (together ≈ half the cost of receiving a
 * chat message). The bytes hashed are core's `signingInput` (the one
 * function that applies the domain prefix, SPEC §4.3), and Ed25519 keeps
 * every strict rule of SPEC §3.3: the key check is core's own; the signature
 * shape (S < L, canonical R) is checked here; the equation is OpenSSL's
 * cofactorless one — the primitive core's WebCrypto path uses on Node.
 * node-crypto.test.ts checks that the answers equal core's, case by case.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { getSuite, signingInput } from '@kez/core';
import type { KeyRef, SigningKind } from '@kez/core';

// Little-endian bytes of the group order L and the field prime p (RFC 8032 §5.1).
const L_LE = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);
const P_LE = Uint8Array.from([0xed, ...new Array<number>(30).fill(0xff), 0x7f]);

/** a < b as 32-byte little-endian numbers; `mask` clears the sign bit of a's top byte. */
function lessThanLE(a: Uint8Array, b: Uint8Array, mask = 0xff): boolean {
  for (let i = 31; i >= 0; i--) {
    const x = i === 31 ? a[i]! & mask : a[i]!;
    if (x !== b[i]) return x < b[i]!;
  }
  return false;
}

/** SPEC §3.3: S < L (no malleability) and R a canonical encoding (y < p). */
function isStrictSignatureShape(sig: Uint8Array): boolean {
  return (
    sig.length === 64 &&
    lessThanLE(sig.subarray(32, 64), L_LE) &&
    lessThanLE(sig.subarray(0, 32), P_LE, 0x7f)
  );
}

const keyObjects = new Map<string, KeyObject>();

function keyObject(ref: KeyRef): KeyObject {
  let k = keyObjects.get(ref.text);
  if (!k) {
    const x = Buffer.from(ref.publicKey).toString('base64url');
    k = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    if (keyObjects.size >= 4096) keyObjects.clear();
    keyObjects.set(ref.text, k);
  }
  return k;
}

/**
 * SHA-256 of core's signing input for `kind`.
 * @example digestOf('chat-message', event) // same bytes as core's signingDigest('chat-message', event)
 */
export function digestOf(kind: SigningKind, obj: object): Uint8Array {
  return new Uint8Array(createHash('sha256').update(signingInput(kind, obj)).digest());
}

/** Hex SHA-256 of a string's UTF-8 bytes (ids of JCS texts, SPEC §4.5). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Verify a signature over a 32-byte digest, strict; never throws on bad data.
 * @example await verifyDigest(parseKeyRef(event.key), sig, digestOf('chat-message', event))
 */
export async function verifyDigest(
  ref: KeyRef,
  sig: Uint8Array,
  digest: Uint8Array,
): Promise<boolean> {
  const suite = getSuite(ref.suite);
  if (ref.suite !== 'ed25519') return suite.verify(sig, digest, ref.publicKey);
  if (!suite.isValidPublicKey(ref.publicKey) || !isStrictSignatureShape(sig)) return false;
  try {
    return verify(null, digest, keyObject(ref), sig);
  } catch {
    return false;
  }
}
