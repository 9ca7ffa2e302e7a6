/**
 * `@kez/channels/browser` over the platform fetch (Node's here, the same API
 * as a page's): verification through DoH (dnsdist in front of Knot) and the
 * GitHub fixture, under the same guard.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeClaim } from '@kez/core';
import { resolveChannelConfig, verifyIdentity } from '@kez/channels';
import { createBrowserContext } from '@kez/channels/browser';
import { startDnsdist, startKnot } from '@kez/testkit';
import type { Dnsdist, Knot } from '@kez/testkit';
import { claimFor, newKey } from './helpers.js';
import { startGithubFixture } from './peers/github-fixture.js';
import type { GithubFixture } from './peers/github-fixture.js';

const key = newKey();
let knot: Knot;
let doh: Dnsdist;
let gh: GithubFixture;

before(async () => {
  const txt = await encodeClaim(await claimFor('dns:web.example.test', key), 'dns');
  knot = await startKnot({
    origin: 'example.test',
    zone: `@ SOA ns1 h 1 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\n_kez.web TXT ${txt}\n`,
  });
  [doh, gh] = await Promise.all([startDnsdist({ upstreamPort: knot.port }), startGithubFixture()]);
  gh.gists.push({
    id: 'c0000000000000000001',
    owner: 'web',
    description: null,
    files: { 'kez-proof.md': await encodeClaim(await claimFor('github:web', key), 'markdown') },
  });
});
after(async () => {
  await Promise.all([doh?.stop(), gh?.stop()]);
  await knot?.stop();
});

const ctx = (flags: Record<string, unknown> = {}) =>
  createBrowserContext(
    resolveChannelConfig({
      flags: {
        dohUrl: doh.url,
        githubApi: gh.url,
        githubRaw: gh.rawUrl,
        timeoutMs: 3000,
        ...flags,
      },
    }),
  );

describe('browser Net', () => {
  test('dns over DoH and github over fetch verify valid (configured endpoints need no --allow-private)', async () => {
    for (const id of ['dns:web.example.test', 'github:web']) {
      const r = await verifyIdentity(id, { ctx: ctx(), key: key.ref });
      assert.equal(r.status, 'valid', `${id}: ${r.detail}`);
    }
  });

  test('without a DoH URL, dns: is unreachable with a reason', async () => {
    const r = await verifyIdentity('dns:web.example.test', { ctx: ctx({ dohUrl: undefined }) });
    assert.equal(r.reason, 'dns_error');
    assert.match(r.detail!, /needs a DNS-over-HTTPS URL/);
  });

  test('a private IP literal that is not a configured endpoint is refused', async () => {
    const r = await verifyIdentity(`ap:@x@127.0.0.1:9`, { ctx: ctx({ apScheme: 'http' }) });
    assert.equal(r.reason, 'private_address');
  });
});
