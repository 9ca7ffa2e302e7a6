import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChannelError, claimId, createClaim, createEvent, exportBundle, getSuite } from '@kez/core';
import type { ChainEvent, Claim } from '@kez/core';
import { makeNetResponse } from '@kez/channels/browser';
import type { Net } from '@kez/channels/browser';
import { chainContains, chainHook, fetchChain } from './chains.js';

const now = 1_764_000_000;
const sk = getSuite('ed25519').generateSecretKey();

async function claim(subject: string): Promise<Claim> {
  return createClaim({ subject, suite: 'ed25519', secretKey: sk, now });
}

/** A Net whose fetch answers from a table of URL → [status, body] (or throws). */
function tableNet(table: Record<string, [number, string] | 'timeout'>): Net & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async fetch(url) {
      asked.push(url);
      const a = table[url];
      if (a === 'timeout') throw new ChannelError('timeout', 'slow', url);
      if (!a) throw new ChannelError('network_error', 'refused', url);
      return makeNetResponse(a[0], url, new Headers(), new TextEncoder().encode(a[1]));
    },
    async resolveTxt() {
      return null;
    },
  };
}

describe('fetchChain (SPEC §8.10: union of every server; none only when all say 404)', () => {
  test('merges what each server holds; a revoke withdraws the claim', async () => {
    const a = await claim('dns:a.example');
    const b = await claim('github:b');
    const e1 = await createEvent(null, { op: 'add', claim: a }, sk, 'ed25519', now);
    const e2 = await createEvent(e1, { op: 'add', claim: b }, sk, 'ed25519', now);
    const e3 = await createEvent(e2, { op: 'revoke', target: claimId(b) }, sk, 'ed25519', now);
    const key = e1.chain;
    const path = `/v1/chains/${encodeURIComponent(key)}`;
    // One server is behind (withholds the revoke); the union still shows it.
    const net = tableNet({
      [`https://s1.example${path}`]: [200, exportBundle([e1, e2] as ChainEvent[])],
      [`https://s2.example${path}`]: [200, exportBundle([e1, e2, e3] as ChainEvent[])],
    });
    const c = await fetchChain(net, ['https://s1.example', 'https://s2.example'], key, now);
    assert.equal(c.type, 'found');
    if (c.type !== 'found') return;
    assert.deepEqual(Object.keys(c.state.liveClaims), [claimId(a)]);
    assert.deepEqual(Object.keys(c.state.revokedClaims), [claimId(b)]);
    assert.equal(chainContains(c.state, key), true);
    assert.equal(chainContains(c.state, 'ed25519:' + '0'.repeat(64)), false);
    // The verify hook judges claims against it, and asks each server once per key.
    const hook = chainHook(net, ['https://s1.example', 'https://s2.example'], now);
    const look = await hook(key);
    await hook(key);
    assert.equal(look.type, 'found');
    if (look.type === 'found') {
      assert.equal(look.judge(a, now).reason, 'ok');
      assert.equal(look.judge(b, now).reason, 'revoked');
    }
    assert.equal(net.asked.length, 4);
  });

  test('404 everywhere is none; a failure with no events is unreachable, never none', async () => {
    const key = `ed25519:${'11'.repeat(32)}`;
    const path = `/v1/chains/${encodeURIComponent(key)}`;
    const none = tableNet({ [`https://s1.example${path}`]: [404, '{}'] });
    assert.equal((await fetchChain(none, ['https://s1.example'], key, now)).type, 'none');
    const mixed = tableNet({
      [`https://s1.example${path}`]: [404, '{}'],
      [`https://s2.example${path}`]: 'timeout',
    });
    const m = await fetchChain(mixed, ['https://s1.example', 'https://s2.example'], key, now);
    assert.equal(m.type, 'failed');
    if (m.type === 'failed') assert.equal(m.reason, 'timeout');
    const broken = tableNet({ [`https://s1.example${path}`]: [200, 'not json\n'] });
    const b = await fetchChain(broken, ['https://s1.example'], key, now);
    assert.equal(b.type === 'failed' && b.reason, 'bad_response');
    const err = tableNet({ [`https://s1.example${path}`]: [500, ''] });
    const e = await fetchChain(err, ['https://s1.example'], key, now);
    assert.equal(e.type === 'failed' && e.reason, 'chain_unavailable');
  });
});
