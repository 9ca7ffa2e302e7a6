/**
 * Two seams on the per-message hot path, portable by default: Ed25519
 * signing (@noble/curves) and verification (core's strict suite, WebCrypto
 * where present). Node entry points plug in node:crypto (node-crypto.ts),
 * the way core's hashing is swapped with `useSha256`; browsers keep the
 * defaults. Either way the answers are the same (node-crypto.test.ts).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { getSuite } from '@kez/core';
import type { KeyRef } from '@kez/core';

/** Makes a synchronous Ed25519 signing function for a 32-byte seed. */
export type Ed25519SignerFactory = (seed: Uint8Array) => (digest: Uint8Array) => Uint8Array;
/** Verifies an Ed25519 signature over a 32-byte digest, strictly (SPEC §3.3); never throws. */
export type Ed25519Verifier = (
  ref: KeyRef,
  sig: Uint8Array,
  digest: Uint8Array,
) => Promise<boolean>;

let makeSigner: Ed25519SignerFactory = (seed) => (digest) => ed25519.sign(digest, seed);
let verifier: Ed25519Verifier | undefined;

/** Replace the Ed25519 signer factory (Node: node:crypto). */
export function useEd25519Signer(f: Ed25519SignerFactory): void {
  makeSigner = f;
}

/** Replace the Ed25519 verifier (Node: node:crypto after core's strict checks). */
export function useEd25519Verifier(v: Ed25519Verifier): void {
  verifier = v;
}

export function ed25519SignerFor(seed: Uint8Array): (digest: Uint8Array) => Uint8Array {
  return makeSigner(seed);
}

/**
 * Verify a signature over a 32-byte digest with the key's suite, strictly.
 * @example await verifyDigest(parseKeyRef(event.key), sig, signingDigest('chat-message', event))
 */
export function verifyDigest(ref: KeyRef, sig: Uint8Array, digest: Uint8Array): Promise<boolean> {
  if (ref.suite === 'ed25519' && verifier) return verifier(ref, sig, digest);
  return getSuite(ref.suite).verify(sig, digest, ref.publicKey);
}
