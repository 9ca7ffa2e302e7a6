import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { claimId, createClaim, createEvent, exportBundle, getSuite } from '@kez/core';
import type { ChainEvent, Claim } from '@kez/core';
import { claimsOf, mainState, pageChainResolver } from './chains.js';
import { parseAppConfig } from './config.js';
import type { Hop } from './net/routing-transport.js';

const now = 1_764_000_000;
const sk = getSuite('ed25519').generateSecretKey();
const claim = (subject: string): Promise<Claim> =>
  createClaim({ subject, suite: 'ed25519', secretKey: sk, now });

/**
 * A page fetch over a table of origin URL → answer; requests to the relay are
 * unwrapped to the URL they carry (as the relay would fetch it).
 */
function pageFetch(table: Record<string, Response | 'down'>, asked: string[]): typeof fetch {
  return (async (input: string) => {
    const u = new URL(input);
    if (u.pathname === '/relay/txt') return Response.json({ records: null });
    const target = u.pathname === '/relay/fetch' ? u.searchParams.get('url')! : input;
    asked.push(target);
    const a = table[target];
    if (a === 'down' || !a) throw new TypeError('Failed to fetch');
    return a.clone();
  }) as unknown as typeof fetch;
}

const jsonl = (events: ChainEvent[]) =>
  new Response(exportBundle(events), { headers: { 'content-type': 'application/jsonl' } });

describe('a key’s chains through the page’s Net (ChainResolver, SPEC §8.10)', () => {
  test('the union of every sig-server; the relayed one is logged; revocation is final', async () => {
    const a = await claim('dns:a.example');
    const b = await claim('github:b');
    const e1 = await createEvent(null, { op: 'add', claim: a }, sk, 'ed25519', now);
    const e2 = await createEvent(e1, { op: 'add', claim: b }, sk, 'ed25519', now);
    const e3 = await createEvent(e2, { op: 'revoke', target: claimId(b) }, sk, 'ed25519', now);
    const key = e1.chain;
    const path = `/v1/chains/${encodeURIComponent(key)}`;
    const config = parseAppConfig(
      {
        sigServers: ['https://s1.example', 'https://s2.example'],
        relay: { url: '/relay', hosts: ['s1.example'], fallback: false },
      },
      'https://app.example/',
    );
    const asked: string[] = [];
    const hops: Hop[] = [];
    // s1 is behind and withholds the revoke; s2 has it.
    const fetchFn = pageFetch(
      {
        [`https://s1.example${path}`]: jsonl([e1, e2] as ChainEvent[]),
        [`https://s2.example${path}`]: jsonl([e1, e2, e3] as ChainEvent[]),
        // The identities the chain names are asked for too (expand): answer 404s.
        [`https://api.github.com/users/b/gists?per_page=100&page=1`]: new Response('{}', {
          status: 404,
        }),
      },
      asked,
    );
    const r = pageChainResolver({ config, now: () => now, fetchFn, onHop: (h) => hops.push(h) });
    const out = await r.lookup(key);
    assert.equal(out.type, 'found');
    assert.equal(mainState(out)?.chain, key);
    const { live, revoked } = claimsOf(out);
    assert.deepEqual(
      live.map((l) => l.claim.subject),
      ['dns:a.example'],
    );
    assert.deepEqual(
      revoked.map((x) => x.claim?.subject),
      ['github:b'],
    );
    const viaRelay = hops
      .filter((h) => h.via === 'relay' && h.kind === 'http')
      .map((h) => new URL(h.target).host);
    assert.deepEqual([...new Set(viaRelay)], ['s1.example']);
    // The verify hook judges against the merged chain.
    const look = await r.hook()(key);
    assert.equal(look.type === 'found' && look.judge(b, now).reason, 'revoked');
    assert.equal(look.type === 'found' && look.judge(a, now).reason, 'ok');
  });

  test('404 everywhere is none; a failure with nothing found is failed, never none', async () => {
    const key = (
      await createEvent(
        null,
        { op: 'add', claim: await claim('dns:x.example') },
        getSuite('ed25519').generateSecretKey(),
        'ed25519',
        now,
      )
    ).chain;
    const path = `/v1/chains/${encodeURIComponent(key)}`;
    const config = parseAppConfig(
      { sigServers: ['https://s1.example', 'https://s2.example'] },
      'https://app.example/',
    );
    const none = pageChainResolver({
      config,
      now: () => now,
      fetchFn: pageFetch(
        {
          [`https://s1.example${path}`]: new Response('{}', { status: 404 }),
          [`https://s2.example${path}`]: new Response('{}', { status: 404 }),
        },
        [],
      ),
    });
    assert.equal((await none.lookup(key)).type, 'none');
    const half = pageChainResolver({
      config,
      now: () => now,
      fetchFn: pageFetch(
        { [`https://s1.example${path}`]: new Response('{}', { status: 404 }) },
        [],
      ),
    });
    const out = await half.lookup(key);
    assert.equal(out.type, 'failed');
    assert.equal(claimsOf(out).live.length, 0);
    assert.equal(mainState(out), undefined);
  });
});
