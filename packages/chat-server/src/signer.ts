/**
 * A KEZ key that signs synchronously. nats.js calls its authenticator
 * synchronously, on every (re)connect, with the server's nonce, so the log-in
 * signature cannot wait on WebCrypto: ed25519 signs with node:crypto
 * (RFC 8032 signatures are deterministic, so the bytes are the ones any
 * implementation makes, ≈20× faster than pure JS), nostr with @noble/curves
 * BIP-340, both over core's domain-separated digest (SPEC §4.3).
 */
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { schnorr } from '@noble/curves/secp256k1.js';
import { formatKeyRef, getSuite, randomBytes } from '@kez/core';
import type { SuiteName } from '@kez/core';

// DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface SyncSigner {
  suite: SuiteName;
  /** Key ref `<suite>:<hex>` of the public key. */
  key: string;
  /** Sign a 32-byte digest. */
  sign(digest: Uint8Array): Uint8Array;
}

/**
 * A signer for a 32-byte secret key of either suite.
 * @example const s = createSigner('ed25519', seed); s.sign(signingDigest('chat-login', obj))
 */
export function createSigner(suite: SuiteName, secret: Uint8Array): SyncSigner {
  if (secret.length !== 32) throw new RangeError('"secret" expected 32 bytes');
  const pub = getSuite(suite).getPublicKey(secret);
  const key = formatKeyRef(suite, pub);
  if (suite === 'ed25519') {
    const priv = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519, secret]),
      format: 'der',
      type: 'pkcs8',
    });
    return { suite, key, sign: (d) => new Uint8Array(nodeSign(null, d, priv)) };
  }
  // BIP-340 with fresh auxiliary randomness per signature (SPEC §3.2).
  return { suite, key, sign: (d) => schnorr.sign(d, secret, randomBytes(32)) };
}

/**
 * A fresh random key (tests, benchmarks, demo users).
 * @example const alice = generateSigner('ed25519')
 */
export function generateSigner(suite: SuiteName): SyncSigner & { secret: Uint8Array } {
  const secret = getSuite(suite).generateSecretKey();
  return { ...createSigner(suite, secret), secret };
}
