import assert from 'node:assert/strict';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { getSuite, verifyEd25519 } from '@kez/core';
import { hexToBytes, readVector } from './_util.js';

describe('BIP-340 vectors (bitcoin/bips bip-0340/test-vectors.csv)', () => {
  const lines = readVector('third-party/bip340/test-vectors.csv').trim().split('\n').slice(1);
  const nostr = getSuite('nostr');
  for (const line of lines) {
    const [index, sk, pk, aux, msg, sig, result, comment] = line.split(',');
    test(`#${index} ${comment ?? ''}`, async () => {
      const ok = await nostr.verify(hexToBytes(sig!), hexToBytes(msg!), hexToBytes(pk!));
      assert.equal(ok, result === 'TRUE');
      if (sk) {
        // Signing is checked with the vector's aux randomness against noble directly (our sign() draws fresh aux).
        const s = schnorr.sign(hexToBytes(msg!), hexToBytes(sk), hexToBytes(aux!));
        assert.equal(Buffer.from(s).toString('hex').toUpperCase(), sig);
        assert.equal(
          Buffer.from(nostr.getPublicKey(hexToBytes(sk)))
            .toString('hex')
            .toUpperCase(),
          pk,
        );
      }
    });
  }
});

interface WycheproofGroup {
  publicKey: { pk: string };
  tests: {
    tcId: number;
    comment: string;
    msg: string;
    sig: string;
    result: 'valid' | 'invalid';
    flags: string[];
  }[];
}

describe('Wycheproof Ed25519 vectors (C2SP/wycheproof ed25519_test.json): 100 %', () => {
  const doc = JSON.parse(readVector('third-party/wycheproof/ed25519_test.json')) as {
    testGroups: WycheproofGroup[];
  };
  let count = 0;
  for (const g of doc.testGroups) {
    for (const t of g.tests) {
      count++;
      test(`tc${t.tcId} ${t.result} ${t.flags.join(',')} ${t.comment}`, async () => {
        const args = [hexToBytes(t.sig), hexToBytes(t.msg), hexToBytes(g.publicKey.pk)] as const;
        assert.equal(await verifyEd25519(...args, 'auto'), t.result === 'valid', 'auto primitive');
        assert.equal(
          await verifyEd25519(...args, 'noble'),
          t.result === 'valid',
          'noble primitive',
        );
      });
    }
  }
  test('all 151 vectors were run', () => assert.equal(count, 151));
});

describe('ed25519 strictness: one rule whatever the primitive', () => {
  const identity = new Uint8Array(32);
  identity[0] = 1;
  const forgedSig = new Uint8Array(64);
  forgedSig[0] = 1;
  const msg = new TextEncoder().encode('any message at all');

  test('the small-order forgery that node:crypto and noble (zip215) accept is rejected', async () => {
    // The primitives themselves accept it — which is why the pre-checks exist.
    assert.equal(ed25519.verify(forgedSig, msg, identity), true);
    const nodeKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(identity).toString('base64url') },
      format: 'jwk',
    });
    assert.equal(nodeVerify(null, msg, nodeKey, forgedSig), true);
    assert.equal(await verifyEd25519(forgedSig, msg, identity, 'auto'), false);
    assert.equal(await verifyEd25519(forgedSig, msg, identity, 'noble'), false);
    assert.equal(getSuite('ed25519').isValidPublicKey(identity), false);
  });

  test('non-canonical S (S + L) is rejected', async () => {
    const sk = ed25519.utils.randomSecretKey();
    const pk = ed25519.getPublicKey(sk);
    const sig = ed25519.sign(msg, sk);
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!);
    s += L;
    const bad = sig.slice();
    for (let i = 32; i < 64; i++) {
      bad[i] = Number(s & 0xffn);
      s >>= 8n;
    }
    assert.equal(await verifyEd25519(sig, msg, pk), true);
    assert.equal(await verifyEd25519(bad, msg, pk, 'auto'), false);
    assert.equal(await verifyEd25519(bad, msg, pk, 'noble'), false);
  });

  test('differential: WebCrypto path and noble agree on 300 random and mutated cases', async () => {
    for (let i = 0; i < 300; i++) {
      const sk = ed25519.utils.randomSecretKey();
      const pk = ed25519.getPublicKey(sk);
      const m = ed25519.utils.randomSecretKey();
      const sig = ed25519.sign(m, sk);
      const mutate = i % 3;
      if (mutate === 1) sig[i % 64]! ^= 1 << (i % 8);
      if (mutate === 2) pk[i % 32]! ^= 1 << (i % 8);
      const a = await verifyEd25519(sig, m, pk, 'auto');
      const b = await verifyEd25519(sig, m, pk, 'noble');
      assert.equal(a, b, `case ${i}`);
      if (mutate === 0) assert.equal(a, true);
    }
  });
});

describe('ed25519: mixed-order keys are refused (one rule for cofactored and cofactorless verifiers)', () => {
  test('a valid key plus a small-order component is not accepted', async () => {
    const sk = ed25519.utils.randomSecretKey();
    const A = ed25519.Point.fromBytes(ed25519.getPublicKey(sk));
    // An order-8 point: the encoding with y = 0 is order 4; pick any torsion point noble can decode.
    const torsion = ed25519.Point.fromBytes(
      hexToBytes('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'),
    );
    assert.equal(torsion.isSmallOrder(), true);
    const mixed = A.add(torsion).toBytes();
    assert.equal(getSuite('ed25519').isValidPublicKey(ed25519.getPublicKey(sk)), true);
    assert.equal(getSuite('ed25519').isValidPublicKey(mixed), false);
  });
});
