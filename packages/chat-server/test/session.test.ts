/**
 * A log-in's life: over websocket (what the web app uses), re-checked when
 * the short-lived JWT runs out (a device revoked meanwhile is shut out), and
 * presence between two members.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { wsconnect } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/nats-core';
import { createEvent, exportBundle } from '@kez/core';
import type { ChainEvent } from '@kez/core';
import { WebSocket } from 'ws';
import {
  ChatClient,
  USER_INFO_SUBJECT,
  generateSigner,
  inboxPrefix,
  signLogin,
  userToken,
} from '../src/index.js';
import type { TimelineItem } from '../src/index.js';
import { eventually, startStack } from './_stack.js';
import type { Stack } from './_stack.js';

const nowSec = () => Math.floor(Date.now() / 1000);

describe('log-in sessions', () => {
  let stack: Stack;
  before(async () => {
    // JWTs that last 5 s: every client logs in again (and is checked again) that often.
    stack = await startStack({ sigServer: true, chat: { jwtTtl: 5 } });
  });
  after(() => stack.stop());

  async function publishChain(events: ChainEvent[]) {
    const res = await fetch(
      `${stack.sig!.url}/v1/chains/${encodeURIComponent(events[0]!.chain)}/events`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/jsonl' },
        body: exportBundle(events),
      },
    );
    assert.ok(res.ok, await res.text());
  }

  test('a KEZ key logs in over websocket (plain, loopback) through the same callout', async () => {
    // Node 20 has no WebSocket global; nats.js would wait forever without one (notes §3.6).
    (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
    const signer = generateSigner('nostr');
    assert.ok(stack.nats.wsUrl, 'the stack has a websocket listener');
    const nc: NatsConnection = await wsconnect({
      servers: stack.nats.wsUrl,
      // Replies come only to the key's own inbox: the JWT allows no other.
      inboxPrefix: inboxPrefix(userToken(signer.key)),
      authenticator: (nonce?: string) => ({ ...signLogin(signer, nonce!, nowSec()) }),
    });
    try {
      const info = (await nc.request(USER_INFO_SUBJECT, '', { timeout: 3000 })).json() as {
        data: { user: string; account: string };
      };
      assert.deepEqual(info.data.user, signer.key);
      assert.equal(info.data.account, 'APP');
    } finally {
      await nc.close();
    }
  });

  test('when the JWT runs out the client logs in again and is checked again: a revoked device is shut out', async () => {
    const primary = generateSigner('ed25519');
    const device = generateSigner('ed25519');
    const e1 = await createEvent(
      null,
      { op: 'add_device', device: device.key },
      primary.secret,
      'ed25519',
      nowSec() - 60,
    );
    await publishChain([e1]);
    const c = await ChatClient.connect({
      servers: stack.url,
      signer: device,
      primary: primary.key,
    });
    try {
      assert.equal((await c.api('whoami', {})).user, primary.key);
      // Revoke the device while it is connected; its JWT still has a few seconds.
      const e2 = await createEvent(
        e1,
        { op: 'revoke_device', device: device.key },
        primary.secret,
        'ed25519',
        nowSec() - 30,
      );
      await publishChain([e2]);
      const refused = () =>
        stack.decisions.filter((d) => !d.allow && d.reason === 'device_revoked').length;
      const before = refused();
      // nats-server ends the session at expiry; the client's automatic re-login is refused.
      await eventually('the re-login after expiry refused', () => refused() > before, 10_000);
      await assert.rejects(c.api('whoami', {}), /./, 'no requests get through any more');
    } finally {
      await c.close();
    }
  });

  test('presence: members see each other come and go', async () => {
    const alice = await ChatClient.connect({
      servers: stack.url,
      signer: generateSigner('ed25519'),
    });
    const bob = await ChatClient.connect({ servers: stack.url, signer: generateSigner('nostr') });
    try {
      await alice.createRoom('lounge');
      await bob.join('lounge');
      const seen: TimelineItem[] = [];
      const w = bob.watch({ room: 'lounge' }, (it) => seen.push(it));
      await w.ready;
      alice.presence('lounge', 'online');
      alice.presence('lounge', 'away');
      const got = await eventually('two presence beats', () => {
        const p = seen.flatMap((i) =>
          i.kind === 'presence' ? [`${i.user === alice.userId}:${i.status}`] : [],
        );
        return p.length >= 2 ? p : undefined;
      });
      assert.deepEqual(got, ['true:online', 'true:away']);
      w.stop();
    } finally {
      await alice.close();
      await bob.close();
    }
  });
});
