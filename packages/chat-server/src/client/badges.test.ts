/** Badges: from the sender's sigchain claims, verified by a pluggable verifier, cached after SPEC §9.8. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimId, createClaim, createEvent, validateChain } from '@kez/core';
import type { ReasonCode, Status } from '@kez/core';
import type { ChainSource } from '../chain/chain-source.js';
import { generateSigner } from '../signer.js';
import { Badges } from './badges.js';

const NOW = 1_764_000_000;

test('badges: live claims verified, revoked ones shown without a fetch, unreachable never cached', async () => {
  const alice = generateSigner('ed25519');
  const claim = (subject: string) =>
    createClaim({ subject, secretKey: alice.secret, suite: 'ed25519', now: NOW - 100 });
  const [gh, dns, old] = await Promise.all([
    claim('github:alice'),
    claim('dns:alice.example'),
    claim('ap:@alice@old.example'),
  ]);
  const e1 = await createEvent(null, { op: 'add', claim: gh }, alice.secret, 'ed25519', NOW - 90);
  const e2 = await createEvent(e1, { op: 'add', claim: dns }, alice.secret, 'ed25519', NOW - 80);
  const e3 = await createEvent(e2, { op: 'add', claim: old }, alice.secret, 'ed25519', NOW - 70);
  const e4 = await createEvent(
    e3,
    { op: 'revoke', target: claimId(old) },
    alice.secret,
    'ed25519',
    NOW - 60,
  );
  const state = await validateChain([e1, e2, e3, e4], { now: NOW });
  const chains: ChainSource = {
    lookup: async (key) => (key === alice.key ? { type: 'found', state } : { type: 'none' }),
  };
  const calls: string[] = [];
  const answers: Record<string, { status: Status; reason: ReasonCode }> = {
    'github:alice': { status: 'valid', reason: 'ok' },
    'dns:alice.example': { status: 'unreachable', reason: 'dns_error' },
  };
  let now = NOW;
  const badges = new Badges({
    chains,
    now: () => now,
    verify: async (identity, key) => {
      assert.equal(key, alice.key, 'verified with the sender as key filter');
      calls.push(identity);
      return answers[identity]!;
    },
  });
  const first = await badges.of(alice.key);
  assert.deepEqual(
    first.map((b) => [b.identity, b.status]),
    [
      ['ap:@alice@old.example', 'revoked'],
      ['dns:alice.example', 'unreachable'],
      ['github:alice', 'valid'],
    ],
  );
  assert.deepEqual(
    calls.sort(),
    ['dns:alice.example', 'github:alice'],
    'a revoked claim is not fetched',
  );
  assert.deepEqual(badges.peek(alice.key), first);
  // Within the hour: the valid result is reused, the unreachable one asked again.
  calls.length = 0;
  answers['dns:alice.example'] = { status: 'invalid', reason: 'not_found' };
  now += 600;
  const second = await badges.of(alice.key);
  assert.deepEqual(calls, ['dns:alice.example']);
  assert.equal(second.find((b) => b.identity === 'dns:alice.example')?.status, 'invalid');
  // After the hour everything is checked again.
  calls.length = 0;
  now += 3600;
  await badges.of(alice.key);
  assert.deepEqual(calls.sort(), ['dns:alice.example', 'github:alice']);
  // Someone without a sigchain has no badges (and no warning either).
  assert.deepEqual(await badges.of(generateSigner('nostr').key), []);
});
