import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkClaim, decodeClaim, getSuite } from '@kez/core';
import { makeClaim, proofTexts } from './proofs.js';

const now = 1_764_000_000;
const secret = getSuite('ed25519').generateSecretKey();

describe('claims made in the page and their proof texts', () => {
  test('the claim is normalized, signed and verifies; expiry in days', async () => {
    const c = await makeClaim({
      subject: 'GitHub:Alice',
      suite: 'ed25519',
      secret,
      now,
      expiresInDays: 2,
    });
    assert.equal(c.subject, 'github:alice');
    assert.equal(c.expires_at, now + 2 * 86400);
    assert.equal((await checkClaim(c, { now })).reason, 'ok');
  });

  test('one channel-specific text per channel, each decoding to the same claim', async () => {
    const cases: [string, string, RegExp][] = [
      ['dns:example.com', 'dns', /^_kez\.example\.com\. 3600 IN TXT "kez:z1:/],
      ['github:alice', 'github', /```kez/],
      ['ap:@alice@social.example', 'ap', /^kez:z1:/],
      ['bluesky:alice.example', 'bluesky', /"\$type": "dev\.kez\.proof"/],
    ];
    for (const [subject, id, shape] of cases) {
      const claim = await makeClaim({ subject, suite: 'ed25519', secret, now });
      const texts = await proofTexts(claim, now);
      assert.deepEqual(
        texts.map((t) => t.id),
        [id, 'json'],
        subject,
      );
      assert.match(texts[0]!.text, shape, subject);
      const json = await decodeClaim(texts[1]!.text);
      assert.deepEqual(json.claim, claim);
    }
  });
});
