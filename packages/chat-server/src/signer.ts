/**
 * A KEZ key that signs synchronously. nats.js calls its authenticator
 * synchronously, on every (re)connect, with the server's nonce, so the log-in
 * signature cannot wait on WebCrypto: ed25519 signs through crypto-hooks
 * (@noble/curves, or node:crypto once a Node entry point plugged it in),
 * nostr with @noble/curves BIP-340, both over core's domain-separated digest
 * (SPEC §4.3). Browser-safe.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { formatKeyRef, getSuite, randomBytes } from '@kez/core';
import type { SuiteName } from '@kez/core';
import { ed25519SignerFor } from './crypto-hooks.js';

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
  if (suite === 'ed25519') return { suite, key, sign: ed25519SignerFor(secret) };
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
