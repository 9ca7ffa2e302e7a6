/** Runs every case in test-vectors/claims (SPEC §12). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkClaim,
  claimId,
  decodeClaim,
  encodeClaim,
  KezError,
  type EncodingName,
} from '@kez/core';
import { readVector } from './_util.js';

interface Case {
  comment: string;
  encoding?: EncodingName;
  input: string;
  now: number;
  subject?: string;
  key?: string;
  expected: {
    status: string;
    reason: string;
    stage: 'decode' | 'check';
    subject?: string;
    key?: string;
    claim_id?: string;
  };
}

for (const file of ['valid', 'invalid']) {
  const { cases } = JSON.parse(readVector(`claims/${file}.json`)) as { cases: Case[] };
  describe(`test-vectors/claims/${file}.json (${cases.length} cases)`, () => {
    for (const c of cases) {
      test(c.comment, async () => {
        let decoded;
        try {
          decoded = await decodeClaim(c.input);
        } catch (e) {
          assert.ok(e instanceof KezError, `unexpected ${String(e)}`);
          assert.equal(c.expected.stage, 'decode', `decode failed: ${e.message}`);
          assert.equal(e.code, c.expected.reason, e.message);
          return;
        }
        assert.equal(c.expected.stage, 'check', 'decoding should have failed');
        if (c.encoding) assert.equal(decoded.encoding, c.encoding);
        const opts: { now: number; subject?: string; key?: string } = { now: c.now };
        if (c.subject) opts.subject = c.subject;
        if (c.key) opts.key = c.key;
        const v = await checkClaim(decoded.claim, opts);
        assert.equal(v.reason, c.expected.reason, v.detail);
        assert.equal(v.status, c.expected.status);
        if (c.expected.claim_id) {
          assert.equal(claimId(decoded.claim), c.expected.claim_id);
          assert.equal(decoded.claim.subject, c.expected.subject);
          assert.equal(decoded.claim.key, c.expected.key);
          // SPEC §6: re-encoding a decoded vector gives back the exact bytes.
          assert.equal(await encodeClaim(decoded.claim, decoded.encoding), c.input);
        }
      });
    }
  });
}
