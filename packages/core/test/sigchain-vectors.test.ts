/**
 * Runs every test-vectors/sigchain/<scenario>.json (SPEC §12.2): the processed
 * state, the unapplied and dropped events, each claim's §9.3 verdict, and the
 * bundle reproduced byte for byte (also after reading the bundle back).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  claimId,
  exportBundle,
  judgeClaim,
  parseBundle,
  parseClaim,
  parseJson,
  summarizeChain,
  validateChain,
  type ChainSummary,
} from '@kez/core';
import { vectorsDir } from './_util.js';

interface SigchainCase {
  comment: string;
  now: number;
  chain: string;
  events: string[];
  claims?: string[];
  bundle: string;
  expect: {
    state: ChainSummary;
    unapplied: { seq: number; id: string; why: string }[];
    dropped: { index: number; why: string }[];
    claims: { claim_id: string; status: string; reason: string; listed: boolean }[];
  };
  tags: string[];
}

const dir = join(vectorsDir, 'sigchain');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

test('there are at least 30 sigchain scenarios, valid and invalid, in both suites', () => {
  assert.ok(files.length >= 30, `only ${files.length} scenarios`);
  const cases = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SigchainCase);
  const ends = new Set(cases.map((c) => c.expect.state.end.kind));
  assert.deepEqual([...ends].sort(), ['complete', 'fork', 'gap', 'halted', 'pending']);
  for (const suite of ['nostr', 'ed25519']) assert.ok(cases.some((c) => c.tags.includes(suite)));
});

describe('test-vectors/sigchain', () => {
  for (const file of files) {
    const c = JSON.parse(readFileSync(join(dir, file), 'utf8')) as SigchainCase;
    test(`${file}: ${c.comment}`, async () => {
      const state = await validateChain(
        c.events.map((l) => parseJson(l)),
        { now: c.now, chain: c.chain },
      );
      assert.deepEqual(summarizeChain(state), c.expect.state);
      assert.deepEqual(
        state.unapplied.map((u) => ({ seq: u.seq, id: u.id, why: u.why })),
        c.expect.unapplied,
      );
      assert.deepEqual(
        state.dropped.map((d) => ({ index: d.index, why: d.why })),
        c.expect.dropped,
      );
      const claims = (c.claims ?? []).map((l) => parseClaim(parseJson(l)));
      assert.deepEqual(
        claims.map((cl) => {
          const v = judgeClaim(cl, state, c.now);
          return { claim_id: claimId(cl), status: v.status, reason: v.reason, listed: v.listed };
        }),
        c.expect.claims,
      );
      // SPEC §8.9: the authentic events, written by any conforming writer, give these bytes.
      assert.equal(exportBundle(state.events), c.bundle);
      const again = await validateChain(parseBundle(c.bundle), { now: c.now, chain: c.chain });
      assert.deepEqual(summarizeChain(again), c.expect.state);
      assert.equal(exportBundle(again.events), c.bundle);
    });
  }
});
