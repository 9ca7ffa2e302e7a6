import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finalizeEvent, generateSecretKey, getEventHash, getPublicKey } from 'nostr-tools/pure';
import WebSocket from 'ws';
import { startNostrRelay } from '@kez/testkit';

/** Sends `msg` and collects relay messages until `until` says stop. */
function exchange(
  ws: WebSocket,
  msg: unknown[],
  until: (m: unknown[]) => boolean,
): Promise<unknown[][]> {
  return new Promise((resolve, reject) => {
    const got: unknown[][] = [];
    const timer = setTimeout(() => reject(new Error(`no answer to ${JSON.stringify(msg)}`)), 5000);
    const onMessage = (data: WebSocket.RawData): void => {
      const m = JSON.parse(data.toString()) as unknown[];
      got.push(m);
      if (until(m)) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(got);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify(msg));
  });
}

test('nostr relay: stores a signed event and serves it back to REQ', async () => {
  await using relay = await startNostrRelay();
  assert.match(relay.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
  const sk = generateSecretKey();
  const event = finalizeEvent(
    {
      kind: 1,
      created_at: Math.floor(Date.now() / 1000),
      tags: [['t', 'kez']],
      content: 'kez proof',
    },
    sk,
  );
  const ws = new WebSocket(relay.url);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  try {
    const [ok] = await exchange(ws, ['EVENT', event], (m) => m[0] === 'OK');
    assert.deepEqual(ok, ['OK', event.id, true, '']);

    const got = await exchange(
      ws,
      ['REQ', 'q1', { authors: [getPublicKey(sk)], kinds: [1] }],
      (m) => m[0] === 'EOSE',
    );
    const events = got.filter((m) => m[0] === 'EVENT').map((m) => m[2]);
    assert.equal(events.length, 1);
    assert.deepEqual(JSON.parse(JSON.stringify(events[0])), JSON.parse(JSON.stringify(event)));

    // A tampered event (new content, id recomputed, old signature) is refused.
    const bad = { ...JSON.parse(JSON.stringify(event)), content: 'EVIL' };
    bad.id = getEventHash(bad);
    const [refused] = await exchange(ws, ['EVENT', bad], (m) => m[0] === 'OK' || m[0] === 'NOTICE');
    assert.equal(refused?.[0], 'OK');
    assert.equal(refused?.[2], false, JSON.stringify(refused));
  } finally {
    ws.close();
  }
});
