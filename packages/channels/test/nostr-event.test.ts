// NIP-01 event checks (pure), cross-checked against nostr-tools — an
// independent implementation — on fresh JSON copies (never its cached flag).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { finalizeEvent, generateSecretKey, getEventHash, verifyEvent } from 'nostr-tools/pure';
import { getSuite } from '@kez/core';
import {
  checkEvent,
  computeEventId,
  parseEvent,
  serializeEvent,
  signEvent,
} from '../src/nostr/event.js';

const fresh = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('NIP-01 events', () => {
  test('an event made by nostr-tools passes our checks', async () => {
    const ev = finalizeEvent(
      {
        kind: 30078,
        created_at: 1764000000,
        tags: [['d', 'kez-claim']],
        content: 'kez:z1:AAAA\n"é"',
      },
      generateSecretKey(),
    );
    const parsed = parseEvent(fresh(ev));
    assert.equal(computeEventId(parsed), ev.id);
    assert.deepEqual(await checkEvent(parsed), { ok: true });
  });

  test('an event we sign passes nostr-tools verification', async () => {
    const sk = getSuite('nostr').generateSecretKey();
    const ev = await signEvent(
      { kind: 1, created_at: 1764000000, tags: [['t', 'x']], content: 'hi\t\\' },
      sk,
    );
    assert.equal(verifyEvent(fresh(ev)), true);
    assert.equal(getEventHash(fresh(ev)), ev.id);
  });

  test('altered content → the id does not verify; a re-hashed id → the signature does not', async () => {
    const sk = getSuite('nostr').generateSecretKey();
    const ev = await signEvent({ kind: 1, created_at: 1764000000, tags: [], content: 'hello' }, sk);
    const tampered = { ...fresh(ev), content: 'hellO' };
    assert.deepEqual(await checkEvent(tampered), { ok: false, problem: 'id' });
    const rehashed = { ...tampered, id: computeEventId(tampered) };
    assert.deepEqual(await checkEvent(rehashed), { ok: false, problem: 'signature' });
  });

  test('serialization escapes exactly the NIP-01 characters', () => {
    const text = serializeEvent({
      pubkey: 'ab'.repeat(32),
      created_at: 1,
      kind: 1,
      tags: [['a', 'x"y']],
      content: '\n"\\\r\t\b\f/é\u2028',
    });
    assert.equal(
      text,
      `[0,"${'ab'.repeat(32)}",1,1,[["a","x\\"y"]],"\\n\\"\\\\\\r\\t\\b\\f/é\u2028"]`,
    );
  });

  test('other control characters: NIP-01 verbatim and JSON.stringify escaping both bind', async () => {
    const sk = getSuite('nostr').generateSecretKey();
    const ours = await signEvent({ kind: 1, created_at: 1, tags: [], content: 'a\u0001b' }, sk);
    assert.deepEqual(await checkEvent(fresh(ours)), { ok: true });
    // nostr-tools hashes JSON.stringify's "\u0001" form.
    const theirs = finalizeEvent(
      { kind: 1, created_at: 1, tags: [], content: 'a\u0001b' },
      generateSecretKey(),
    );
    assert.notEqual(theirs.id, computeEventId(theirs));
    assert.deepEqual(await checkEvent(parseEvent(fresh(theirs))), { ok: true });
  });

  test('parseEvent rejects what is not the NIP-01 shape, naming the field', () => {
    const good = {
      id: '0'.repeat(64),
      pubkey: '1'.repeat(64),
      created_at: 1,
      kind: 1,
      tags: [],
      content: '',
      sig: '2'.repeat(128),
    };
    assert.doesNotThrow(() => parseEvent(good));
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...good, id: 'A'.repeat(64) }, /"id"/],
      [{ ...good, pubkey: '1'.repeat(63) }, /"pubkey"/],
      [{ ...good, sig: undefined }, /"sig"/],
      [{ ...good, created_at: 1.5 }, /"created_at"/],
      [{ ...good, kind: 70000 }, /"kind"/],
      [{ ...good, tags: [['a', 1]] }, /"tags"/],
      [{ ...good, content: null }, /"content"/],
    ];
    for (const [ev, re] of bad) assert.throws(() => parseEvent(ev), re);
    assert.throws(() => parseEvent([good]), /JSON object/);
  });
});
