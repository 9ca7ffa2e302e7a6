/**
 * Node's hot path, when a Node entry point imports this module: core's
 * SHA-256 and strict Ed25519 verification on node:crypto (@kez/core-node:
 * on the main thread, no WebCrypto hop to the thread pool), and Ed25519
 * signing through crypto-hooks.ts (RFC 8032 signatures are deterministic:
 * the bytes any implementation makes; node-crypto.test.ts checks it).
 */
import '@kez/core-node/install';
import { createPrivateKey, sign } from 'node:crypto';
import { useEd25519Signer } from './crypto-hooks.js';

// DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

useEd25519Signer((seed) => {
  const priv = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return (digest) => new Uint8Array(sign(null, digest, priv));
});
