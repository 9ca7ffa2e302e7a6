import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Badges } from '@kez/chat-server/protocol';
import type { ChatEvent, RoomSummary, TimelineItem } from '@kez/chat-server/protocol';
import type { ChatClient } from '@kez/chat-server/protocol';
import { ChatSession, isBrokenBadge } from './session.js';

const ME = `ed25519:${'a'.repeat(64)}`;
const BOB = `ed25519:${'b'.repeat(64)}`;

function msg(
  id: string,
  from: string,
  text: string,
  at: number,
  place: { room: string } | { to: string },
): TimelineItem {
  const event = {
    kez: '0.2',
    type: 'chat-message',
    op: 'message',
    from,
    key: from,
    sent_at: at,
    nonce: '0'.repeat(16),
    text,
    sig: '0'.repeat(128),
    ...place,
  } as ChatEvent;
  return { kind: 'event', id, event, binding: 'self' };
}

/** A client that records calls and lets the test push live items. */
function fakeClient(history: TimelineItem[]) {
  const live = new Map<string, (it: TimelineItem) => void>();
  const calls: string[] = [];
  let rooms: RoomSummary[] = [{ id: 'general', topic: '', members: 1, member: false }];
  const client = {
    userId: ME,
    async rooms() {
      calls.push('rooms');
      return rooms;
    },
    async join(room: string) {
      calls.push(`join ${room}`);
      rooms = rooms.map((r) => (r.id === room ? { ...r, member: true, members: 2 } : r));
    },
    async createRoom(room: string) {
      calls.push(`create ${room}`);
      rooms = [...rooms, { id: room, topic: '', members: 1, member: true }];
    },
    async history(place: object) {
      calls.push(`history ${JSON.stringify(place)}`);
      return { items: history, more: false };
    },
    watch(place: { room: string } | { dms: true }, on: (it: TimelineItem) => void) {
      live.set('room' in place ? place.room : 'dms', on);
      return { stop() {}, ready: Promise.resolve() };
    },
    async send() {},
    async close() {},
  };
  return { client: client as unknown as ChatClient, live, calls };
}

describe('ChatSession', () => {
  test('joins when needed, merges history and live once, oldest first', async () => {
    const h = [
      msg('e2', BOB, 'second', 2, { room: 'general' }),
      msg('e1', ME, 'first', 1, { room: 'general' }),
    ];
    const { client, live, calls } = fakeClient(h);
    const badges = new Badges({
      chains: { lookup: async () => ({ type: 'none' }) },
      verify: async () => ({ status: 'valid', reason: 'ok' }),
    });
    let changes = 0;
    const s = new ChatSession(client, badges, () => changes++);
    await s.start();
    await s.open({ kind: 'room', room: 'general' });
    assert.ok(calls.includes('join general'));
    // The live copy of a stored event is dropped; a new one is appended.
    live.get('general')!(msg('e2', BOB, 'second', 2, { room: 'general' }));
    live.get('general')!(msg('e3', BOB, 'third', 3, { room: 'general' }));
    assert.deepEqual(
      s.shown().map((x) => ('text' in x ? x.text : x.kind)),
      ['first', 'second', 'third'],
    );
    assert.ok(changes > 0);
    // A room that does not exist yet is created.
    await s.enterRoom('random');
    assert.ok(calls.includes('create random'));
    assert.deepEqual(s.current, { kind: 'room', room: 'random' });
  });

  test('DMs land in the conversation with the other person', async () => {
    const { client, live } = fakeClient([]);
    const badges = new Badges({
      chains: { lookup: async () => ({ type: 'none' }) },
      verify: async () => ({ status: 'valid', reason: 'ok' }),
    });
    const s = new ChatSession(client, badges, () => {});
    await s.start();
    live.get('dms')!(msg('d1', BOB, 'psst', 5, { to: ME }));
    live.get('dms')!(msg('d2', ME, 'yes?', 6, { to: BOB }));
    assert.deepEqual(s.dms, [BOB]);
    await s.open({ kind: 'dm', with: BOB });
    assert.deepEqual(
      s.shown().map((x) => ('text' in x ? x.text : '')),
      ['psst', 'yes?'],
    );
  });

  test('the warning bar lists invalid, expired and forked proofs, not revoked or unreachable', async () => {
    assert.equal(
      isBrokenBadge({
        identity: 'dns:a.example',
        status: 'invalid',
        reason: 'not_found',
        checkedAt: 0,
      }),
      true,
    );
    assert.equal(
      isBrokenBadge({
        identity: 'dns:a.example',
        status: 'revoked',
        reason: 'revoked',
        checkedAt: 0,
      }),
      false,
    );
    assert.equal(
      isBrokenBadge({
        identity: 'dns:a.example',
        status: 'unreachable',
        reason: 'timeout',
        checkedAt: 0,
      }),
      false,
    );
    const { client } = fakeClient([msg('e1', BOB, 'hi', 1, { room: 'general' })]);
    const state = {
      chain: BOB,
      current: BOB,
      rotated: [],
      devices: {},
      head: null,
      end: { kind: 'complete' },
      forks: [],
      unapplied: [],
      dropped: [],
      events: [],
      liveClaims: {
        x: { claim: { subject: 'dns:good.example' }, added: { seq: 1, id: 'x', at: 0 } },
        y: { claim: { subject: 'dns:bad.example' }, added: { seq: 2, id: 'y', at: 0 } },
      },
      revokedClaims: {},
    };
    const badges = new Badges({
      chains: { lookup: async () => ({ type: 'found', state }) as never },
      verify: async (id) =>
        id === 'dns:bad.example'
          ? { status: 'invalid', reason: 'not_found' }
          : { status: 'valid', reason: 'ok' },
    });
    let settled!: () => void;
    const done = new Promise<void>((r) => (settled = r));
    const s = new ChatSession(client, badges, () => {
      if (badges.peek(BOB)) settled();
    });
    await s.start();
    await s.open({ kind: 'room', room: 'general' });
    assert.equal(s.badgesOf(BOB), undefined, 'first ask starts the check');
    await done;
    assert.deepEqual(
      s.badgesOf(BOB)!.map((b) => `${b.identity} ${b.status}`),
      ['dns:bad.example invalid', 'dns:good.example valid'],
    );
    assert.deepEqual(
      s.brokenProofs().map((b) => `${b.user} ${b.badge.identity}`),
      [`${BOB} dns:bad.example`],
    );
  });
});
