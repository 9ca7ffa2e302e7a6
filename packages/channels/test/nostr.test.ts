// The nostr channel against a real relay (@nostr-relay/* via testkit) on
// loopback: publish → verify, and each way a proof can fail (SPEC §7.4).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import {
  createClaim,
  encodeClaim,
  formatKeyRef,
  getSuite,
  npubEncode,
  parseIdentity,
  toHex,
} from '@kez/core';
import type { Claim, Identity } from '@kez/core';
import { startNostrRelay } from '@kez/testkit';
import type { NostrRelay } from '@kez/testkit';
import { resolveChannelConfig } from '../src/config.js';
import { createNodeNet } from '../src/node.js';
import type { NodeNet } from '../src/node.js';
import { createNodeWebSocket } from '../src/nostr/node-websocket.js';
import { nostrPlugin, publishNostrProof, sendEvent, signEvent } from '../src/nostr/index.js';
import { fetchNostrProof, relayOptions } from '../src/nostr/fetch.js';
import { queryRelay } from '../src/nostr/relay.js';
import type { RelayOptions } from '../src/nostr/relay.js';
import type { ChannelContext } from '../src/types.js';
import { verifyIdentity } from '../src/verify.js';
import { startNostrProxy } from './peers/nostr-proxy.js';
import { json, kez, tempHome } from '../../cli/test/run-kez.js';

const nostr = getSuite('nostr');
const relayOpts = (ctx: ChannelContext) => relayOptions(ctx) as RelayOptions;
const now = () => Math.floor(Date.now() / 1000);
/** The relay caches a filter's result for 1 s (@nostr-relay/core filterResultCacheTtl). */
const pastFilterCache = () => new Promise((r) => setTimeout(r, 1100));

const nets: NodeNet[] = [];
function context(
  relays: string[],
  opts: { allowPrivate?: boolean; timeoutMs?: number } = {},
): ChannelContext {
  const allowPrivate = opts.allowPrivate ?? true;
  const config = resolveChannelConfig({
    flags: { nostrRelays: relays, allowPrivate, timeoutMs: opts.timeoutMs ?? 3000 },
  });
  const net = createNodeNet(config);
  nets.push(net);
  return {
    net: { ...net, webSocket: createNodeWebSocket({ allowPrivate, trusted: relays }) },
    config,
    now,
  };
}

interface Account {
  sk: Uint8Array;
  hex: string;
  identity: Identity;
}
function account(): Account {
  const sk = nostr.generateSecretKey();
  const hex = toHex(nostr.getPublicKey(sk));
  return { sk, hex, identity: parseIdentity(`nostr:${npubEncode(nostr.getPublicKey(sk))}`) };
}

async function claimFor(
  a: Account,
  signer: { suite: 'nostr' | 'ed25519'; sk: Uint8Array } = { suite: 'nostr', sk: a.sk },
): Promise<Claim> {
  return createClaim({
    subject: a.identity.text,
    suite: signer.suite,
    secretKey: signer.sk,
    now: now(),
  });
}

/** Publish raw content as the author's kind 30078 kez-claim event. */
async function publishContent(
  ctx: ChannelContext,
  relay: string,
  a: Account,
  content: string,
  at = now(),
) {
  const ev = await signEvent(
    { kind: 30078, created_at: at, tags: [['d', 'kez-claim']], content },
    a.sk,
  );
  const opts = {
    webSocket: ctx.net.webSocket!,
    timeoutMs: 3000,
    maxMessageBytes: 1 << 20,
    maxEvents: 10,
  };
  await sendEvent(ev, [relay], opts);
  return ev;
}

describe('nostr channel against a real relay', () => {
  let relay: NostrRelay;
  let ctx: ChannelContext;
  before(async () => {
    relay = await startNostrRelay({ inMemory: true });
    ctx = context([relay.url]);
  });
  after(async () => {
    await relay.stop();
    for (const n of nets) n.close();
  });

  test('a published proof verifies valid, bound by the event signature', async () => {
    const alice = account();
    const claim = await claimFor(alice);
    const pub = await publishNostrProof(claim, alice.identity, ctx, { nostrSecretKey: alice.sk });
    assert.deepEqual(
      pub.targets?.map((t) => [t.target, t.ok]),
      [[relay.url, true]],
    );
    const r = await verifyIdentity(alice.identity, { ctx, plugin: nostrPlugin, key: claim.key });
    assert.equal(r.status, 'valid', r.detail);
    assert.equal(r.reason, 'ok');
    assert.equal(r.encoding, 'compact');
    assert.equal(r.claim?.sig, claim.sig);
    assert.equal(r.binding?.kind, 'signature');
    assert.match(r.binding!.detail, new RegExp(`signed by ${alice.identity.id}`));
    assert.match(r.location!, /^ws:\/\/127\.0\.0\.1:\d+ event [0-9a-f]{64}$/);
  });

  test('publishing refuses a secret key that is not the npub', async () => {
    const alice = account();
    const other = account();
    await assert.rejects(
      publishNostrProof(await claimFor(alice), alice.identity, ctx, { nostrSecretKey: other.sk }),
      /not the key of nostr:npub1/,
    );
    await assert.rejects(
      publishNostrProof(await claimFor(alice), alice.identity, ctx),
      /secret key/,
    );
  });

  test('a new proof published in the same second still replaces the old one', async () => {
    const alice = account();
    const t = now();
    const pinned = { ...ctx, now: () => t };
    await publishNostrProof(await claimFor(alice), alice.identity, pinned, {
      nostrSecretKey: alice.sk,
    });
    await pastFilterCache();
    const second = await claimFor(alice);
    const pub = await publishNostrProof(second, alice.identity, pinned, {
      nostrSecretKey: alice.sk,
    });
    // NIP-01 breaks a created_at tie by the lowest id: the replacement must be strictly newer.
    const id = pub.location.split(' ').pop()!;
    const q = await queryRelay(relay.url, [{ ids: [id] }], relayOpts(ctx));
    assert.equal((q.events[0] as { created_at: number }).created_at, t + 1);
    await pastFilterCache();
    const r = await verifyIdentity(alice.identity, { ctx, plugin: nostrPlugin });
    assert.equal(r.claim?.sig, second.sig, r.detail);
  });

  test('publishing refuses a claim about another identity', async () => {
    const alice = account();
    const bob = account();
    await assert.rejects(
      publishNostrProof(await claimFor(bob), alice.identity, ctx, { nostrSecretKey: alice.sk }),
      /the claim is for nostr:npub1.*, not nostr:npub1/,
    );
  });

  test('a claim signed by another key → key_mismatch when a key is asked for', async () => {
    const alice = account();
    const ed = getSuite('ed25519');
    const edSk = ed.generateSecretKey();
    const claim = await claimFor(alice, { suite: 'ed25519', sk: edSk });
    await publishNostrProof(claim, alice.identity, ctx, { nostrSecretKey: alice.sk });
    const asked = formatKeyRef('nostr', nostr.getPublicKey(alice.sk));
    const r = await verifyIdentity(alice.identity, { ctx, plugin: nostrPlugin, key: asked });
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'key_mismatch', r.detail);
    // Without a key asked, the same proof stands for its own (ed25519) key.
    const any = await verifyIdentity(alice.identity, { ctx, plugin: nostrPlugin });
    assert.equal(any.status, 'valid', any.detail);
    assert.equal(any.claim?.key, formatKeyRef('ed25519', ed.getPublicKey(edSk)));
  });

  test('a tampered claim inside an authentic event → bad_signature', async () => {
    const alice = account();
    const claim = await claimFor(alice);
    const forged = { ...claim, created_at: claim.created_at - 1 };
    await publishContent(ctx, relay.url, alice, await encodeClaim(forged, 'json'));
    const r = await verifyIdentity(alice.identity, { ctx, plugin: nostrPlugin });
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'bad_signature', r.detail);
  });

  test('an event altered in transit fails NIP-01 and is discarded → not_found, with the evidence', async () => {
    const alice = account();
    await publishNostrProof(await claimFor(alice), alice.identity, ctx, {
      nostrSecretKey: alice.sk,
    });
    const proxy = await startNostrProxy(relay.url);
    try {
      proxy.toClient = (m) => {
        if (m[0] === 'EVENT') (m[2] as { content: string }).content += 'A';
        return m;
      };
      const r = await verifyIdentity(alice.identity, {
        ctx: context([proxy.url]),
        plugin: nostrPlugin,
      });
      assert.equal(r.status, 'invalid');
      assert.equal(r.reason, 'not_found');
      assert.match(
        r.detail!,
        /discarded 1 inauthentic event\(s\): event [0-9a-f]{64}: the id does not verify/,
      );
    } finally {
      await proxy.stop();
    }
  });

  test("a relay serving another account's authentic event → owner_mismatch", async () => {
    const alice = account();
    const mallory = account();
    // Mallory publishes, under her own key, a proof that claims Alice's npub.
    const claim = await createClaim({
      subject: alice.identity.text,
      suite: 'nostr',
      secretKey: mallory.sk,
      now: now(),
    });
    await publishContent(ctx, relay.url, mallory, await encodeClaim(claim, 'compact'));
    const proxy = await startNostrProxy(relay.url);
    try {
      // The lying relay answers Alice's query with Mallory's events.
      proxy.toRelay = (m) => {
        if (m[0] !== 'REQ') return m;
        return [
          ...m.slice(0, 2),
          ...m.slice(2).map((f) => ({ ...(f as object), authors: [mallory.hex] })),
        ];
      };
      const r = await verifyIdentity(alice.identity, {
        ctx: context([proxy.url]),
        plugin: nostrPlugin,
      });
      assert.equal(r.status, 'invalid');
      assert.equal(r.reason, 'owner_mismatch', r.detail);
      assert.match(r.detail!, new RegExp(`published by ${mallory.identity.id}`));
    } finally {
      await proxy.stop();
    }
  });

  test('a proof replaced by an event without a claim → not_found', async () => {
    const alice = account();
    await publishNostrProof(await claimFor(alice), alice.identity, ctx, {
      nostrSecretKey: alice.sk,
    });
    const ok = await verifyIdentity(alice.identity, { ctx, plugin: nostrPlugin });
    assert.equal(ok.status, 'valid', ok.detail);
    await publishContent(ctx, relay.url, alice, '', now() + 1);
    await pastFilterCache();
    const r = await verifyIdentity(alice.identity, { ctx, plugin: nostrPlugin });
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'not_found');
    assert.match(r.detail!, /holds no claim: the proof was removed/);
  });

  test('a proof deleted by a NIP-09 request → not_found', async () => {
    const alice = account();
    const claim = await claimFor(alice);
    const pub = await publishNostrProof(claim, alice.identity, ctx, { nostrSecretKey: alice.sk });
    assert.equal(
      (await verifyIdentity(alice.identity, { ctx, plugin: nostrPlugin })).status,
      'valid',
    );
    const id = pub.location.split(' ').pop()!;
    const deletion = await signEvent(
      {
        kind: 5,
        created_at: now() + 1,
        tags: [
          ['e', id],
          ['a', `30078:${alice.hex}:kez-claim`],
          ['k', '30078'],
        ],
        content: 'removed',
      },
      alice.sk,
    );
    const opts = {
      webSocket: ctx.net.webSocket!,
      timeoutMs: 3000,
      maxMessageBytes: 1 << 20,
      maxEvents: 10,
    };
    await sendEvent(deletion, [relay.url], opts);
    await pastFilterCache();
    const r = await verifyIdentity(alice.identity, { ctx, plugin: nostrPlugin });
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'not_found', r.detail);
  });

  test("the author's NIP-65 write relays are asked too", async () => {
    const second = await startNostrRelay({ inMemory: true });
    try {
      const alice = account();
      // The proof lives only on the second relay; the configured relay holds the relay list.
      const list = await signEvent(
        {
          kind: 10002,
          created_at: now(),
          tags: [
            ['r', second.url, 'write'],
            ['r', 'wss://read.invalid', 'read'],
          ],
          content: '',
        },
        alice.sk,
      );
      const opts = {
        webSocket: ctx.net.webSocket!,
        timeoutMs: 3000,
        maxMessageBytes: 1 << 20,
        maxEvents: 10,
      };
      await sendEvent(list, [relay.url], opts);
      const claim = await claimFor(alice);
      await publishNostrProof(claim, alice.identity, context([second.url]), {
        nostrSecretKey: alice.sk,
      });
      const r = await verifyIdentity(alice.identity, { ctx, plugin: nostrPlugin });
      assert.equal(r.status, 'valid', r.detail);
      assert.ok(r.location!.startsWith(second.url), r.location);
    } finally {
      await second.stop();
    }
  });

  test('a loopback relay is refused without --allow-private unless the user configured it', async () => {
    const opts = (webSocket: ReturnType<typeof createNodeWebSocket>) => ({
      webSocket,
      timeoutMs: 2000,
      maxMessageBytes: 1 << 16,
      maxEvents: 1,
    });
    const guarded = createNodeWebSocket({ allowPrivate: false });
    const q = await queryRelay(relay.url, [{ kinds: [1], limit: 1 }], opts(guarded));
    assert.equal(q.failure?.reason, 'private_address');
    // A name that resolves to loopback is checked at connect time too.
    const byName = relay.url.replace('127.0.0.1', 'localhost');
    const q2 = await queryRelay(byName, [{ kinds: [1], limit: 1 }], opts(guarded));
    assert.equal(q2.failure?.reason, 'private_address', q2.failure?.detail);
    const trusted = createNodeWebSocket({ allowPrivate: false, trusted: [relay.url] });
    const q3 = await queryRelay(relay.url, [{ kinds: [1], limit: 1 }], opts(trusted));
    assert.equal(q3.complete, true);
  });

  test('publish → fetch through the plugin interface reports each relay', async () => {
    const alice = account();
    const down = 'ws://127.0.0.1:1';
    const both = context([relay.url, down]);
    const pub = await nostrPlugin.publish!(await claimFor(alice), alice.identity, both, {
      nostrSecretKey: alice.sk,
    });
    const byRelay = Object.fromEntries(pub.targets!.map((t) => [t.target, t.ok]));
    assert.deepEqual(byRelay, { [relay.url]: true, [down]: false });
    const outcome = await nostrPlugin.fetchProofs(alice.identity, both);
    assert.equal(outcome.type, 'found');
  });
});

describe('kez publish → kez verify id (the built CLI) on nostr', () => {
  let relay: NostrRelay;
  let home: string;
  let cleanup: () => void;
  before(async () => {
    relay = await startNostrRelay({ inMemory: true });
    ({ home, cleanup } = tempHome());
  });
  after(async () => {
    await relay.stop();
    cleanup();
  });

  test('a nostr key publishes its own proof; verify says valid (exit 0), bound by the event signature', async () => {
    const g = await kez(['key', 'generate', '--alg', 'nostr', '--name', 'me', '--json'], { home });
    assert.equal(g.code, 0, g.stderr);
    const npub = String(json(g).npub);
    const flags = ['--relay', relay.url, '--allow-private'];
    const p = await kez(['publish', `nostr:${npub}`, '--key', 'me', '--json', ...flags], { home });
    assert.equal(p.code, 0, p.stderr);
    const pub = json(p);
    assert.match(String(pub.location), /^nostr event [0-9a-f]{64}$/);
    assert.deepEqual(pub.targets, [{ target: relay.url, ok: true, message: '' }]);

    const v = await kez(['verify', 'id', `nostr:${npub}`, '--json', ...flags], { home });
    assert.equal(v.code, 0, v.stderr + v.stdout);
    const r = json(v);
    assert.equal(r.status, 'valid');
    assert.equal((r.binding as { kind: string }).kind, 'signature');

    await relay.stop();
    const down = await kez(['verify', 'id', `nostr:${npub}`, ...flags], { home });
    assert.equal(down.code, 3, down.stdout);
    relay = await startNostrRelay({ inMemory: true });
  });
});

describe('nostr channel when relays fail', () => {
  test('relay stopped → unreachable (network_error)', async () => {
    const relay = await startNostrRelay({ inMemory: true });
    const ctx = context([relay.url]);
    const alice = account();
    await publishNostrProof(await claimFor(alice), alice.identity, ctx, {
      nostrSecretKey: alice.sk,
    });
    await relay.stop();
    const r = await verifyIdentity(alice.identity, { ctx, plugin: nostrPlugin });
    assert.equal(r.status, 'unreachable');
    assert.equal(r.reason, 'network_error');
    assert.match(r.detail!, /ECONNREFUSED/);
  });

  test('a relay that never answers → unreachable (timeout), without hanging', async () => {
    const mute = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => mute.once('listening', r));
    try {
      const url = `ws://127.0.0.1:${(mute.address() as AddressInfo).port}`;
      const t0 = Date.now();
      const r = await verifyIdentity(account().identity, {
        ctx: context([url], { timeoutMs: 300 }),
        plugin: nostrPlugin,
      });
      assert.equal(r.status, 'unreachable');
      assert.equal(r.reason, 'timeout');
      assert.ok(Date.now() - t0 < 2000);
    } finally {
      for (const c of mute.clients) c.terminate();
      await new Promise((r) => mute.close(r));
    }
  });

  test('no relays configured → unreachable, saying so', async () => {
    const r = await fetchNostrProof(account().identity, context([]));
    assert.equal(r.type, 'failed');
    assert.match(r.type === 'failed' ? r.detail : '', /no nostr relays configured/);
  });
});
