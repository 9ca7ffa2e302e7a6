/**
 * Log-in through the real auth_callout: a real nats-server 2.10, the
 * responder in-process, and a real sig-server holding the sigchains.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { createEvent, exportBundle } from '@kez/core';
import type { ChainEvent } from '@kez/core';
import { ChatClient, generateSigner, signLogin } from '../src/index.js';
import type { LoginFields, SyncSigner } from '../src/index.js';
import { startStack } from './_stack.js';
import type { Stack } from './_stack.js';

const nowSec = () => Math.floor(Date.now() / 1000);

/** Connect with a hand-made authenticator; resolves to the connection or the error. */
async function rawLogin(url: string, auth: (nonce?: string) => LoginFields) {
  try {
    const nc = await connect({
      servers: url,
      reconnect: false,
      authenticator: auth,
      timeout: 5000,
    });
    return { ok: true as const, nc };
  } catch (e) {
    return { ok: false as const, error: e as Error };
  }
}

async function publishChain(stack: Stack, events: ChainEvent[]): Promise<void> {
  const res = await fetch(
    `${stack.sig!.url}/v1/chains/${encodeURIComponent(events[0]!.chain)}/events`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/jsonl' },
      body: exportBundle(events),
    },
  );
  assert.ok(res.ok, `sig-server refused the chain: ${res.status} ${await res.text()}`);
}

describe('log-in by KEZ key through auth_callout', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ sigServer: true });
  });
  after(() => stack.stop());

  const lastDecision = () => stack.decisions[stack.decisions.length - 1]!;

  for (const suite of ['ed25519', 'nostr'] as const) {
    test(`a ${suite} key logs in; its user id is the key`, async () => {
      const signer = generateSigner(suite);
      const c = await ChatClient.connect({ servers: stack.url, signer });
      try {
        assert.equal(c.userId, signer.key);
        const d = lastDecision();
        assert.ok(d.allow);
        assert.equal(d.userId, signer.key);
      } finally {
        await c.close();
      }
    });
  }

  test('a bad signature is refused', async () => {
    const alice = generateSigner('ed25519');
    const mallory = generateSigner('ed25519');
    // Mallory signs a log-in that names Alice's key.
    const forged: SyncSigner = { ...mallory, key: alice.key };
    const r = await rawLogin(stack.url, (nonce) => signLogin(forged, nonce!, nowSec()));
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error.message, /Authorization Violation/i);
    assert.deepEqual(pick(lastDecision()), { allow: false, reason: 'bad_signature' });
  });

  test('a replayed log-in (signed for an earlier nonce) is refused', async () => {
    const alice = generateSigner('ed25519');
    let captured: LoginFields | undefined;
    const first = await rawLogin(
      stack.url,
      (nonce) => (captured = signLogin(alice, nonce!, nowSec())),
    );
    assert.ok(first.ok);
    await first.nc.close();
    // An eavesdropper sends the captured CONNECT fields on a new connection.
    const replay = await rawLogin(stack.url, () => captured!);
    assert.equal(replay.ok, false);
    assert.deepEqual(pick(lastDecision()), { allow: false, reason: 'replayed' });
  });

  test('an expired challenge is refused', async () => {
    const alice = generateSigner('nostr');
    const r = await rawLogin(stack.url, (nonce) => signLogin(alice, nonce!, nowSec() - 3600));
    assert.equal(r.ok, false);
    assert.deepEqual(pick(lastDecision()), { allow: false, reason: 'challenge_expired' });
  });

  test('a log-in without a signature is refused', async () => {
    const r = await rawLogin(stack.url, () => ({ auth_token: 'hello', sig: 'x' }));
    assert.equal(r.ok, false);
    assert.deepEqual(pick(lastDecision()), { allow: false, reason: 'malformed' });
  });

  test('a device logs in for its primary; once revoked on the sig-server it is refused', async () => {
    const primary = generateSigner('ed25519');
    const device = generateSigner('nostr');
    const t = nowSec() - 60;
    const e1 = await createEvent(
      null,
      { op: 'add_device', device: device.key, name: 'laptop' },
      primary.secret,
      'ed25519',
      t,
    );
    await publishChain(stack, [e1]);

    const c = await ChatClient.connect({
      servers: stack.url,
      signer: device,
      primary: primary.key,
    });
    assert.equal(c.userId, primary.key, 'a device speaks as its primary');
    await c.close();

    const e2 = await createEvent(
      e1,
      { op: 'revoke_device', device: device.key },
      primary.secret,
      'ed25519',
      t + 1,
    );
    await publishChain(stack, [e2]);
    await assert.rejects(
      ChatClient.connect({ servers: stack.url, signer: device, primary: primary.key }),
      /Authorization Violation/i,
    );
    assert.deepEqual(pick(lastDecision()), { allow: false, reason: 'device_revoked' });
  });

  test('a rotated-away key is refused; the new key logs in as the same user', async () => {
    const old = generateSigner('ed25519');
    const next = generateSigner('ed25519');
    const rotate = await createEvent(
      null,
      { op: 'rotate', newSuite: 'ed25519', newSecretKey: next.secret },
      old.secret,
      'ed25519',
      nowSec() - 30,
    );
    await publishChain(stack, [rotate]);

    await assert.rejects(
      ChatClient.connect({ servers: stack.url, signer: old }),
      /Authorization Violation/i,
    );
    assert.deepEqual(pick(lastDecision()), { allow: false, reason: 'key_rotated' });

    const c = await ChatClient.connect({ servers: stack.url, signer: next });
    assert.equal(c.userId, old.key, 'the chain id stays the user id across rotation');
    await c.close();
  });

  test("a key naming someone else's chain as primary is refused", async () => {
    const primary = generateSigner('ed25519');
    const device = generateSigner('ed25519');
    const e1 = await createEvent(
      null,
      { op: 'add_device', device: device.key },
      primary.secret,
      'ed25519',
      nowSec() - 5,
    );
    await publishChain(stack, [e1]);
    const stranger = generateSigner('ed25519');
    await assert.rejects(
      ChatClient.connect({ servers: stack.url, signer: stranger, primary: primary.key }),
      /Authorization Violation/i,
    );
    assert.deepEqual(pick(lastDecision()), { allow: false, reason: 'not_in_chain' });
  });

  test('a burst of 200 simultaneous log-ins queues and every client gets in', async () => {
    const N = 200;
    const signers = Array.from({ length: N }, (_, i) =>
      generateSigner(i % 2 ? 'nostr' : 'ed25519'),
    );
    const t0 = Date.now();
    let retries = 0;
    const conns = await Promise.all(
      signers.map(async (s) => {
        for (let attempt = 0; ; attempt++) {
          const r = await rawLogin(stack.url, (nonce) => signLogin(s, nonce!, nowSec()));
          if (r.ok) return r.nc;
          // Clients retry with backoff (the bench's 2,000-client burst does the same).
          if (Date.now() - t0 > 60_000) throw r.error;
          retries++;
          await new Promise((res) =>
            setTimeout(res, 200 * 2 ** Math.min(attempt, 4) * Math.random()),
          );
        }
      }),
    );
    assert.equal(conns.length, N);
    assert.ok(Date.now() - t0 < 60_000);
    await Promise.all(conns.map((c) => c.close()));
    const responder = stack.chat.responder.stats;
    assert.equal(responder.inFlight, 0);
    assert.ok(responder.allowed >= N, `${responder.allowed} allowed (${retries} retries)`);
  });
});

function pick(d: { allow: boolean; reason: string }) {
  return { allow: d.allow, reason: d.reason };
}
