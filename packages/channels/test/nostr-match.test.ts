// Choosing the nostr proof from relay answers (pure; SPEC §7.4): newest
// authentic event, NIP-09 deletions, foreign authors, junk, relay failures;
// and which relays may be asked.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getSuite, npubEncode, toHex } from '@kez/core';
import { signEvent } from '../src/nostr/event.js';
import type { NostrEvent } from '../src/nostr/event.js';
import { mergeRelays, normalizeRelayUrl, proofFilters } from '../src/nostr/locate.js';
import { authenticEvents, decideProof, matchProof, writeRelays } from '../src/nostr/match.js';
import type { RelayQuery } from '../src/nostr/relay.js';

const nostr = getSuite('nostr');
const NOW = 1_764_000_000;

function key() {
  const sk = nostr.generateSecretKey();
  return { sk, hex: toHex(nostr.getPublicKey(sk)), npub: npubEncode(nostr.getPublicKey(sk)) };
}
const proof = (sk: Uint8Array, content: string, at = NOW) =>
  signEvent({ kind: 30078, created_at: at, tags: [['d', 'kez-claim']], content }, sk);
const answer = (relay: string, events: NostrEvent[], complete = true): RelayQuery => ({
  relay,
  complete,
  events: JSON.parse(JSON.stringify(events)) as unknown[],
  notices: [],
});

describe('matchProof', () => {
  test('the newest authentic event wins, across relays', async () => {
    const a = key();
    const old = await proof(a.sk, 'kez:z1:OLD', NOW - 10);
    const neu = await proof(a.sk, 'kez:z1:NEW', NOW);
    const out = await matchProof(
      a.hex,
      [answer('wss://r1', [neu]), answer('wss://r2', [old])],
      NOW,
    );
    assert.equal(out.type, 'found');
    if (out.type !== 'found') return;
    assert.equal(out.texts.length, 1);
    assert.equal(out.texts[0]!.text, 'kez:z1:NEW');
    assert.equal(out.texts[0]!.owner, a.npub);
    assert.equal(out.texts[0]!.location, `wss://r1 event ${neu.id}`);
    assert.deepEqual(out.texts[0]!.binding, {
      kind: 'signature',
      detail: `nostr event ${neu.id} signed by ${a.npub}`,
    });
  });

  test('on equal created_at the lowest id wins (NIP-01)', async () => {
    const a = key();
    const x = await proof(a.sk, 'kez:z1:X');
    const y = await proof(a.sk, 'kez:z1:Y');
    const low = x.id < y.id ? x : y;
    const out = await matchProof(a.hex, [answer('wss://r', [x, y])], NOW);
    assert.equal(out.type === 'found' && out.texts[0]!.text, low.content);
  });

  test('events dated beyond the clock skew, malformed or forged ones are discarded', async () => {
    const a = key();
    const future = await proof(a.sk, 'kez:z1:F', NOW + 301);
    const forged = { ...(await proof(a.sk, 'kez:z1:G')), content: 'kez:z1:H' };
    const out = await matchProof(
      a.hex,
      [answer('wss://r', [future, forged, { junk: true } as never])],
      NOW,
    );
    assert.equal(out.type, 'absent');
    assert.match(out.type === 'absent' ? out.detail : '', /discarded 3 inauthentic event\(s\)/);
  });

  test('a NIP-09 deletion by address removes versions up to its time, not later ones', async () => {
    const a = key();
    const ev = await proof(a.sk, 'kez:z1:A', NOW - 5);
    const del = await signEvent(
      { kind: 5, created_at: NOW - 1, tags: [['a', `30078:${a.hex}:kez-claim`]], content: '' },
      a.sk,
    );
    const gone = await matchProof(a.hex, [answer('wss://r', [ev, del])], NOW);
    assert.equal(gone.type, 'absent');
    assert.match(
      gone.type === 'absent' ? gone.detail : '',
      new RegExp(`deleted \\(NIP-09 request ${del.id}\\)`),
    );
    const later = await proof(a.sk, 'kez:z1:B', NOW);
    const back = await matchProof(a.hex, [answer('wss://r', [ev, del, later])], NOW);
    assert.equal(back.type === 'found' && back.texts[0]!.text, 'kez:z1:B');
  });

  test("a deletion by id counts; someone else's deletion does not", async () => {
    const a = key();
    const m = key();
    const ev = await proof(a.sk, 'kez:z1:A');
    const byId = await signEvent(
      { kind: 5, created_at: NOW, tags: [['e', ev.id]], content: '' },
      a.sk,
    );
    const foreign = await signEvent(
      { kind: 5, created_at: NOW, tags: [['e', ev.id]], content: '' },
      m.sk,
    );
    assert.equal((await matchProof(a.hex, [answer('wss://r', [ev, byId])], NOW)).type, 'absent');
    assert.equal((await matchProof(a.hex, [answer('wss://r', [ev, foreign])], NOW)).type, 'found');
  });

  test('an event without a claim in its content means the proof was removed', async () => {
    const a = key();
    for (const content of ['', '   ', 'gone', '```kez\n{}\n```']) {
      const out = await matchProof(a.hex, [answer('wss://r', [await proof(a.sk, content)])], NOW);
      assert.equal(out.type, 'absent', content);
    }
  });

  test('authentic proofs by another author are returned with that author as owner', async () => {
    const a = key();
    const m = key();
    const ev = await proof(m.sk, 'kez:z1:M');
    const out = await matchProof(a.hex, [answer('wss://r', [ev])], NOW);
    assert.equal(out.type, 'found');
    if (out.type !== 'found') return;
    assert.equal(out.texts[0]!.owner, m.npub);
    assert.match(out.texts[0]!.ownerDetail!, new RegExp(`signed by ${m.npub}, not ${a.npub}`));
  });

  test('one relay that sent EOSE makes it absent; none answering makes it failed', async () => {
    const a = key();
    const down: RelayQuery = {
      relay: 'wss://down',
      complete: false,
      events: [],
      notices: [],
      failure: { reason: 'timeout', detail: 'wss://down did not answer within 10 ms' },
    };
    const some = await matchProof(a.hex, [down, answer('wss://up', [])], NOW);
    assert.equal(some.type, 'absent');
    assert.match(some.type === 'absent' ? some.detail : '', /no answer from wss:\/\/down/);
    const none = await matchProof(a.hex, [down], NOW);
    assert.deepEqual(none.type === 'failed' && [none.reason, none.location], [
      'timeout',
      'wss://down',
    ]);
  });
});

describe('authenticEvents in two rounds (configured relays, then NIP-65 ones)', () => {
  test('the second round checks only events the first did not accept, and decides the same', async () => {
    const a = key();
    const ev = await proof(a.sk, 'kez:z1:A', NOW - 5);
    const neu = await proof(a.sk, 'kez:z1:B', NOW);
    const forged = { ...(await proof(a.sk, 'kez:z1:C')), content: 'kez:z1:D' };
    const round1 = [answer('wss://r1', [ev])];
    const round2 = [answer('wss://r2', [ev, neu, forged])];
    const suite = getSuite('nostr');
    const verify = suite.verify;
    let checks = 0;
    suite.verify = (...args) => {
      checks++;
      return verify.apply(suite, args);
    };
    let first, both;
    try {
      first = await authenticEvents(round1, NOW);
      assert.equal(checks, 1);
      both = await authenticEvents(round2, NOW, first);
      // ev was accepted in round 1: only neu's signature is checked now (forged fails at its id).
      assert.equal(checks, 2);
    } finally {
      suite.verify = verify;
    }
    assert.deepEqual(
      both.events.map((s) => [s.event.id, s.relay]),
      [
        [ev.id, 'wss://r1'],
        [neu.id, 'wss://r2'],
      ],
    );
    assert.equal(both.junk.length, 1);
    assert.deepEqual(
      decideProof(a.hex, [...round1, ...round2], both),
      await matchProof(a.hex, [...round1, ...round2], NOW),
    );
  });
});

describe('relay selection', () => {
  test('NIP-65: write and unmarked r tags of the newest list', async () => {
    const a = key();
    const old = await signEvent(
      { kind: 10002, created_at: NOW - 1, tags: [['r', 'wss://old']], content: '' },
      a.sk,
    );
    const neu = await signEvent(
      {
        kind: 10002,
        created_at: NOW,
        tags: [
          ['r', 'wss://both'],
          ['r', 'wss://w', 'write'],
          ['r', 'wss://r', 'read'],
          ['p', 'x'],
        ],
        content: '',
      },
      a.sk,
    );
    const seen = [old, neu].map((event) => ({ event, relay: 'wss://x' }));
    assert.deepEqual(writeRelays(seen, a.hex), ['wss://both', 'wss://w']);
    assert.deepEqual(writeRelays(seen, key().hex), []);
  });

  test('relay URLs from the network must be wss to a public host unless private is allowed', () => {
    const untrusted = { trusted: false, allowPrivate: false };
    assert.equal(normalizeRelayUrl('WSS://Relay.Example/', untrusted), 'wss://relay.example');
    assert.equal(
      normalizeRelayUrl('wss://relay.example/sub?x=1', untrusted),
      'wss://relay.example/sub?x=1',
    );
    for (const bad of [
      'ws://relay.example',
      'wss://127.0.0.1:7447',
      'wss://[::1]',
      'wss://10.1.2.3',
      'wss://localhost',
      'wss://user:pw@relay.example',
      'https://relay.example',
      'not a url',
    ])
      assert.equal(normalizeRelayUrl(bad, untrusted), undefined, bad);
    assert.equal(
      normalizeRelayUrl('ws://127.0.0.1:7447', { trusted: true, allowPrivate: false }),
      'ws://127.0.0.1:7447',
    );
    assert.equal(
      normalizeRelayUrl('ws://127.0.0.1:7447', { trusted: false, allowPrivate: true }),
      'ws://127.0.0.1:7447',
    );
  });

  test('configured relays first, no duplicates, at most 8', () => {
    const many = Array.from({ length: 10 }, (_, i) => `wss://r${i}`);
    assert.deepEqual(mergeRelays(['wss://a', 'wss://b'], ['wss://b', 'wss://c']), [
      'wss://a',
      'wss://b',
      'wss://c',
    ]);
    assert.equal(mergeRelays(many, ['wss://z']).length, 8);
  });

  test('the REQ asks for the proof, its deletions and (first round) the relay list', () => {
    const hex = 'ab'.repeat(32);
    assert.deepEqual(proofFilters(hex, true), [
      { kinds: [30078], authors: [hex], '#d': ['kez-claim'] },
      { kinds: [5], authors: [hex], '#a': [`30078:${hex}:kez-claim`] },
      { kinds: [5], authors: [hex], '#k': ['30078'] },
      { kinds: [10002], authors: [hex], limit: 1 },
    ]);
    assert.equal(proofFilters(hex, false).length, 3);
  });
});
