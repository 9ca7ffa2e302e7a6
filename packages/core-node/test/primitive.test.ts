/**
 * node:crypto under core: the same verdict as core's other primitives on every
 * Wycheproof vector and on random and mutated cases, the strict rules of
 * SPEC §3.2 still in front of it, and core refusing a primitive that would
 * change a verdict.
 */
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import {
  checkEd25519PublicKey,
  sha256,
  useEd25519Verify,
  useSha256,
  useX25519,
  verifyEd25519,
} from '@kez/core';
import {
  installNodeCrypto,
  nodeEd25519Verify,
  nodeSha256,
  nodeSha256Text,
  nodeX25519,
} from '@kez/core-node';

installNodeCrypto();

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const le = (n: bigint) =>
  Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
const fromLe = (b: Uint8Array) => b.reduceRight((n, x) => (n << 8n) | BigInt(x), 0n);

type Primitive = 'native' | 'webcrypto' | 'noble';
const PRIMITIVES: Primitive[] = ['native', 'webcrypto', 'noble'];

async function allSay(
  sig: Uint8Array,
  msg: Uint8Array,
  pk: Uint8Array,
  want: boolean,
  what: string,
) {
  for (const p of PRIMITIVES)
    assert.equal(await verifyEd25519(sig, msg, pk, p), want, `${p}: ${what}`);
  assert.equal(await verifyEd25519(sig, msg, pk), want, `auto: ${what}`);
}

describe('SHA-256 on node:crypto', () => {
  test('is what core hashes with, and matches createHash on many lengths', () => {
    for (let n = 0; n < 300; n += 7) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      const want = createHash('sha256').update(data).digest();
      assert.deepEqual(Buffer.from(nodeSha256(data)), want);
      assert.deepEqual(Buffer.from(sha256(data)), want);
    }
  });
  test('nodeSha256Text hashes a string as UTF-8, whatever its characters', () => {
    const pieces = ['', '\0', 'a', 'é', '€', '\u{1F4F1}', '"\\', '\u2028'];
    for (let n = 0; n < 200; n += 3) {
      const text = Array.from({ length: n }, (_, i) => pieces[(i * 7 + n) % pieces.length]).join(
        '',
      );
      assert.deepEqual(
        Buffer.from(nodeSha256Text(text)),
        createHash('sha256').update(Buffer.from(text, 'utf8')).digest(),
      );
    }
  });
  test('core refuses a hash that fails its known answers', () => {
    assert.throws(() => useSha256(() => new Uint8Array(32)), /known-answer/);
  });
});

describe('Ed25519 on node:crypto behind core’s strict checks', () => {
  interface Group {
    publicKey: { pk: string };
    tests: { tcId: number; msg: string; sig: string; result: 'valid' | 'invalid' }[];
  }
  const file = join(
    import.meta.dirname,
    '../../../test-vectors/third-party/wycheproof/ed25519_test.json',
  );
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { testGroups: Group[] };

  test('Wycheproof ed25519_test.json: all 151 vectors, the same verdict from native, WebCrypto and noble', async () => {
    let n = 0;
    for (const g of doc.testGroups)
      for (const t of g.tests) {
        n++;
        await allSay(
          hex(t.sig),
          hex(t.msg),
          hex(g.publicKey.pk),
          t.result === 'valid',
          `tc${t.tcId}`,
        );
      }
    assert.equal(n, 151);
  });

  test('differential: 300 random and mutated cases agree across primitives', async () => {
    for (let i = 0; i < 300; i++) {
      const sk = ed25519.utils.randomSecretKey();
      const pk = ed25519.getPublicKey(sk);
      const m = ed25519.utils.randomSecretKey();
      const sig = ed25519.sign(m, sk);
      const mutate = i % 3;
      if (mutate === 1) sig[i % 64]! ^= 1 << (i % 8);
      if (mutate === 2) pk[i % 32]! ^= 1 << (i % 8);
      const want = await verifyEd25519(sig, m, pk, 'noble');
      if (mutate === 0) assert.equal(want, true);
      await allSay(sig, m, pk, want, `case ${i}`);
    }
  });

  test('malleated S + L, non-canonical R and the small-order forgery are refused', async () => {
    const sk = ed25519.utils.randomSecretKey();
    const pk = ed25519.getPublicKey(sk);
    const m = new TextEncoder().encode('strict');
    const sig = ed25519.sign(m, sk);
    await allSay(sig, m, pk, true, 'good');
    const malleated = sig.slice();
    malleated.set(le(fromLe(sig.subarray(32)) + L), 32);
    await allSay(malleated, m, pk, false, 'S + L');
    const badR = sig.slice();
    badR.set(le(2n ** 255n - 19n + 1n), 0);
    await allSay(badR, m, pk, false, 'non-canonical R');
    // The identity point as key and the all-zero forgery: OpenSSL alone accepts it.
    const identity = le(1n);
    const forged = new Uint8Array(64);
    forged[0] = 1;
    assert.equal(nodeEd25519Verify(forged, m, identity), true, 'the raw primitive is fooled');
    await allSay(forged, m, identity, false, 'small-order key');
  });

  test('the mixed-order-R known answer in core is what its recipe makes, and only cofactored verifiers accept it', async () => {
    const seed = new Uint8Array(32).fill(7);
    const { scalar: a, pointBytes: A } = ed25519.utils.getExtendedPublicKey(seed);
    const T = ed25519.Point.fromBytes(
      hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'),
    );
    assert.equal(T.isSmallOrder(), true);
    const r = 123456789123456789n;
    const R = ed25519.Point.BASE.multiply(r).add(T).toBytes();
    const M = new TextEncoder().encode('KEZ mixed-order R');
    const k = fromLe(sha512(Uint8Array.from([...R, ...A, ...M]))) % L;
    const sig = Uint8Array.from([...R, ...le((r + k * a) % L)]);
    assert.equal(
      Buffer.from(sig).toString('hex'),
      'dd8952a66f04b15f61df8c66ce93471979a95c884f2dede0f89f1fc9f9b407b469e168c95d5c442ab3145e690fc5bd16c88531b80869d4a979ac5b161de4b30d',
    );
    assert.equal(
      Buffer.from(A).toString('hex'),
      'ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c',
    );
    assert.equal(ed25519.verify(sig, M, A), true, 'noble (cofactored) accepts');
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(A).toString('base64url') },
      format: 'jwk',
    });
    assert.equal(nodeVerify(null, M, key, sig), false, 'OpenSSL (cofactorless) refuses');
    await allSay(sig, M, A, false, 'mixed-order R');
  });

  test('core refuses a primitive that is cofactored, always yes, always no or throws', () => {
    const cofactored = (s: Uint8Array, m: Uint8Array, k: Uint8Array) => ed25519.verify(s, m, k);
    for (const bad of [
      cofactored,
      () => true,
      () => false,
      () => {
        throw new Error('x');
      },
    ])
      assert.throws(() => useEd25519Verify(bad), /known-answer/);
    // The installed one still answers afterwards.
    installNodeCrypto();
  });

  test('forcing a primitive that is not there is an error, not a false', async () => {
    const { execFileSync } = await import('node:child_process');
    // A fresh process with core alone: nothing installed.
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=kez-source',
        '--input-type=module',
        '-e',
        "import { verifyEd25519 } from '@kez/core'; verifyEd25519(new Uint8Array(64), new Uint8Array(32), new Uint8Array(32), 'native').then(() => console.log('resolved'), (e) => console.log(e.message));",
      ],
      { encoding: 'utf8' },
    );
    assert.match(out, /no native primitive installed/);
  });
});

describe('the strict Ed25519 key check on node:crypto’s X25519', () => {
  const P = 2n ** 255n - 19n;
  const both = (pk: Uint8Array, what: string) => {
    const want = checkEd25519PublicKey(pk, 'noble');
    assert.equal(checkEd25519PublicKey(pk, 'native'), want, what);
    return want;
  };
  const torsion = ED25519_TORSION_SUBGROUP.map((h) => ed25519.Point.fromHex(h));

  test('the mixed-order key in core’s known answers is RFC 8032 TEST 1’s key plus the order-8 point 26e8…fc05', () => {
    const A = ed25519.Point.fromBytes(
      hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'),
    );
    const T = ed25519.Point.fromBytes(
      hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'),
    );
    assert.equal(
      Buffer.from(A.add(T).toBytes()).toString('hex'),
      '3b5b475c4b82dd1572799fc546f4c6c03e478c6654aa4c7f945b347ea32af60d',
    );
  });

  test('agrees with noble on keys of order L, and on each with every small-order component added', () => {
    for (let i = 0; i < 40; i++) {
      const A = ed25519.Point.fromBytes(ed25519.getPublicKey(ed25519.utils.randomSecretKey()));
      assert.equal(both(A.toBytes(), `key ${i}`), true);
      for (const [j, T] of torsion.entries())
        if (!T.is0()) assert.equal(both(A.add(T).toBytes(), `key ${i} + torsion ${j}`), false);
    }
  });

  test('agrees with noble on the eight small-order points, with either sign bit', () => {
    for (const T of torsion) {
      const b = T.toBytes();
      assert.equal(both(b, `torsion ${Buffer.from(b).toString('hex')}`), false);
      b[31]! ^= 0x80;
      assert.equal(both(b, `torsion with the sign flipped`), false);
    }
  });

  test('agrees with noble on 600 random byte strings (about half are not on the curve), y near 0 and p, and every sign bit', () => {
    let onCurve = 0;
    const cases: Uint8Array[] = [];
    for (let i = 0; i < 600; i++) cases.push(Uint8Array.from(randomBytes32()));
    for (const y of [0n, 1n, 2n, 3n, P - 1n, P - 2n, P - 3n, P, P + 1n, 2n ** 255n - 1n])
      for (const sign of [0, 0x80]) {
        const b = le(y);
        b[31]! |= sign;
        cases.push(b);
      }
    for (const [i, b] of cases.entries()) {
      try {
        ed25519.Point.fromBytes(b, false);
        onCurve++;
      } catch {
        // not a point: the native check must say no as well
      }
      both(b, `case ${i} ${Buffer.from(b).toString('hex')}`);
    }
    // Both kinds were exercised.
    assert.ok(
      onCurve > 200 && onCurve < cases.length - 200,
      `${onCurve} of ${cases.length} decode`,
    );
  });

  test('core refuses an X25519 that fails RFC 7748, returns zero instead of throwing, or echoes u', () => {
    const zeroNotThrow = (k: Uint8Array, u: Uint8Array) => {
      try {
        return nodeX25519(k, u);
      } catch {
        return new Uint8Array(32);
      }
    };
    // Answers RFC 7748 correctly, but a match on u = 0 must still not pass a small-order key.
    useX25519(zeroNotThrow);
    assert.equal(checkEd25519PublicKey(le(P - 1n), 'native'), false);
    for (const bad of [
      (_k: Uint8Array, u: Uint8Array) => u,
      () => new Uint8Array(32),
      () => {
        throw new Error('x');
      },
    ])
      assert.throws(() => useX25519(bad), /known-answer/);
    installNodeCrypto();
  });
});

function randomBytes32(): Uint8Array {
  return ed25519.utils.randomSecretKey();
}
