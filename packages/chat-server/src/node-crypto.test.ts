/** The node:crypto hot path answers exactly as the portable defaults and core do, case by case. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { formatKeyRef, getSuite, parseKeyRef, signingDigest } from '@kez/core';
import type { KeyRef } from '@kez/core';
import { ed25519SignerFor } from './crypto-hooks.js';
import { nodeVerifyEd25519 } from './node-crypto.js';
import { generateSigner } from './signer.js';

// L, little-endian: S + L is the classic malleated twin of a valid signature.
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const le = (n: bigint) =>
  Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
const fromLe = (b: Uint8Array) => b.reduceRight((n, x) => (n << 8n) | BigInt(x), 0n);

async function same(ref: KeyRef, sig: Uint8Array, digest: Uint8Array, want: boolean, what: string) {
  assert.equal(await getSuite('ed25519').verify(sig, digest, ref.publicKey), want, `core: ${what}`);
  assert.equal(await nodeVerifyEd25519(ref, sig, digest), want, `node:crypto: ${what}`);
}

test('the node:crypto Ed25519 signer makes the same bytes as @noble/curves (RFC 8032 is deterministic)', () => {
  const s = generateSigner('ed25519');
  const d = signingDigest('chat-message', { n: 1 });
  assert.deepEqual(ed25519SignerFor(s.secret)(d), ed25519.sign(d, s.secret));
  assert.deepEqual(s.sign(d), ed25519.sign(d, s.secret));
});

test('node:crypto verification agrees with core on good, tampered, malleated, non-canonical and small-order inputs', async () => {
  const s = generateSigner('ed25519');
  const ref = parseKeyRef(s.key);
  const d = signingDigest('chat-message', { n: 1 });
  const sig = s.sign(d);
  await same(ref, sig, d, true, 'good');
  await same(ref, sig, signingDigest('chat-message', { n: 2 }), false, 'other message');
  const flipped = Uint8Array.from(sig);
  flipped[5]! ^= 1;
  await same(ref, flipped, d, false, 'flipped bit');
  const malleated = Uint8Array.from(sig);
  malleated.set(le(fromLe(sig.subarray(32)) + L), 32);
  await same(ref, malleated, d, false, 'S + L');
  const badR = Uint8Array.from(sig);
  badR.set(le(2n ** 255n - 19n + 1n), 0); // y ≥ p: a non-canonical R
  await same(ref, badR, d, false, 'non-canonical R');
  // The identity point as a key with the all-zero forgery: OpenSSL alone would accept it.
  const small: KeyRef = {
    suite: 'ed25519',
    publicKey: le(1n),
    text: formatKeyRef('ed25519', le(1n)),
  };
  const forged = new Uint8Array(64);
  forged[0] = 1;
  await same(
    small,
    forged,
    signingDigest('chat-message', { any: 'thing' }),
    false,
    'small-order key',
  );
});
