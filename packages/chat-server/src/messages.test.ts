/** Chat events: signing, strict parsing, and what receivers check. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalize } from '@kez/core';
import {
  checkChatEvent,
  encodeChatEvent,
  readChatEvent,
  signChatEvent,
  MAX_TEXT,
} from './messages.js';
import { generateSigner } from './signer.js';
import {
  checkRoom,
  dmSubject,
  parseSubject,
  roomEventSubject,
  roomNoticeSubject,
  userIdOf,
  userToken,
} from './subjects.js';

const T = 1_764_000_000_000;

describe('chat events', () => {
  for (const suite of ['ed25519', 'nostr'] as const)
    test(`${suite}: a signed room message and DM check out on their subjects`, async () => {
      const a = generateSigner(suite);
      const b = generateSigner('ed25519');
      const m = signChatEvent(a, a.key, { room: 'general' }, { op: 'message', text: 'hi' }, T);
      const c = await checkChatEvent(
        roomEventSubject('general', userToken(a.key)),
        encodeChatEvent(m),
      );
      assert.ok(c.ok);
      assert.match(c.id, /^[0-9a-f]{64}$/);
      const dm = signChatEvent(a, a.key, { to: b.key }, { op: 'message', text: 'psst' }, T);
      const d = await checkChatEvent(
        dmSubject(userToken(b.key), userToken(a.key)),
        encodeChatEvent(dm),
      );
      assert.ok(d.ok);
      // The same DM on a subject naming another recipient or sender does not.
      const wrong = await checkChatEvent(
        dmSubject(userToken(a.key), userToken(a.key)),
        encodeChatEvent(dm),
      );
      assert.equal(!wrong.ok && wrong.problem, 'wrong_subject');
    });

  test('edits and deletes name their target; the same text twice gives two ids', async () => {
    const a = generateSigner('ed25519');
    const m1 = signChatEvent(a, a.key, { room: 'r' }, { op: 'message', text: 'x' }, T);
    const m2 = signChatEvent(a, a.key, { room: 'r' }, { op: 'message', text: 'x' }, T);
    const s = roomEventSubject('r', userToken(a.key));
    const [c1, c2] = await Promise.all([
      checkChatEvent(s, encodeChatEvent(m1)),
      checkChatEvent(s, encodeChatEvent(m2)),
    ]);
    assert.ok(c1.ok && c2.ok && c1.id !== c2.id);
    const e = signChatEvent(a, a.key, { room: 'r' }, { op: 'edit', target: c1.id, text: 'y' }, T);
    const d = signChatEvent(a, a.key, { room: 'r' }, { op: 'delete', target: c1.id }, T);
    assert.equal(readChatEvent(encodeChatEvent(e)).target, c1.id);
    assert.equal(readChatEvent(encodeChatEvent(d)).text, undefined);
  });

  test('tampering and bad shapes are refused with a reason', async () => {
    const a = generateSigner('ed25519');
    const m = signChatEvent(a, a.key, { room: 'general' }, { op: 'message', text: 'pay 1' }, T);
    const s = roomEventSubject('general', userToken(a.key));
    const tampered = await checkChatEvent(s, encodeChatEvent({ ...m, text: 'pay 2' }));
    assert.equal(!tampered.ok && tampered.problem, 'bad_signature');
    const elsewhere = await checkChatEvent(
      roomEventSubject('other', userToken(a.key)),
      encodeChatEvent(m),
    );
    assert.equal(!elsewhere.ok && elsewhere.problem, 'wrong_subject');
    const json = encodeChatEvent(m);
    const bad: [string, RegExp][] = [
      [json.replace('{', '{"extra":1,'), /unknown field "extra"/],
      [json.replace('{', '{"text":"dup",'), /duplicate/i],
      [canonicalize({ ...m, to: a.key }), /exactly one of "room" and "to"/],
      [canonicalize({ ...m, op: 'edit' }), /needs "target"/],
      [canonicalize({ ...m, text: '' }), /1-4000 characters/],
      [canonicalize({ ...m, key: m.key.toUpperCase() }), /key|suite/i],
      ['[]', /JSON object/],
    ];
    for (const [text, re] of bad) {
      assert.throws(() => readChatEvent(text), re);
      const c = await checkChatEvent(s, text);
      assert.equal(!c.ok && c.problem, 'malformed');
    }
    assert.throws(
      () =>
        signChatEvent(
          a,
          a.key,
          { room: 'general' },
          { op: 'message', text: 'x'.repeat(MAX_TEXT + 1) },
          T,
        ),
      /characters/,
    );
  });
});

describe('subjects', () => {
  test('user tokens and subjects read back', () => {
    const a = generateSigner('nostr');
    const t = userToken(a.key);
    assert.equal(userIdOf(t), a.key);
    assert.deepEqual(parseSubject(roomEventSubject('general', t)), {
      kind: 'room-event',
      room: 'general',
      sender: t,
    });
    assert.deepEqual(parseSubject(roomNoticeSubject('general')), {
      kind: 'room-notice',
      room: 'general',
    });
    assert.deepEqual(parseSubject(dmSubject(t, t)), { kind: 'dm', to: t, from: t });
    assert.deepEqual(parseSubject('kez.chat.room.General.s'), { kind: 'other' });
    assert.equal(userIdOf('ed25519_xyz'), null);
    assert.throws(() => userToken('github:alice'), /canonical key ref/);
    assert.throws(() => checkRoom('-bad'), /not a room name/);
    assert.throws(() => checkRoom('a.b'), /not a room name/);
    assert.throws(() => checkRoom('x'.repeat(33)), /not a room name/);
  });
});
