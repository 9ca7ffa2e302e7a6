// OpenSSL's ECDSA (node:crypto, thread pool) for atproto commit signatures
// gives the same answers as the pure check on atproto's interop vectors, and
// a primitive that disagrees with the known answers is never used.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { utf8 } from '@kez/core';
import {
  checkAtprotoSignature,
  parseAtprotoKey,
  useEcdsaVerify,
  verifyAtprotoSignature,
} from '../src/bluesky/did-key.js';
import type { EcdsaVerify } from '../src/bluesky/did-key.js';
import { nodeEcdsaVerify } from '../src/bluesky/node-ecdsa.js';

const fixtures = JSON.parse(
  readFileSync(new URL('./vectors/atproto/signature-fixtures.json', import.meta.url), 'utf8'),
) as {
  comment: string;
  messageBase64: string;
  publicKeyDid: string;
  publicKeyMultibase: string;
  didDocSuite: string;
  signatureBase64: string;
  validSignature: boolean;
}[];
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

describe('atproto ECDSA through node:crypto', () => {
  after(() => useEcdsaVerify(undefined));

  for (const f of fixtures)
    test(`same answer as the pure check: ${f.comment}`, async () => {
      useEcdsaVerify(nodeEcdsaVerify);
      const msg = bytes(f.messageBase64);
      const sig = bytes(f.signatureBase64);
      for (const key of [
        parseAtprotoKey(f.publicKeyDid),
        parseAtprotoKey(f.publicKeyMultibase, f.didDocSuite),
      ]) {
        assert.equal(await checkAtprotoSignature(key, msg, sig), f.validSignature);
        assert.equal(verifyAtprotoSignature(key, msg, sig), f.validSignature);
        const other = msg.slice();
        other[0]! ^= 1;
        assert.equal(await checkAtprotoSignature(key, other, sig), false);
        assert.equal(await checkAtprotoSignature(key, msg, sig.subarray(0, 63)), false);
      }
    });

  test('the installed primitive is the one asked, once it agrees with the known answers', async () => {
    const f = fixtures.find((x) => x.validSignature)!;
    let calls = 0;
    const counting: EcdsaVerify = (...args) => {
      calls++;
      return nodeEcdsaVerify(...args);
    };
    useEcdsaVerify(counting);
    const ok = await checkAtprotoSignature(
      parseAtprotoKey(f.publicKeyDid),
      bytes(f.messageBase64),
      bytes(f.signatureBase64),
    );
    assert.equal(ok, true);
    assert.equal(calls, 4 + 1); // two known answers × (right, changed message), then the check
  });

  test('a primitive that says yes to everything, or throws, is not used: the pure check decides', async () => {
    const f = fixtures.find((x) => x.validSignature)!;
    const key = parseAtprotoKey(f.publicKeyDid);
    const forged = bytes(f.signatureBase64);
    forged[5]! ^= 1;
    for (const bad of [
      async () => true,
      async () => {
        throw new Error('broken');
      },
    ] as EcdsaVerify[]) {
      useEcdsaVerify(bad);
      assert.equal(await checkAtprotoSignature(key, bytes(f.messageBase64), forged), false);
      assert.equal(
        await checkAtprotoSignature(key, bytes(f.messageBase64), bytes(f.signatureBase64)),
        true,
      );
    }
  });

  test('high-S is refused before any primitive is asked (OpenSSL alone would accept it)', async () => {
    let asked = 0;
    useEcdsaVerify(async (...args) => {
      asked++;
      return nodeEcdsaVerify(...args);
    });
    const highs = fixtures.filter((x) => /non-low-S/.test(x.comment));
    assert.equal(highs.length, 2, 'the interop vectors hold a high-S signature per curve');
    await checkAtprotoSignature(
      parseAtprotoKey(highs[0]!.publicKeyDid),
      utf8('warm-up'),
      new Uint8Array(64),
    ); // settles the known answers
    const before = asked;
    for (const h of highs) {
      const key = parseAtprotoKey(h.publicKeyDid);
      const [msg, sig] = [bytes(h.messageBase64), bytes(h.signatureBase64)];
      assert.equal(await nodeEcdsaVerify(key, msg, sig), true, 'OpenSSL alone accepts high-S');
      assert.equal(await checkAtprotoSignature(key, msg, sig), false);
    }
    assert.equal(asked, before);
  });
});
