/**
 * The browser's stand-in for @kez/chat-server's `node-crypto.ts` (its Node
 * fast path: SHA-256 and Ed25519 through node:crypto). The page bundles the
 * chat protocol from source; vite.config.ts points that one module here, so
 * the page hashes and verifies with @kez/core itself — the reference the Node
 * path is tested against. Same exports, same answers (crypto-browser.test.ts).
 */
import { getSuite, sha256, signingDigest, toHex, utf8 } from '@kez/core';
import type { KeyRef, SigningKind } from '@kez/core';

/** SHA-256 of core's signing input for `kind` (core's own signingDigest). */
export function digestOf(kind: SigningKind, obj: object): Uint8Array {
  return signingDigest(kind, obj);
}

/** Hex SHA-256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return toHex(sha256(utf8(text)));
}

/** Verify a signature over a 32-byte digest with core's strict suite; never throws on bad data. */
export async function verifyDigest(
  ref: KeyRef,
  sig: Uint8Array,
  digest: Uint8Array,
): Promise<boolean> {
  try {
    return await getSuite(ref.suite).verify(sig, digest, ref.publicKey);
  } catch {
    return false;
  }
}
