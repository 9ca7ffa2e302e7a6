/**
 * Finding a key's sigchain from the key alone (SPEC §8.10) against real local
 * peers: a sig-server (SQLite, in this process), a nostr relay and the
 * GitHub REST fixture. Publishing to each, finding it again, merging sources
 * (a withheld revocation is revealed by another source), which chains belong
 * to a key (rotated into: yes; merely listed as a device: no), and when a
 * failed source makes the chain `chain_unavailable`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { claimId, createEvent, exportBundle, getSuite, npubEncode, validateChain } from '@kez/core';
import type { ChainEvent, ChainState, Claim, SuiteName } from '@kez/core';
import {
  ChainResolver,
  chainPointers,
  fetchFromGist,
  publishChainToGist,
  publishChainToNostr,
  publishToSigServer,
  toChainLookup,
} from '@kez/channels';
import { startSigServer } from '@kez/sig-server';
import type { SigServer } from '@kez/sig-server';
import { freePort, startNostrRelay } from '@kez/testkit';
import type { NostrRelay } from '@kez/testkit';
import { claimFor, newKey, NOW, testContext } from './helpers.js';
import type { TestKey } from './helpers.js';
import { startGithubFixture } from './peers/github-fixture.js';
import type { GithubFixture } from './peers/github-fixture.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kez-chain-test-'));
let sig: SigServer;
let relay: NostrRelay;
let gh: GithubFixture;
let downUrl = '';

/** Events signed in order; returns the events and the processed state. */
async function chainOf(
  steps: { key: TestKey; fields: Parameters<typeof createEvent>[1] }[],
): Promise<{ events: ChainEvent[]; state: ChainState }> {
  const events: ChainEvent[] = [];
  for (const s of steps)
    events.push(
      await createEvent(events.at(-1) ?? null, s.fields, s.key.secretKey, s.key.suite, NOW - 30),
    );
  return { events, state: await validateChain(events, { now: NOW }) };
}

const stateOf = (events: ChainEvent[]) => validateChain(events, { now: NOW });

before(async () => {
  const gone = await startSigServer({
    env: {},
    config: { port: 0, dataDir: join(dataDir, 'gone'), logLevel: 'silent', rateLimit: null },
  });
  downUrl = gone.url;
  await gone.close();
  [sig, relay, gh] = await Promise.all([
    startSigServer({ env: {}, config: { port: 0, dataDir, logLevel: 'silent', rateLimit: null } }),
    startNostrRelay({ inMemory: true }),
    startGithubFixture(),
  ]);
});
after(async () => {
  await Promise.all([sig?.close(), relay?.stop(), gh?.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

const ghConfig = () => ({ githubApi: gh.url, githubRaw: gh.rawUrl });

describe('sig-server source', () => {
  test('publish sends what the server lacks; the key finds its chain; a rotated-into key finds it too', async () => {
    const k1 = newKey();
    const k2 = newKey();
    const c1 = await claimFor('github:alice', k1);
    const { events, state } = await chainOf([
      { key: k1, fields: { op: 'add', claim: c1 } },
      { key: k1, fields: { op: 'rotate', newSecretKey: k2.secretKey, newSuite: k2.suite } },
    ]);
    const ctx = testContext({ sigServers: [sig.url] });
    const first = await publishToSigServer(sig.url, state, ctx);
    assert.deepEqual([first.appended, first.head, first.conflicts], [2, 2, []]);
    const again = await publishToSigServer(sig.url, state, ctx);
    assert.deepEqual([again.appended, again.head], [0, 2]);

    const resolver = new ChainResolver(ctx);
    const o1 = await resolver.lookup(k1.ref);
    assert.equal(o1.type, 'found');
    assert.deepEqual(
      o1.sources.map((s) => [s.kind, s.outcome, s.events]),
      [['sig-server', 'found', 2]],
    );
    // SPEC §8.10: a sig-server answers for a key rotated into the chain.
    const o2 = await resolver.lookup(k2.ref);
    assert.equal(o2.type, 'found');
    if (o2.type !== 'found') return;
    assert.equal(o2.states[0]!.chain, k1.ref);
    assert.equal(o2.states[0]!.head!.id, state.head!.id);
    const look = toChainLookup(o1);
    assert.equal(look.type, 'found');
    if (look.type !== 'found') return;
    assert.equal(look.judge(c1, NOW).reason, 'key_rotated');
    assert.equal(look.judge(await claimFor('github:alice', k2), NOW).reason, 'ok');
    assert.equal(look.contains!(k2.ref), true);
    assert.equal(exportBundle(events), exportBundle(o2.states[0]!.events));
  });

  test('a stopped server alone → failed chain_unavailable; with a server that has none → still unavailable; nothing configured → none', async () => {
    const k = newKey();
    const down = await new ChainResolver(testContext({ sigServers: [downUrl] })).lookup(k.ref);
    assert.equal(down.type, 'failed');
    if (down.type === 'failed') {
      assert.equal(down.reason, 'chain_unavailable');
      assert.match(down.detail, /could not be fetched: sig-server .*network_error/);
    }
    const mixed = await new ChainResolver(testContext({ sigServers: [sig.url, downUrl] })).lookup(
      k.ref,
    );
    assert.equal(mixed.type, 'failed');
    assert.deepEqual(
      mixed.sources.map((s) => s.outcome),
      ['none', 'failed'],
    );
    const nothing = await new ChainResolver(testContext()).lookup(k.ref);
    assert.deepEqual(nothing, { type: 'none', key: k.ref, sources: [] });
  });
});

describe('gist source', () => {
  test("publish to the token user's gist; found from a github: identity; merged with a withholding sig-server", async () => {
    const k = newKey();
    const c = await claimFor('github:gina', k);
    const { events } = await chainOf([{ key: k, fields: { op: 'add', claim: c } }]);
    const revoke = await createEvent(
      events[0]!,
      { op: 'revoke', target: claimId(c) },
      k.secretKey,
      k.suite,
      NOW - 20,
    );
    // The sig-server got only seq 1 (it withholds the revocation); the gist has both.
    const ctx = testContext({ sigServers: [sig.url], ...ghConfig(), githubToken: 'tok-gina' });
    gh.tokens.set('tok-gina', 'gina');
    await publishToSigServer(sig.url, await stateOf(events), ctx);
    const put = await publishChainToGist(await stateOf([...events, revoke]), ctx);
    assert.deepEqual([put.login, put.created], ['gina', true]);
    assert.match(put.location, /#kez-sigchain\.jsonl$/);

    const alone = await new ChainResolver(testContext({ sigServers: [sig.url] })).lookup(k.ref);
    assert.equal(alone.type === 'found' && toChainLookup(alone).type, 'found');
    if (alone.type === 'found') assert.equal(alone.states[0]!.head!.seq, 1);

    const merged = await new ChainResolver(ctx, { identities: ['github:gina'] }).lookup(k.ref);
    assert.equal(merged.type, 'found');
    if (merged.type !== 'found') return;
    assert.deepEqual(
      merged.sources.map((s) => [s.kind, s.outcome, s.events]),
      [
        ['sig-server', 'found', 1],
        ['gist', 'found', 2],
      ],
    );
    const look = toChainLookup(merged);
    assert.equal(look.type === 'found' && look.judge(c, NOW).reason, 'revoked');
  });

  test("only gists the user owns count; a chain that merely lists a key as a device is not that key's", async () => {
    const owner = newKey();
    const device = newKey();
    const { events } = await chainOf([
      { key: owner, fields: { op: 'add', claim: await claimFor('github:mallory', owner) } },
      { key: owner, fields: { op: 'add_device', device: device.ref, name: 'not yours' } },
    ]);
    const bundle = exportBundle(events);
    gh.gists.push({
      id: 'a1b2c3',
      owner: 'mallory',
      listedUnder: 'victor',
      description: 'KEZ sigchain',
      files: { 'kez-sigchain.jsonl': bundle },
    });
    const none = await fetchFromGist('victor', testContext(ghConfig()));
    assert.deepEqual([none.type, none.kind], ['none', 'gist']);

    gh.gists.push({
      id: 'd4e5f6',
      owner: 'mallory',
      description: 'KEZ sigchain',
      files: { 'kez-sigchain.jsonl': bundle },
    });
    const r = new ChainResolver(testContext(ghConfig()), { identities: ['github:mallory'] });
    assert.equal((await r.lookup(owner.ref)).type, 'found');
    // SPEC §8.10: add_device has no countersignature: anyone can list anyone's key.
    const dev = await r.lookup(device.ref);
    assert.equal(dev.type, 'none');
  });
});

describe('nostr source', () => {
  test('the chain as a kez-sigchain event signed by the npub; a newer publish replaces it; a dead relay alone → unavailable', async () => {
    const k = newKey('nostr' as SuiteName);
    const c: Claim = await claimFor(
      `nostr:${npubEncode(getSuite('nostr').getPublicKey(k.secretKey))}`,
      k,
    );
    const { events, state } = await chainOf([{ key: k, fields: { op: 'add', claim: c } }]);
    const ctx = testContext({ nostrRelays: [relay.url] });
    const pub = await publishChainToNostr(state, k.secretKey, ctx);
    assert.deepEqual(pub.targets, [{ target: relay.url, ok: true, message: '' }]);

    const found = await new ChainResolver(ctx).lookup(k.ref);
    assert.equal(found.type, 'found');
    assert.deepEqual(
      found.sources.map((s) => [s.kind, s.outcome, s.events]),
      [['nostr', 'found', 1]],
    );
    const next = await createEvent(
      events[0]!,
      { op: 'revoke', target: claimId(c) },
      k.secretKey,
      k.suite,
      NOW - 10,
    );
    await publishChainToNostr(await stateOf([...events, next]), k.secretKey, ctx);
    // @nostr-relay/core answers a repeated filter from a 1 s cache (notes/stack.md).
    await new Promise((r) => setTimeout(r, 1100));
    const later = await new ChainResolver(ctx).lookup(k.ref);
    assert.equal(later.type, 'found');
    if (later.type === 'found') {
      assert.equal(later.states[0]!.head!.seq, 2);
      const look = toChainLookup(later);
      assert.equal(look.type === 'found' && look.judge(c, NOW).reason, 'revoked');
    }
    // An ed25519 key is never looked up on relays.
    const ed = newKey();
    assert.deepEqual((await new ChainResolver(ctx).lookup(ed.ref)).sources, []);

    // A relay address where nothing listens.
    const dead = `ws://127.0.0.1:${await freePort()}`;
    const off = await new ChainResolver(testContext({ nostrRelays: [dead] })).lookup(k.ref);
    assert.equal(off.type, 'failed');
  });
});

describe('DNS pointer records', () => {
  test('url= records, strings joined in order, other records ignored, each URL once', () => {
    assert.deepEqual(
      chainPointers([
        ['url=https://chains.example/a', '.jsonl'],
        ['v=spf1 -all'],
        ['url=https://chains.example/a.jsonl'],
        ['url=ftp://chains.example/b'],
        ['url=not a url'],
        ['url=http://127.0.0.1:8080/c.jsonl'],
      ]),
      ['https://chains.example/a.jsonl', 'http://127.0.0.1:8080/c.jsonl'],
    );
  });
});
