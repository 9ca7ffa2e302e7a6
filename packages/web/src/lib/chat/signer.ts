/**
 * The page's synchronous KEZ signer for kez-chat. nats.js calls the
 * authenticator synchronously with each connection's nonce, so signing cannot
 * wait on WebCrypto: both suites sign with @noble/curves directly (the same
 * library core verifies with), over core's domain-separated digest (SPEC §4.3).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { formatKeyRef, getSuite, randomBytes } from '@kez/core';
import type { SuiteName } from '@kez/core';
import type { SyncSigner } from '@kez/chat-server/protocol';

/**
 * @example const signer = createPageSigner('ed25519', secret); signer.sign(signingDigest('chat-login', obj))
 */
export function createPageSigner(suite: SuiteName, secret: Uint8Array): SyncSigner {
  if (secret.length !== 32) throw new RangeError('"secret" expected 32 bytes');
  const key = formatKeyRef(suite, getSuite(suite).getPublicKey(secret));
  if (suite === 'ed25519') return { suite, key, sign: (d) => ed25519.sign(d, secret) };
  // BIP-340 with fresh auxiliary randomness per signature (SPEC §3.2).
  return { suite, key, sign: (d) => schnorr.sign(d, secret, randomBytes(32)) };
}
