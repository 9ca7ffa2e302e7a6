/** Suite `nostr`: BIP-340 Schnorr signatures over secp256k1 (SPEC §3.1). */
import { schnorr } from '@noble/curves/secp256k1.js';
import { randomBytes } from '../bytes.js';
import type { Suite } from './types.js';

const validKeys = new Map<string, boolean>();

export const nostrSuite: Suite = {
  name: 'nostr',
  generateSecretKey: () => schnorr.utils.randomSecretKey(),
  getPublicKey: (sk) => schnorr.getPublicKey(sk),
  async sign(digest, sk) {
    // Fresh aux randomness (BIP-340 recommends it against fault and side-channel attacks).
    const sig = schnorr.sign(digest, sk, randomBytes(32));
    if (!schnorr.verify(sig, digest, schnorr.getPublicKey(sk)))
      throw new Error('nostr: self-check failed');
    return sig;
  },
  verify: (sig, digest, pk) => Promise.resolve(verifyNow(sig, digest, pk)),
  verifySync: verifyNow,
  isValidPublicKey(pk) {
    if (pk.length !== 32) return false;
    // lift_x is a modular square root, as dear as a good part of a verify: cache per key.
    const id = String.fromCharCode(...pk);
    let ok = validKeys.get(id);
    if (ok === undefined) {
      try {
        schnorr.utils.lift_x(bytesToBigInt(pk));
        ok = true;
      } catch {
        ok = false;
      }
      if (validKeys.size >= 4096) validKeys.clear();
      validKeys.set(id, ok);
    }
    return ok;
  },
};

function verifyNow(sig: Uint8Array, digest: Uint8Array, pk: Uint8Array): boolean {
  if (sig.length !== 64 || pk.length !== 32) return false;
  try {
    return schnorr.verify(sig, digest, pk);
  } catch {
    return false;
  }
}

function bytesToBigInt(b: Uint8Array): bigint {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n;
}
