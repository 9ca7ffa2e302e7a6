/**
 * Chat end to end against a real nats-server 2.10 with JetStream: rooms,
 * permissions enforced by nats-server, signed events checked by receivers,
 * history replay with paging, DMs, and a nats-server restart mid-chat.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  ChatClient,
  encodeChatEvent,
  foldTimeline,
  generateSigner,
  roomEventSubject,
  roomWildcard,
  signChatEvent,
  userToken,
} from '../src/index.js';
import type { ShownMessage, TimelineItem, ChatError } from '../src/index.js';
import { eventually, startStack } from './_stack.js';
import type { Stack } from './_stack.js';

/** Collects the async errors nats-server sends a connection (permission violations). */
function errorsOf(nc: NatsConnection): string[] {
  const out: string[] = [];
  void (async () => {
    for await (const s of nc.status()) if (s.type === 'error') out.push(String(s.error));
  })();
  return out;
}

/** Resolves at the connection's next successful reconnect. */
async function reconnected(nc: NatsConnection): Promise<void> {
  for await (const s of nc.status()) if (s.type === 'reconnect') return;
}

const texts = (items: TimelineItem[]) =>
  items.flatMap((i) => (i.kind === 'event' && i.event.op === 'message' ? [i.event.text!] : []));

describe('kez-chat end to end', () => {
  let stack: Stack;
  let alice: ChatClient;
  let bob: ChatClient;
  before(async () => {
    stack = await startStack();
    alice = await ChatClient.connect({ servers: stack.url, signer: generateSigner('ed25519') });
    bob = await ChatClient.connect({ servers: stack.url, signer: generateSigner('nostr') });
    await alice.createRoom('general', 'all things KEZ');
    await bob.join('general');
    await alice.createRoom('secret');
  });
  after(async () => {
    await alice?.close();
    await bob?.close();
    await stack?.stop();
  });

  test('a member sees live messages, each signature checked', async () => {
    const got: TimelineItem[] = [];
    const w = bob.watch({ room: 'general' }, (it) => got.push(it));
    await w.ready;
    await alice.send({ room: 'general' }, 'hello bob');
    const it = await eventually('bob sees the message', () =>
      got.find((i) => i.kind === 'event' && i.event.text === 'hello bob'),
    );
    assert.equal(it.kind === 'event' && it.event.from, alice.userId);
    assert.equal(it.kind === 'event' && it.binding, 'self');
    w.stop();
  });

  test('nats-server refuses publishing as someone else and reading a room one is not in', async () => {
    const errors = errorsOf(bob.nc);
    // Bob publishes on Alice's subject: nats-server drops it and tells Bob.
    bob.nc.publish(roomEventSubject('general', userToken(alice.userId)), 'forged');
    // Bob subscribes to a room he is not in.
    const sub = bob.nc.subscribe(roomWildcard('secret'));
    assert.match(
      String(await sub.closed),
      /Permissions Violation for Subscription to "kez\.chat\.room\.secret\.>"/,
    );
    await eventually('publish violation', () =>
      errors.find((e) =>
        /Permissions Violation for Publish to "kez\.chat\.room\.general\.m\./.test(e),
      ),
    );
    // Asking the service for the room's history is refused too.
    await assert.rejects(
      bob.history({ room: 'secret' }),
      (e: ChatError) => e.code === 'not_member',
    );
    // The connection stays usable.
    await bob.send({ room: 'general' }, 'still here');
  });

  test('receivers reject an event whose signer or subject do not agree', async () => {
    const got: TimelineItem[] = [];
    const w = alice.watch({ room: 'general' }, (it) => got.push(it));
    await w.ready;
    const mallory = generateSigner('ed25519');
    // Bob publishes (on his own subject) an event that says it is from Alice…
    const claimsAlice = signChatEvent(
      mallory,
      alice.userId,
      { room: 'general' },
      { op: 'message', text: 'I am alice' },
      Date.now(),
    );
    bob.nc.publish(
      roomEventSubject('general', userToken(bob.userId)),
      encodeChatEvent(claimsAlice),
    );
    // …and one from himself whose text was changed after signing.
    const tampered = {
      ...signChatEvent(
        mallory,
        bob.userId,
        { room: 'general' },
        { op: 'message', text: 'pay 1' },
        Date.now(),
      ),
      text: 'pay 1000',
    };
    bob.nc.publish(roomEventSubject('general', userToken(bob.userId)), encodeChatEvent(tampered));
    const problems = await eventually('two rejections', () => {
      const r = got.flatMap((i) => (i.kind === 'rejected' ? [i.problem] : []));
      return r.length >= 2 ? r : undefined;
    });
    assert.deepEqual(problems.sort(), ['bad_signature', 'wrong_subject']);
    assert.equal(texts(got).length, 0, 'neither is shown as a message');
    w.stop();
  });

  test('a late joiner replays the history, with edits and deletes applied, page by page', async () => {
    await alice.createRoom('history-room');
    const sent: string[] = [];
    for (let i = 0; i < 12; i++)
      sent.push((await alice.send({ room: 'history-room' }, `m${i}`)).id);
    await alice.edit({ room: 'history-room' }, sent[3]!, 'm3 (edited)');
    await alice.remove({ room: 'history-room' }, sent[4]!);

    const carol = await ChatClient.connect({
      servers: stack.url,
      signer: generateSigner('ed25519'),
    });
    try {
      await assert.rejects(carol.history({ room: 'history-room' }), /not in room/);
      await carol.join('history-room');
      // Newest page first, then older pages through the `before` cursor.
      const pages: TimelineItem[][] = [];
      let before: number | undefined;
      for (;;) {
        const page = await carol.history(
          { room: 'history-room' },
          { limit: 5, ...(before ? { before } : {}) },
        );
        pages.unshift(page.items);
        if (!page.more) break;
        before = page.firstSeq;
      }
      assert.ok(pages.length >= 3, `paged (${pages.length} pages)`);
      const all = pages.flat();
      assert.deepEqual(
        texts(all),
        sent.map((_, i) => `m${i}`),
      );
      const shown = foldTimeline(all).filter((x): x is ShownMessage => 'text' in x);
      assert.equal(shown[3]!.text, 'm3 (edited)');
      assert.equal(shown[3]!.edited, true);
      assert.equal(shown[4]!.text, null, 'deleted');
      const notices = all.flatMap((i) => (i.kind === 'notice' ? [`${i.notice.op}`] : []));
      assert.deepEqual(notices, ['created', 'joined']);
      // An edit by someone else is ignored.
      const forged = await carol.edit({ room: 'history-room' }, sent[0]!, 'carol was here');
      const again = await carol.history({ room: 'history-room' }, { limit: 100 });
      const first = foldTimeline(again.items).find(
        (x): x is ShownMessage => 'text' in x && x.id === sent[0],
      );
      assert.equal(first?.text, 'm0');
      assert.ok(again.items.some((i) => i.kind === 'event' && i.id === forged.id));
    } finally {
      await carol.close();
    }
  });

  test('direct messages reach only the two people, and replay from history', async () => {
    const carol = await ChatClient.connect({
      servers: stack.url,
      signer: generateSigner('ed25519'),
    });
    const bobGot: TimelineItem[] = [];
    const carolGot: TimelineItem[] = [];
    const wb = bob.watch({ dms: true }, (it) => bobGot.push(it));
    const wc = carol.watch({ dms: true }, (it) => carolGot.push(it));
    await Promise.all([wb.ready, wc.ready]);
    try {
      await alice.send({ to: bob.userId }, 'psst bob');
      await bob.send({ to: alice.userId }, 'hi alice');
      await eventually('bob gets the DM', () => texts(bobGot).includes('psst bob'));
      assert.deepEqual(texts(carolGot), [], 'carol sees nothing');
      const h = await alice.history({ with: bob.userId });
      assert.deepEqual(texts(h.items), ['psst bob', 'hi alice']);
      const none = await carol.history({ with: bob.userId });
      assert.deepEqual(texts(none.items), []);
    } finally {
      wb.stop();
      wc.stop();
      await carol.close();
    }
  });

  test('a watch the server refuses ends: `closed` says why, and unawaited it raises nothing', async () => {
    const refused = bob.watch({ room: 'secret' }, () => undefined);
    await assert.rejects(refused.closed, /Permissions Violation for Subscription/);
    // Nobody awaits this one's `closed` (the page does not): an unhandled rejection would fail
    // this test file.
    const unwatched = bob.watch({ room: 'secret' }, () => undefined);
    await new Promise((r) => setTimeout(r, 200));
    unwatched.stop();
  });

  test('leaving a room takes its permissions away at the next log-in', async () => {
    await bob.leave('general');
    const sub = bob.nc.subscribe(roomWildcard('general'));
    assert.match(String(await sub.closed), /Permissions Violation for Subscription/);
    await bob.join('general');
  });

  test('room list, topic and members', async () => {
    await alice.setTopic('general', 'new topic');
    const rooms = await bob.rooms();
    const general = rooms.find((r) => r.id === 'general');
    assert.deepEqual(general, { id: 'general', topic: 'new topic', members: 2, member: true });
    assert.equal(rooms.find((r) => r.id === 'secret')?.member, false);
    assert.deepEqual((await bob.members('general')).sort(), [alice.userId, bob.userId].sort());
    await assert.rejects(bob.createRoom('general'), (e: ChatError) => e.code === 'room_exists');
    await assert.rejects(
      bob.api('join', { room: 'Not A Room' }),
      (e: ChatError) => e.code === 'bad_request',
    );
  });

  test('nats-server restarts mid-chat: clients log in again, history is intact', async () => {
    const before = await bob.history({ room: 'general' }, { limit: 100 });
    const back = [alice, bob].map((c) => reconnected(c.nc));
    await stack.restartNats();
    // Both clients reconnect on their own (new nonce, new signature, new JWT).
    await Promise.all(back);
    const got: TimelineItem[] = [];
    const w = bob.watch({ room: 'general' }, (it) => got.push(it));
    await w.ready;
    await alice.send({ room: 'general' }, 'after the restart');
    await eventually(
      'live message after restart',
      () => texts(got).includes('after the restart'),
      10_000,
    );
    const afterRestart = await bob.history({ room: 'general' }, { limit: 100 });
    assert.deepEqual(
      texts(afterRestart.items).slice(0, texts(before.items).length),
      texts(before.items),
    );
    assert.equal(texts(afterRestart.items).at(-1), 'after the restart');
    w.stop();
  });
});
