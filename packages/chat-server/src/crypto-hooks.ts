/**
 * The Ed25519 signing seam on the per-message hot path, portable by default
 * (@noble/curves); Node entry points plug in node:crypto (node-crypto.ts),
 * browsers keep the default. Either way the bytes are the same
 * (node-crypto.test.ts). Verification is core's strict suite, whose primitive
 * Node entry points make native the same way (@kez/core-node).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { getSuite } from '@kez/core';
import type { KeyRef } from '@kez/core';

/** Makes a synchronous Ed25519 signing function for a 32-byte seed. */
export type Ed25519SignerFactory = (seed: Uint8Array) => (digest: Uint8Array) => Uint8Array;

let makeSigner: Ed25519SignerFactory = (seed) => (digest) => ed25519.sign(digest, seed);

/** Replace the Ed25519 signer factory (Node: node:crypto). */
export function useEd25519Signer(f: Ed25519SignerFactory): void {
  makeSigner = f;
}

export function ed25519SignerFor(seed: Uint8Array): (digest: Uint8Array) => Uint8Array {
  return makeSigner(seed);
}

/**
 * Verify a signature over a 32-byte digest with the key's suite, strictly.
 * @example await verifyDigest(parseKeyRef(event.key), sig, signingDigest('chat-message', event))
 */
export function verifyDigest(ref: KeyRef, sig: Uint8Array, digest: Uint8Array): Promise<boolean> {
  return getSuite(ref.suite).verify(sig, digest, ref.publicKey);
}
