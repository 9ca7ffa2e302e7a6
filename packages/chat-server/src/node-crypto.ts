/**
 * Node's hot path, plugged into the seams of crypto-hooks.ts and core's
 * hashing when a Node entry point imports this module: node:crypto SHA-256
 * (core's `useSha256`, known-answer checked), Ed25519 signing (RFC 8032
 * signatures are deterministic: the bytes any implementation makes), and
 * Ed25519 verification on the main thread instead of a WebCrypto call that
 * hops to the thread pool — together about half the cost of a chat message.
 * Verification keeps every strict rule of SPEC §3.3: the key check is core's
 * own; the signature shape (S < L, canonical R) is checked here; the
 * equation is OpenSSL's cofactorless one, the primitive core's WebCrypto
 * path uses on Node. node-crypto.test.ts holds the answers to core's.
 */
import './node-hash.js';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { getSuite } from '@kez/core';
import type { KeyRef } from '@kez/core';
import { useEd25519Signer, useEd25519Verifier } from './crypto-hooks.js';

// Little-endian bytes of the group order L and the field prime p (RFC 8032 §5.1).
const L_LE = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);
const P_LE = Uint8Array.from([0xed, ...new Array<number>(30).fill(0xff), 0x7f]);
// DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

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
 * Strict Ed25519 verification on node:crypto; never throws on bad data.
 * @example await nodeVerifyEd25519(parseKeyRef(event.key), sig, digest)
 */
export async function nodeVerifyEd25519(
  ref: KeyRef,
  sig: Uint8Array,
  digest: Uint8Array,
): Promise<boolean> {
  if (!getSuite('ed25519').isValidPublicKey(ref.publicKey) || !isStrictSignatureShape(sig))
    return false;
  try {
    return verify(null, digest, keyObject(ref), sig);
  } catch {
    return false;
  }
}

useEd25519Verifier(nodeVerifyEd25519);
useEd25519Signer((seed) => {
  const priv = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return (digest) => new Uint8Array(sign(null, digest, priv));
});
