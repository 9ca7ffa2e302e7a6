/**
 * ap: against a real snac2 (testkit) and a Mastodon-shaped fixture for the
 * Mastodon-only shapes and the publishing API.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIdentity } from '@kez/core';
import { apChannel, verifyIdentity } from '@kez/channels';
import { startSnac } from '@kez/testkit';
import type { Snac } from '@kez/testkit';
import { claimFor, encode, newKey, tampered, testContext } from './helpers.js';
import { startMastodonFixture } from './peers/mastodon-fixture.js';
import type { MastodonFixture } from './peers/mastodon-fixture.js';

const key = newKey('ed25519');
const other = newKey('nostr');
// Generous deadline: snac answers in ms, but a loaded CI machine can starve it.
const ctx = (extra = {}) => testContext({ apScheme: 'http', timeoutMs: 10_000, ...extra });

describe('ap channel on snac2', () => {
  // snac spends ~1 s per user on an RSA key: one extra user, the rest through posts of the first.
  let snac: Snac;
  const id = (user: string) => `ap:@${user}@${snac.host}`;

  before(async () => {
    snac = await startSnac({
      user: 'admin',
      bio: 'just a bio',
      metadata: { web: 'https://example.com/' },
    });
  });
  after(async () => {
    await snac?.stop();
  });

  test('nothing published → not_found; unknown account → not_found', async () => {
    await snac.note('a post without a proof', 'admin');
    const r = await verifyIdentity(id('admin'), { ctx: ctx() });
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'not_found');
    assert.equal(r.texts, 3); // field, bio, post
    assert.equal((await verifyIdentity(id('nobody'), { ctx: ctx() })).reason, 'not_found');
  });

  test('a tampered proof in a post → bad_signature', async () => {
    await snac.note(
      `KEZ ${await encode(tampered(await claimFor(id('admin'), key)), 'compact')}`,
      'admin',
    );
    const r = await verifyIdentity(id('admin'), { ctx: ctx() });
    assert.equal(r.reason, 'bad_signature');
  });

  test('a proof in a post verifies valid (and wins over the broken one); another --key → key_mismatch', async () => {
    const note = await snac.note(
      `my KEZ proof ${await encode(await claimFor(id('admin'), key), 'compact')}`,
      'admin',
    );
    const r = await verifyIdentity(id('admin'), { ctx: ctx(), key: key.ref });
    assert.equal(r.status, 'valid', r.detail);
    assert.equal(r.location, note.id);
    const r2 = await verifyIdentity(id('admin'), { ctx: ctx(), key: other.ref });
    assert.equal(r2.reason, 'key_mismatch');
  });

  test('a proof in a profile field verifies valid', async () => {
    const c = await claimFor(id('alice'), key);
    await snac.addUser('alice', {
      metadata: { KEZ: await encode(c, 'compact'), web: 'https://example.com/' },
    });
    const r = await verifyIdentity(id('alice'), { ctx: ctx(), key: key.ref });
    assert.equal(r.status, 'valid', r.detail);
    assert.equal(r.location, `${snac.url}/alice#field:KEZ`);
    assert.match(r.binding!.detail, /plain HTTP to localhost:\d+ \(ActivityPub actor/);
  });

  test('without --allow-private, a host resolving to 127.0.0.1 is refused (private_address)', async () => {
    const r = await verifyIdentity(id('alice'), { ctx: ctx({ allowPrivate: false }) });
    assert.equal(r.status, 'unreachable');
    assert.equal(r.reason, 'private_address');
    assert.match(r.detail!, /localhost: it resolves to 127\.0\.0\.1/);
  });

  test('peer stopped → unreachable', async () => {
    await snac.stop();
    const r = await verifyIdentity(id('alice'), { ctx: ctx() });
    assert.equal(r.status, 'unreachable');
    assert.equal(r.reason, 'network_error');
  });
});

describe('ap channel on a Mastodon-shaped server', () => {
  let m: MastodonFixture;
  const id = (user: string) => `ap:@${user}@${m.host}`;

  before(async () => {
    m = await startMastodonFixture();
  });
  after(async () => {
    await m?.stop();
  });

  test('HTML-wrapped bio and fields (invisible spans, entities) still yield the claim', async () => {
    const c = await encode(await claimFor(id('hal'), key), 'compact');
    m.addAccount('hal', {
      note: `Proof & more: https://example.com/a/very/long/path/that/overflows\n\nKEZ: ${c}`,
      fields: [{ name: 'web', value: 'https://example.com/' }],
    });
    const r = await verifyIdentity(id('hal'), { ctx: ctx() });
    assert.equal(r.status, 'valid', r.detail);
    assert.equal(r.location, `${m.url}/users/hal#summary`);
  });

  test('the WebFinger self link names an actor whose id differs → owner_mismatch', async () => {
    const c = await encode(await claimFor(id('ida'), key), 'compact');
    m.addAccount('ida', { note: `KEZ: ${c}` });
    m.actorIdOverride.set(`${m.url}/users/ida`, `${m.url}/users/mallory`);
    const r = await verifyIdentity(id('ida'), { ctx: ctx() });
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'owner_mismatch');
    assert.match(r.detail!, /actor id .*\/users\/mallory ≠ WebFinger self link .*\/users\/ida/);
  });

  test('a pinned post (featured) holds the proof', async () => {
    const c = await encode(await claimFor(id('pia'), key), 'compact');
    const old = new Date(Date.now() - 86400e3).toISOString();
    // 25 newer posts push it off the first 20 outbox items: only `featured` still shows it.
    const newer = Array.from({ length: 25 }, (_, i) => ({
      id: String(100 + i),
      text: `post ${i}`,
      createdAt: old,
    }));
    m.addAccount('pia', {
      statuses: [{ id: '7', text: `pinned KEZ: ${c}`, createdAt: old }, ...newer],
      pinned: ['7'],
    });
    const r = await verifyIdentity(id('pia'), { ctx: ctx() });
    assert.equal(r.status, 'valid', r.detail);
    assert.equal(r.location, `${m.url}/@pia/7`);
    assert.equal(r.texts, 20 + 1); // 20 outbox items + the pinned one (no bio, no fields)
  });

  test("a post the actor's outbox attributes to someone else → owner_mismatch", async () => {
    const c = await encode(await claimFor(id('quin'), key), 'compact');
    m.addAccount('quin', {
      foreign: [{ id: '3', text: `KEZ: ${c}`, by: `${m.url}/users/mallory` }],
    });
    const r = await verifyIdentity(id('quin'), { ctx: ctx() });
    assert.equal(r.reason, 'owner_mismatch');
    assert.match(r.detail!, /post attributed to .*\/users\/mallory/);
  });

  test('a WebFinger subject for another account → owner_mismatch', async () => {
    const c = await encode(await claimFor(id('rae'), key), 'compact');
    m.addAccount('rae', { note: `KEZ: ${c}` });
    m.subjectOverride.set('rae', `acct:mallory@${m.host}`);
    const r = await verifyIdentity(id('rae'), { ctx: ctx() });
    assert.equal(r.reason, 'owner_mismatch');
    assert.match(r.detail!, /WebFinger subject acct:mallory@/);
  });

  test("a boosted post by someone else is not the account's proof", async () => {
    const c = await encode(await claimFor(id('jay'), key), 'compact');
    m.addAccount('jay', {
      boosts: [
        {
          id: '1',
          of: `${m.url}/users/mallory/statuses/9`,
          by: `${m.url}/users/mallory`,
          text: `KEZ: ${c}`,
        },
      ],
    });
    const r = await verifyIdentity(id('jay'), { ctx: ctx() });
    assert.equal(r.reason, 'not_found');
  });

  test('publish (bio by default; field; post) then verify round-trips; removal → not_found', async () => {
    const acc = m.addAccount('kai', {
      note: 'I like trains.',
      fields: [{ name: 'web', value: 'https://example.com/' }],
    });
    m.tokens.set('tok-kai', 'kai');
    const identity = parseIdentity(id('kai'));
    const pubCtx = ctx({ mastodonToken: 'tok-kai' });

    const p1 = await apChannel.publishAp(await claimFor(id('kai'), key), identity, pubCtx);
    assert.match(p1.location, /\(bio\)$/);
    assert.match(acc.note, /^I like trains\.\n\nKEZ: kez:z1:/);
    assert.equal((await verifyIdentity(identity, { ctx: ctx(), key: key.ref })).status, 'valid');

    // Publishing again replaces the KEZ line instead of adding one.
    await apChannel.publishAp(await claimFor(id('kai'), other), identity, pubCtx);
    assert.equal(acc.note.match(/kez:z1:/g)?.length, 1);
    assert.equal((await verifyIdentity(identity, { ctx: ctx(), key: other.ref })).status, 'valid');

    // A field: Mastodon holds 255 characters, a compact claim is longer → the server's refusal is reported.
    await assert.rejects(
      apChannel.publishAp(await claimFor(id('kai'), key), identity, pubCtx, { apTarget: 'field' }),
      /refused the proof .*422.*too long/,
    );
    assert.deepEqual(
      acc.fields.map((f) => f.name),
      ['web'],
    );

    // Proof removed from the bio → not_found; then published as a post → valid again.
    acc.note = 'I like trains.';
    assert.equal((await verifyIdentity(identity, { ctx: ctx() })).reason, 'not_found');
    const p3 = await apChannel.publishAp(await claimFor(id('kai'), key), identity, pubCtx, {
      apTarget: 'post',
    });
    assert.match(p3.location, new RegExp(`^${m.url}/@kai/\\d+$`));
    const r3 = await verifyIdentity(identity, { ctx: ctx(), key: key.ref });
    assert.equal(r3.status, 'valid', r3.detail);
    assert.equal(r3.location, p3.location);
  });

  test('publish refuses a missing token and another account’s token', async () => {
    m.addAccount('lou');
    m.tokens.set('tok-lou', 'lou');
    const c = await claimFor(id('kai'), key);
    const identity = parseIdentity(id('kai'));
    await assert.rejects(apChannel.publishAp(c, identity, ctx()), /needs an access token/);
    await assert.rejects(
      apChannel.publishAp(c, identity, ctx({ mastodonToken: 'tok-lou' })),
      /belongs to @lou, not/,
    );
    await assert.rejects(
      apChannel.publishAp(c, identity, ctx({ mastodonToken: 'bad' })),
      /refused the token/,
    );
  });
});
