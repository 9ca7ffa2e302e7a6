/**
 * The shared judging (SPEC §9.2–9.4) over a stub channel: candidate ranking,
 * the key filter, the sigchain hook and the per-identity deadline. No network.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { claimId, createClaim, verdict } from '@kez/core';
import type { Claim } from '@kez/core';
import { resolveChannelConfig, verifyIdentity } from '@kez/channels';
import type { ChainHook, ChannelContext, ChannelPlugin, FetchOutcome, Net } from '@kez/channels';
import { NOW, claimFor, encode, newKey, tampered } from './helpers.js';

const key = newKey('ed25519');
const device = newKey('nostr');
const stranger = newKey('ed25519');
const ID = 'github:alice';

const noNet: Net = {
  fetch: () => Promise.reject(new Error('no network in this test')),
  resolveTxt: () => Promise.reject(new Error('no network in this test')),
};
const ctx = (over: Record<string, unknown> = {}): ChannelContext => ({
  net: noNet,
  config: resolveChannelConfig({ flags: over }),
  now: () => NOW,
});

/** A channel returning fixed documents, each published by `owner`. */
function stub(docs: { text: string; owner?: string }[] | FetchOutcome): ChannelPlugin {
  return {
    name: 'github',
    fetchProofs: async () =>
      Array.isArray(docs)
        ? {
            type: 'found',
            texts: docs.map((d, i) => ({
              text: d.text,
              location: `doc${i}`,
              owner: d.owner ?? 'alice',
              binding: { kind: 'transport', detail: 'stub' },
            })),
          }
        : docs,
  };
}

const md = async (c: Claim | Promise<Claim>) => encode(await c, 'markdown');

describe('verify: choosing among candidates (SPEC §9.4)', () => {
  test('valid wins over anything', async () => {
    const plugin = stub([
      { text: await md(tampered(await claimFor(ID, key))) },
      { text: await md(claimFor(ID, key)) },
      { text: 'kez:z1:!!!' },
    ]);
    const r = await verifyIdentity(ID, { ctx: ctx(), plugin });
    assert.equal(r.status, 'valid');
    assert.equal(r.location, 'doc1');
    assert.equal(r.candidates.length, 2); // "kez:z1:" followed by no base64 is not a token
    assert.deepEqual(
      r.candidates.map((c) => c.reason),
      ['bad_signature', 'ok'],
    );
  });

  test('within invalid, the later step wins: owner_mismatch over bad_signature over subject_mismatch over malformed', async () => {
    const docs = [
      { text: '```kez\n{"kez":"0.2"}\n```\n' },
      { text: await md(claimFor('github:bob', key)) },
      { text: await md(tampered(await claimFor(ID, key))) },
      { text: await md(claimFor(ID, key)), owner: 'mallory' },
    ];
    const reasons = [];
    for (let n = 1; n <= docs.length; n++) {
      const r = await verifyIdentity(ID, { ctx: ctx(), plugin: stub(docs.slice(0, n)) });
      reasons.push(r.reason);
      assert.equal(r.status, 'invalid');
    }
    assert.deepEqual(reasons, ['malformed', 'subject_mismatch', 'bad_signature', 'owner_mismatch']);
  });

  test('expired ranks above invalid; key_mismatch above owner_mismatch', async () => {
    const expired = await claimFor(ID, key, { now: NOW - 1000, expiresAt: NOW - 10 });
    const r = await verifyIdentity(ID, {
      ctx: ctx(),
      plugin: stub([
        { text: await md(expired) },
        { text: await md(tampered(await claimFor(ID, key))) },
      ]),
    });
    assert.equal(r.status, 'expired');
    const r2 = await verifyIdentity(ID, {
      ctx: ctx(),
      key: key.ref,
      plugin: stub([
        { text: await md(claimFor(ID, stranger)) },
        { text: await md(claimFor(ID, key)), owner: 'mallory' },
      ]),
    });
    assert.equal(r2.reason, 'key_mismatch');
  });

  test('two valid candidates: the newest wins', async () => {
    const older = await claimFor(ID, key, { now: NOW - 500 });
    const newer = await claimFor(ID, key, { now: NOW - 100 });
    const r = await verifyIdentity(ID, {
      ctx: ctx(),
      plugin: stub([{ text: await md(older) }, { text: await md(newer) }]),
    });
    assert.equal(r.claimId, claimId(newer));
  });

  test('absent → not_found; failed → unreachable with its reason; empty documents → not_found', async () => {
    const a = await verifyIdentity(ID, {
      ctx: ctx(),
      plugin: stub({ type: 'absent', location: 'x', detail: 'gone' }),
    });
    assert.deepEqual([a.status, a.reason, a.detail], ['invalid', 'not_found', 'gone']);
    const f = await verifyIdentity(ID, {
      ctx: ctx(),
      plugin: stub({ type: 'failed', reason: 'rate_limited', detail: 'slow down', location: 'y' }),
    });
    assert.deepEqual([f.status, f.reason, f.location], ['unreachable', 'rate_limited', 'y']);
    const e = await verifyIdentity(ID, { ctx: ctx(), plugin: stub([{ text: 'hello' }]) });
    assert.equal(e.reason, 'not_found');
    assert.match(e.detail!, /no KEZ claim in 1 document/);
  });
});

describe('verify: the sigchain hook (SPEC §9.2 steps 7 and 9, §9.3)', () => {
  const found =
    (judge: (c: Claim) => ReturnType<typeof verdict>, keys: string[] = []): ChainHook =>
    async () => ({
      type: 'found',
      source: 'test-chain',
      judge: (c) => judge(c),
      contains: (k) => keys.includes(k),
    });

  test('a chain verdict applies to a claim that passed everything else', async () => {
    const plugin = stub([{ text: await md(claimFor(ID, key)) }]);
    const r = await verifyIdentity(ID, {
      ctx: ctx(),
      plugin,
      chain: found(() => verdict('revoked', 'revoked at seq 3')),
    });
    assert.deepEqual([r.status, r.reason, r.chain], ['revoked', 'revoked', 'present']);
    const ok = await verifyIdentity(ID, { ctx: ctx(), plugin, chain: found(() => verdict('ok')) });
    assert.deepEqual([ok.status, ok.chain, ok.chainSource], ['valid', 'present', 'test-chain']);
    assert.equal((await verifyIdentity(ID, { ctx: ctx(), plugin })).chain, 'none');
  });

  test('a chain that cannot be fetched → unreachable, which ranks above invalid candidates', async () => {
    const plugin = stub([
      { text: await md(claimFor(ID, key)) },
      { text: await md(tampered(await claimFor(ID, key))) },
    ]);
    const chain: ChainHook = async () => ({
      type: 'failed',
      reason: 'chain_unavailable',
      detail: 'sig-server down',
    });
    const r = await verifyIdentity(ID, { ctx: ctx(), plugin, chain });
    assert.deepEqual([r.status, r.reason], ['unreachable', 'chain_unavailable']);
  });

  test('a claim with primary: not_in_chain without a chain; valid when the chain confirms it', async () => {
    const c = await createClaim({
      subject: ID,
      suite: 'nostr',
      secretKey: device.secretKey,
      now: NOW - 60,
      primary: key.ref,
    });
    const plugin = stub([{ text: await md(c) }]);
    const none = await verifyIdentity(ID, { ctx: ctx(), plugin });
    assert.equal(none.reason, 'not_in_chain');
    const asked: string[] = [];
    const chain: ChainHook = async (k) => {
      asked.push(k);
      return {
        type: 'found',
        source: 's',
        judge: () => verdict('ok'),
        contains: (x) => x === device.ref,
      };
    };
    const r = await verifyIdentity(ID, { ctx: ctx(), plugin, chain });
    assert.equal(r.status, 'valid');
    assert.deepEqual(asked, [key.ref]); // the chain of `primary`, not of the device key
  });

  test('key filter: primary alone never matches; a key of the wanted chain does', async () => {
    const c = await createClaim({
      subject: ID,
      suite: 'nostr',
      secretKey: device.secretKey,
      now: NOW - 60,
      primary: key.ref,
    });
    const plugin = stub([{ text: await md(c) }]);
    const noChain = await verifyIdentity(ID, { ctx: ctx(), plugin, key: key.ref });
    assert.equal(noChain.reason, 'key_mismatch');
    const r = await verifyIdentity(ID, {
      ctx: ctx(),
      plugin,
      key: key.ref,
      chain: found(() => verdict('ok'), [device.ref]),
    });
    assert.equal(r.status, 'valid');
  });
});

describe('verify: limits', () => {
  test('one deadline for the whole identity (verifyTimeoutMs) → unreachable/timeout', async () => {
    const slow: ChannelPlugin = { name: 'github', fetchProofs: () => new Promise(() => {}) };
    const t0 = performance.now();
    const r = await verifyIdentity(ID, { ctx: ctx({ verifyTimeoutMs: 150 }), plugin: slow });
    assert.deepEqual([r.status, r.reason], ['unreachable', 'timeout']);
    assert.ok(performance.now() - t0 < 1000);
  });

  test('a malformed identity or key filter is a usage error (thrown), not a status', async () => {
    await assert.rejects(
      verifyIdentity('github:-bad-', { ctx: ctx(), plugin: stub([]) }),
      /not a valid GitHub login/,
    );
    await assert.rejects(
      verifyIdentity(ID, { ctx: ctx(), plugin: stub([]), key: 'nope' }),
      /not a key/,
    );
  });
});
