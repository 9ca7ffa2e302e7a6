/**
 * github: against the REST fixture, whose every answer is checked against
 * GitHub's official OpenAPI description at the end.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIdentity } from '@kez/core';
import { githubChannel, verifyIdentity } from '@kez/channels';
import { claimFor, encode, newKey, tampered, testContext } from './helpers.js';
import { startGithubFixture } from './peers/github-fixture.js';
import type { GithubFixture } from './peers/github-fixture.js';
import { loadGithubOpenApi } from './peers/github-openapi.js';
import { makeResponseChecker } from './peers/openapi-check.js';

let gh: GithubFixture;
const key = newKey('ed25519');
const other = newKey('nostr');

before(async () => {
  gh = await startGithubFixture();
});
after(async () => {
  await gh?.stop();
});

const ctx = (extra = {}) => testContext({ githubApi: gh.url, githubRaw: gh.rawUrl, ...extra });
let gistSeq = 0;
const gistId = () => `a${(++gistSeq).toString(16).padStart(19, '0')}`;

async function proofGist(
  user: string,
  content: string,
  extra: Partial<GithubFixture['gists'][0]> = {},
) {
  const g = {
    id: gistId(),
    owner: user,
    description: 'KEZ identity proof',
    files: { 'kez-proof.md': content },
    ...extra,
  };
  gh.gists.push(g);
  return g;
}

describe('github channel', () => {
  test('a published proof verifies valid, with a transport binding and timings', async () => {
    const c = await claimFor('github:alice', key);
    await proofGist('Alice', `hello\n\n${await encode(c, 'markdown')}`);
    const r = await verifyIdentity('github:alice', { ctx: ctx() });
    assert.equal(r.status, 'valid', r.detail);
    assert.equal(r.reason, 'ok');
    assert.match(
      r.location!,
      new RegExp(`^${gh.rawUrl}/Alice/[0-9a-f]+/raw/[0-9a-f]{40}/kez-proof\\.md$`),
    );
    assert.equal(r.binding?.kind, 'transport');
    assert.match(r.binding!.detail, /plain HTTP to 127\.0\.0\.1:\d+ \(GitHub gist/);
    assert.equal(r.encoding, 'markdown');
    assert.equal(r.claim?.sig, c.sig);
    assert.ok(r.timings.fetch > 0 && r.timings.total >= r.timings.fetch);
    assert.ok(!Number.isNaN(Date.parse(r.fetchedAt)));
  });

  test('any encoding in any kez file counts (compact in kez.txt)', async () => {
    const c = await claimFor('github:bea', key);
    await proofGist('bea', 'ignored', {
      files: { 'notes.txt': 'x', 'kez.txt': await encode(c, 'compact') },
    });
    const r = await verifyIdentity('github:bea', { ctx: ctx() });
    assert.equal(r.status, 'valid', r.detail);
    assert.equal(r.encoding, 'compact');
  });

  test('signed by another key than --key → key_mismatch; tampered → bad_signature', async () => {
    const c = await claimFor('github:carl', other);
    await proofGist('carl', await encode(c, 'markdown'));
    const r = await verifyIdentity('github:carl', { ctx: ctx(), key: key.ref });
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'key_mismatch');

    const t = tampered(await claimFor('github:dora', key));
    await proofGist('dora', await encode(t, 'markdown'));
    const r2 = await verifyIdentity('github:dora', { ctx: ctx() });
    assert.equal(r2.reason, 'bad_signature');
    assert.equal(r2.status, 'invalid');
  });

  test('a gist listed under the user but owned by someone else → owner_mismatch', async () => {
    const c = await claimFor('github:erin', key);
    await proofGist('mallory', await encode(c, 'markdown'), { listedUnder: 'erin' });
    const r = await verifyIdentity('github:erin', { ctx: ctx() });
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'owner_mismatch');
    assert.match(r.detail!, /published by mallory, not erin/);
  });

  test('a valid proof wins over a broken one beside it', async () => {
    const good = await claimFor('github:finn', key);
    await proofGist('finn', await encode(tampered(good), 'markdown'));
    await proofGist('finn', await encode(good, 'markdown'));
    const r = await verifyIdentity('github:finn', { ctx: ctx() });
    assert.equal(r.status, 'valid', r.detail);
  });

  test('proof removed → not_found; unknown user → not_found', async () => {
    const g = await proofGist('gus', await encode(await claimFor('github:gus', key), 'markdown'));
    assert.equal((await verifyIdentity('github:gus', { ctx: ctx() })).status, 'valid');
    gh.gists.splice(gh.gists.indexOf(g), 1);
    const r = await verifyIdentity('github:gus', { ctx: ctx() });
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'not_found');
    const r2 = await verifyIdentity('github:ghost-nobody', { ctx: ctx() });
    assert.equal(r2.reason, 'not_found');
    assert.match(r2.detail!, /not found/);
  });

  test('pagination follows Link rel="next" up to the page cap', async () => {
    for (let i = 0; i < 150; i++)
      gh.gists.push({ id: gistId(), owner: 'hana', description: null, files: { 'a.txt': 'x' } });
    await proofGist('hana', await encode(await claimFor('github:hana', key), 'markdown'));
    const before = gh.requests;
    const r = await verifyIdentity('github:hana', { ctx: ctx() });
    assert.equal(r.status, 'valid', r.detail);
    assert.equal(gh.requests - before, 2); // two list pages; files come from the raw host
    const capped = await verifyIdentity('github:hana', { ctx: ctx({ githubMaxPages: 1 }) });
    assert.equal(capped.reason, 'not_found');
  });

  test('a file over 64 KiB is not a candidate; a raw_url off the raw host is bad_response', async () => {
    const c = await claimFor('github:ivy', key);
    await proofGist('ivy', `${'x'.repeat(70 * 1024)}\n${await encode(c, 'markdown')}`);
    const r = await verifyIdentity('github:ivy', { ctx: ctx() });
    assert.equal(r.reason, 'not_found');
    await proofGist('ivy2', await encode(await claimFor('github:ivy2', key), 'markdown'));
    const r2 = await verifyIdentity('github:ivy2', {
      ctx: ctx({ githubRaw: 'https://gist.githubusercontent.com' }),
    });
    assert.equal(r2.status, 'unreachable');
    assert.equal(r2.reason, 'bad_response');
    assert.match(r2.detail!, /is not on https:\/\/gist\.githubusercontent\.com/);
  });

  test('rate limit (403 and 429) → unreachable/rate_limited with the reset time', async () => {
    await proofGist('jo', await encode(await claimFor('github:jo', key), 'markdown'));
    for (const status of [403, 429] as const) {
      gh.rateLimit.remaining = 0;
      gh.rateLimit.status = status;
      try {
        const r = await verifyIdentity('github:jo', { ctx: ctx() });
        assert.equal(r.status, 'unreachable');
        assert.equal(r.reason, 'rate_limited');
        assert.match(r.detail!, new RegExp(new Date(gh.rateLimit.reset * 1000).toISOString()));
      } finally {
        gh.rateLimit.remaining = Infinity;
      }
    }
  });

  test('publish creates, then updates, the kez-proof.md gist; verify round-trips', async () => {
    gh.tokens.set('tok-kim', 'Kim');
    const c1 = await claimFor('github:kim', key);
    const id = parseIdentity('github:kim');
    const p1 = await githubChannel.publishGithub(c1, id, ctx({ githubToken: 'tok-kim' }));
    assert.equal(p1.targets?.[0]?.message, 'created');
    const r1 = await verifyIdentity(id, { ctx: ctx(), key: key.ref });
    assert.equal(r1.status, 'valid', r1.detail);

    const c2 = await claimFor('github:kim', other);
    const p2 = await githubChannel.publishGithub(c2, id, ctx({ githubToken: 'tok-kim' }));
    assert.equal(p2.targets?.[0]?.message, 'updated');
    assert.equal(gh.gists.filter((g) => g.owner === 'Kim').length, 1);
    const r2 = await verifyIdentity(id, { ctx: ctx(), key: other.ref });
    assert.equal(r2.status, 'valid', r2.detail);
    assert.equal((await verifyIdentity(id, { ctx: ctx(), key: key.ref })).reason, 'key_mismatch');
  });

  test('publish refuses a missing token, a bad token and another user’s token', async () => {
    gh.tokens.set('tok-lee', 'lee');
    const c = await claimFor('github:kim', key);
    const id = parseIdentity('github:kim');
    await assert.rejects(githubChannel.publishGithub(c, id, ctx()), /needs a token/);
    await assert.rejects(
      githubChannel.publishGithub(c, id, ctx({ githubToken: 'nope' })),
      /refused the token/,
    );
    await assert.rejects(
      githubChannel.publishGithub(c, id, ctx({ githubToken: 'tok-lee' })),
      /belongs to lee, not kim/,
    );
  });

  test('peer stopped → unreachable', async () => {
    const g2 = await startGithubFixture();
    await g2.stop();
    const r = await verifyIdentity('github:alice', { ctx: testContext({ githubApi: g2.url }) });
    assert.equal(r.status, 'unreachable');
    assert.equal(r.reason, 'network_error');
  });

  test('configured endpoints on loopback are allowed without --allow-private (SPEC §7.1.2)', async () => {
    const r = await verifyIdentity('github:alice', { ctx: ctx({ allowPrivate: false }) });
    assert.equal(r.status, 'valid', r.detail);
  });

  test("every fixture answer matches GitHub's OpenAPI description", () => {
    const check = makeResponseChecker(loadGithubOpenApi());
    const routes = new Set(
      gh.recorded.filter((r) => r.route).map((r) => `${r.method} ${r.route} ${r.status}`),
    );
    for (const want of [
      'GET /users/{username}/gists 200',
      'POST /gists 201',
      'PATCH /gists/{gist_id} 200',
      'GET /user 200',
    ])
      assert.ok(routes.has(want), `no ${want} was exercised`);
    const problems = gh.recorded.flatMap(check);
    assert.deepEqual(problems, []);
    // The check is not vacuous: a listed gist without node_id and with public: "yes" is refused.
    const list = gh.recorded.find(
      (r) =>
        r.route === '/users/{username}/gists' &&
        r.status === 200 &&
        (r.body as unknown[]).length > 0,
    )!;
    const first = { ...(list.body as Record<string, unknown>[])[0]!, public: 'yes' };
    delete first.node_id;
    const errs = check({ ...list, body: [first] });
    assert.ok(
      errs.some((e) => /node_id/.test(e)) && errs.some((e) => /public/.test(e)),
      errs.join('\n'),
    );
  });
});
