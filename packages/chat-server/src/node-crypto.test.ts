/** The node:crypto hot path answers exactly as core does, case by case. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatKeyRef, getSuite, parseKeyRef, signingDigest } from '@kez/core';
import type { KeyRef, SuiteName } from '@kez/core';
import { digestOf, sha256Hex, verifyDigest } from './node-crypto.js';
import { generateSigner } from './signer.js';

// L, little-endian: S + L is the classic malleated twin of a valid signature.
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const le = (n: bigint) =>
  Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
const fromLe = (b: Uint8Array) => b.reduceRight((n, x) => (n << 8n) | BigInt(x), 0n);

async function same(ref: KeyRef, sig: Uint8Array, digest: Uint8Array, want: boolean, what: string) {
  const core = await getSuite(ref.suite).verify(sig, digest, ref.publicKey);
  const fast = await verifyDigest(ref, sig, digest);
  assert.equal(core, want, `core: ${what}`);
  assert.equal(fast, want, `fast path: ${what}`);
}

test('digestOf is core signingDigest; sha256Hex is hex SHA-256', () => {
  const o = { kez: '0.2', type: 'chat-message', text: 'é ✓', sig: 'x' };
  assert.deepEqual(digestOf('chat-message', o), signingDigest('chat-message', o));
  assert.equal(
    sha256Hex('abc'),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
});

test('verifyDigest agrees with core on good, tampered, malleated, non-canonical and small-order inputs', async () => {
  for (const suite of ['ed25519', 'nostr'] as SuiteName[]) {
    const s = generateSigner(suite);
    const ref = parseKeyRef(s.key);
    const d = digestOf('chat-message', { n: 1 });
    const sig = s.sign(d);
    await same(ref, sig, d, true, `${suite} good`);
    const other = digestOf('chat-message', { n: 2 });
    await same(ref, sig, other, false, `${suite} other message`);
    const flipped = Uint8Array.from(sig);
    flipped[5]! ^= 1;
    await same(ref, flipped, d, false, `${suite} flipped bit`);
    if (suite !== 'ed25519') continue;
    const malleated = Uint8Array.from(sig);
    malleated.set(le(fromLe(sig.subarray(32)) + L), 32);
    await same(ref, malleated, d, false, 'S + L');
    const badR = Uint8Array.from(sig);
    badR.set(le(2n ** 255n - 19n + 1n), 0); // y ≥ p: a non-canonical R
    await same(ref, badR, d, false, 'non-canonical R');
  }
  // The identity point as a key with the all-zero forgery: OpenSSL alone would accept it.
  const small: KeyRef = {
    suite: 'ed25519',
    publicKey: le(1n),
    text: formatKeyRef('ed25519', le(1n)),
  };
  const forged = new Uint8Array(64);
  forged[0] = 1;
  await same(small, forged, digestOf('chat-message', { any: 'thing' }), false, 'small-order key');
});
