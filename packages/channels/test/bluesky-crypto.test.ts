// The AT Protocol building blocks (pure): keys and low-S signatures against
// atproto's own interop vectors; DAG-CBOR and CIDs against @ipld/dag-cbor and
// multiformats (an independent implementation); CAR reading and MST walks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as dagCbor from '@ipld/dag-cbor';
import { CID as IpldCID } from 'multiformats/cid';
import { sha256 as ipldSha256 } from 'multiformats/hashes/sha2';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { base58 } from '@scure/base';
import { concatBytes, fromHex, utf8 } from '@kez/core';
import { readCar } from '../src/bluesky/car.js';
import { decodeCbor, encodeCbor } from '../src/bluesky/cbor.js';
import type { CborValue } from '../src/bluesky/cbor.js';
import { CID, cidOf, encodeVarint, parseCidBytes } from '../src/bluesky/cid.js';
import { parseAtprotoKey, verifyAtprotoSignature } from '../src/bluesky/did-key.js';
import { lookupMst } from '../src/bluesky/mst.js';

const vector = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`./vectors/atproto/${name}`, import.meta.url), 'utf8')) as T;

describe('atproto keys and signatures (interop-test-files/crypto)', () => {
  const fixtures = vector<
    {
      comment: string;
      messageBase64: string;
      didDocSuite: string;
      publicKeyDid: string;
      publicKeyMultibase: string;
      signatureBase64: string;
      validSignature: boolean;
    }[]
  >('signature-fixtures.json');
  for (const f of fixtures) {
    test(f.comment, () => {
      const msg = new Uint8Array(Buffer.from(f.messageBase64, 'base64'));
      const sig = new Uint8Array(Buffer.from(f.signatureBase64, 'base64'));
      const fromDidKey = parseAtprotoKey(f.publicKeyDid);
      const fromLegacy = parseAtprotoKey(f.publicKeyMultibase, f.didDocSuite);
      assert.deepEqual(fromLegacy, fromDidKey);
      assert.equal(verifyAtprotoSignature(fromDidKey, msg, sig), f.validSignature);
      if (f.validSignature) {
        const other = msg.slice();
        other[0]! ^= 1;
        assert.equal(verifyAtprotoSignature(fromDidKey, other, sig), false);
      }
    });
  }

  test('did:key K-256 vectors: the multikey holds the compressed public key', () => {
    for (const v of vector<{ privateKeyBytesHex: string; publicDidKey: string }[]>(
      'w3c_didkey_K256.json',
    )) {
      const key = parseAtprotoKey(v.publicDidKey);
      assert.equal(key.curve, 'secp256k1');
      assert.deepEqual(
        key.publicKey,
        secp256k1.getPublicKey(fromHex(v.privateKeyBytesHex, 32, 'sk'), true),
      );
    }
  });

  test('did:key P-256 vectors', () => {
    for (const v of vector<{ privateKeyBytesBase58: string; publicDidKey: string }[]>(
      'w3c_didkey_P256.json',
    )) {
      const key = parseAtprotoKey(v.publicDidKey);
      assert.equal(key.curve, 'p256');
      assert.deepEqual(
        key.publicKey,
        p256.getPublicKey(base58.decode(v.privateKeyBytesBase58), true),
      );
    }
  });

  test('keys that are not atproto keys are refused with a reason', () => {
    assert.throws(() => parseAtprotoKey('uAAAA'), /base58btc/);
    assert.throws(() => parseAtprotoKey('z0OIl'), /not valid base58btc/);
    // ed25519-pub multicodec (0xed 0x01) is not an atproto signing key.
    assert.throws(
      () =>
        parseAtprotoKey(
          'z' + base58.encode(concatBytes(Uint8Array.of(0xed, 1), new Uint8Array(32))),
        ),
      /neither/,
    );
    // Right prefix, not a point on the curve.
    assert.throws(
      () =>
        parseAtprotoKey(
          'z' +
            base58.encode(concatBytes(Uint8Array.of(0xe7, 1, 2), new Uint8Array(32).fill(0xff))),
        ),
      /not a valid curve point/,
    );
  });

  test('a signature must be 64-byte compact; anything else is false, never a throw', () => {
    const f = fixtures[1]!;
    const key = parseAtprotoKey(f.publicKeyDid);
    const sig = new Uint8Array(Buffer.from(f.signatureBase64, 'base64'));
    assert.equal(verifyAtprotoSignature(key, utf8('x'), sig.subarray(0, 63)), false);
    assert.equal(verifyAtprotoSignature(key, utf8('x'), new Uint8Array(64)), false);
  });
});

describe('DAG-CBOR and CIDs', () => {
  const link = cidOf(utf8('a block'));
  const sample: CborValue = {
    $type: 'dev.kez.proof',
    claim: 'kez:z1:AAAA',
    createdAt: '2026-11-26T00:00:00.000Z',
    n: [0, 23, 24, 255, 256, 65535, 65536, 2 ** 32, 2 ** 53 - 1, -1, -24, -25, -(2 ** 40)],
    bytes: new Uint8Array([0, 1, 2, 255]),
    nested: { z: null, a: true, bb: false, ccc: [] },
    link,
    é: 'ü',
  };
  /** The same value in @ipld/dag-cbor's model (multiformats CIDs). */
  const toIpld = (v: CborValue): unknown => {
    if (v instanceof CID) return IpldCID.decode(v.bytes);
    if (Array.isArray(v)) return v.map(toIpld);
    if (v && typeof v === 'object' && !(v instanceof Uint8Array))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toIpld(x)]));
    return v;
  };

  test('our encoding is byte-identical to @ipld/dag-cbor, and decodes back', () => {
    const ours = encodeCbor(sample);
    assert.deepEqual(ours, new Uint8Array(dagCbor.encode(toIpld(sample))));
    assert.deepEqual(encodeCbor(decodeCbor(ours)), ours);
  });

  test('CIDs match multiformats', async () => {
    const bytes = encodeCbor(sample);
    const theirs = IpldCID.create(1, dagCbor.code, await ipldSha256.digest(bytes));
    assert.equal(cidOf(bytes).toString(), theirs.toString());
    assert.deepEqual(parseCidBytes(theirs.bytes).bytes, theirs.bytes);
    // The well-known CID of the empty map.
    assert.equal(
      cidOf(Uint8Array.of(0xa0)).toString(),
      'bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua',
    );
  });

  test('strict decoding: what DAG-CBOR (or the atproto data model) forbids is refused', () => {
    const bad: [string, number[], RegExp][] = [
      ['keys out of order', [0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02], /canonical order/],
      ['duplicate key', [0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02], /duplicated/],
      ['non-minimal int', [0x18, 0x05], /minimally/],
      ['indefinite array', [0x9f, 0xff], /indefinite/],
      ['float', [0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0], /float/],
      ['undefined', [0xf7], /simple value/],
      ['other tag', [0xc1, 0x00], /tag 1/],
      ['integer key', [0xa1, 0x01, 0x01], /not a string/],
      ['trailing bytes', [0x01, 0x02], /trailing/],
      ['truncated', [0x62, 0x61], /truncated/],
      ['bad utf-8', [0x61, 0xff], /UTF-8/],
    ];
    for (const [what, bytes, re] of bad)
      assert.throws(() => decodeCbor(Uint8Array.from(bytes)), re, what);
    let deep: number[] = [0x01];
    for (let i = 0; i < 70; i++) deep = [0x81, ...deep];
    assert.throws(() => decodeCbor(Uint8Array.from(deep)), /deeply/);
    // A "__proto__" key is plain data, never the prototype.
    const proto = decodeCbor(
      concatBytes(Uint8Array.of(0xa1, 0x69), utf8('__proto__'), Uint8Array.of(1)),
    );
    assert.equal(Object.getPrototypeOf(proto), null);
    assert.deepEqual(Object.entries(proto as object), [['__proto__', 1]]);
  });
});

/** A CAR v1 from blocks (root first). */
function writeCar(root: CID, blocks: Uint8Array[]): Uint8Array {
  const header = encodeCbor({ roots: [root], version: 1 });
  const parts = [encodeVarint(header.length), header];
  for (const b of blocks) {
    const cid = cidOf(b);
    parts.push(encodeVarint(cid.bytes.length + b.length), cid.bytes, b);
  }
  return concatBytes(...parts);
}

describe('CAR and MST', () => {
  // A two-level tree: root {l: left, e: [k2 → r2]} ; left {e: [k1 → r1]}.
  const r1 = encodeCbor({ $type: 'x', v: 1 });
  const r2 = encodeCbor({ $type: 'x', v: 2 });
  const left = encodeCbor({ l: null, e: [{ p: 0, k: utf8('app.x/a'), v: cidOf(r1), t: null }] });
  const root = encodeCbor({
    l: cidOf(left),
    e: [
      { p: 0, k: utf8('app.x/m'), v: cidOf(r2), t: null },
      { p: 6, k: utf8('z'), v: cidOf(r2), t: null },
    ],
  });

  test('a walk finds keys in the node and in subtrees, and proves absence', () => {
    const car = readCar(writeCar(cidOf(root), [root, left, r1, r2]));
    assert.deepEqual(lookupMst(car, cidOf(root), 'app.x/a'), { found: true, value: cidOf(r1) });
    assert.deepEqual(lookupMst(car, cidOf(root), 'app.x/m'), { found: true, value: cidOf(r2) });
    assert.deepEqual(lookupMst(car, cidOf(root), 'app.x/z'), { found: true, value: cidOf(r2) });
    assert.deepEqual(lookupMst(car, cidOf(root), 'app.x/b'), { found: false });
    assert.deepEqual(lookupMst(car, cidOf(root), 'app.x/q'), { found: false });
  });

  test('a proof missing a node it needs is broken, not absent', () => {
    const car = readCar(writeCar(cidOf(root), [root, r2]));
    assert.throws(() => lookupMst(car, cidOf(root), 'app.x/a'), /lacks MST node/);
  });

  test('a block that does not hash to its CID breaks the CAR', () => {
    const bytes = writeCar(cidOf(root), [root, left]);
    const i = bytes.length - 3;
    bytes[i]! ^= 0xff;
    assert.throws(() => readCar(bytes), /does not hash to its CID/);
  });

  test('a CAR without exactly one root, or truncated, is refused', () => {
    const header = encodeCbor({ roots: [], version: 1 });
    assert.throws(
      () => readCar(concatBytes(encodeVarint(header.length), header)),
      /exactly one root/,
    );
    const whole = writeCar(cidOf(root), [root]);
    assert.throws(() => readCar(whole.subarray(0, whole.length - 1)), /truncated/);
  });
});
