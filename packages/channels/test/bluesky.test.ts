// The Bluesky channel against a real AT Protocol network on loopback
// (@atproto/dev-env: PLC directory + official PDS), Knot for `_atproto` TXT
// records, and an untrusted mirror in front of the PDS (SPEC §7.5).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClaim, encodeClaim, formatKeyRef, getSuite, parseIdentity } from '@kez/core';
import type { Claim, SuiteName } from '@kez/core';
import { startKnot } from '@kez/testkit';
import type { Knot } from '@kez/testkit';
import { blueskyPlugin } from '../src/bluesky/index.js';
import { resolveChannelConfig } from '../src/config.js';
import type { ChannelConfig } from '../src/config.js';
import { createNodeNet } from '../src/node.js';
import type { NodeNet } from '../src/node.js';
import type { ChannelContext } from '../src/types.js';
import { verifyIdentity } from '../src/verify.js';
import { startAtprotoNetwork } from './peers/atproto-network.js';
import type { AtprotoAccount, AtprotoNetwork } from './peers/atproto-network.js';
import {
  alterBlockInPlace,
  flipCommitSig,
  forgeRecord,
  recordCid,
  startAtprotoMirror,
} from './peers/atproto-mirror.js';
import type { AtprotoMirror } from './peers/atproto-mirror.js';
import { json, kez, tempHome } from '../../cli/test/run-kez.js';

const now = () => Math.floor(Date.now() / 1000);
type Extras = { atprotoHandleUrl?: string; bskyPds?: string };

function key(suite: SuiteName = 'ed25519') {
  const s = getSuite(suite);
  const sk = s.generateSecretKey();
  return { suite, sk, ref: formatKeyRef(suite, s.getPublicKey(sk)) };
}
const claimOf = (subject: string, k = key()): Promise<Claim> =>
  createClaim({ subject, suite: k.suite, secretKey: k.sk, now: now() - 5 });

/** Write the proof record straight through the account's own client. */
async function putProof(a: AtprotoAccount, text: string) {
  await a.agent.api.com.atproto.repo.putRecord({
    repo: a.did,
    collection: 'dev.kez.proof',
    rkey: 'self',
    record: { $type: 'dev.kez.proof', claim: text, createdAt: new Date().toISOString() },
  });
}

describe('bluesky channel against a real PLC + PDS', () => {
  let network: AtprotoNetwork;
  let knot: Knot;
  let mirror: AtprotoMirror;
  const nets: NodeNet[] = [];
  let alice: AtprotoAccount;
  let aliceClaim: Claim;

  function context(extra: Partial<ChannelConfig> & Extras = {}): ChannelContext {
    const { atprotoHandleUrl, bskyPds, ...flags } = extra;
    const config: ChannelConfig & Extras = {
      ...resolveChannelConfig({
        flags: {
          allowPrivate: true,
          timeoutMs: 3000,
          plcDirectory: network.plcUrl,
          dnsServers: [knot.server],
          ...flags,
        },
      }),
      atprotoHandleUrl: atprotoHandleUrl ?? network.handleUrl,
      ...(bskyPds ? { bskyPds } : {}),
    };
    const net = createNodeNet(config);
    nets.push(net);
    return { net, config, now };
  }
  const verify = (id: string, opts: { key?: string; ctx?: ChannelContext } = {}) =>
    verifyIdentity(parseIdentity(id), {
      ctx: opts.ctx ?? context(),
      plugin: blueskyPlugin,
      ...(opts.key ? { key: opts.key } : {}),
    });

  before(async () => {
    [network, knot] = await Promise.all([
      startAtprotoNetwork(),
      startKnot({
        origin: 'test',
        zone: '$TTL 60\n@ SOA ns1.test. h.test. 1 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\n',
      }),
    ]);
    mirror = await startAtprotoMirror(network.pdsUrl);
    alice = await network.createAccount('alice');
    aliceClaim = await claimOf(`bluesky:${alice.handle}`);
  });
  after(async () => {
    for (const n of nets) n.close();
    await mirror?.stop();
    await knot?.stop();
    await network?.stop();
  });

  test('kez publish (putRecord with an app password) → verify: valid, bound by the signed commit', async () => {
    const identity = parseIdentity(`bluesky:${alice.handle}`);
    const pub = await blueskyPlugin.publish!(
      aliceClaim,
      identity,
      context({ blueskyAppPassword: alice.appPassword }),
    );
    assert.equal(pub.location, `at://${alice.did}/dev.kez.proof/self`);
    assert.equal(pub.targets?.[0]?.ok, true);
    const r = await verify(identity.text, { key: aliceClaim.key });
    assert.equal(r.status, 'valid', r.detail);
    assert.equal(r.claim?.sig, aliceClaim.sig);
    assert.equal(r.location, `at://${alice.did}/dev.kez.proof/self`);
    assert.equal(r.binding?.kind, 'signature');
    assert.match(r.binding!.detail, new RegExp(`signed by the #atproto key of ${alice.did}`));
    assert.match(
      r.binding!.detail,
      /handle → DID from http:\/\/127\.0\.0\.1:\d+\/alice\d+\.test\/\.well-known\/atproto-did/,
    );
  });

  test('a wrong app password is refused with a one-line reason', async () => {
    const identity = parseIdentity(`bluesky:${alice.handle}`);
    await assert.rejects(
      blueskyPlugin.publish!(
        aliceClaim,
        identity,
        context({ blueskyAppPassword: 'wrong-pass-word' }),
      ),
      /refused the app password/,
    );
    await assert.rejects(
      blueskyPlugin.publish!(aliceClaim, identity, context()),
      /needs an app password/,
    );
  });

  test('the handle resolves through its _atproto TXT record too (Knot)', async () => {
    const name = `_atproto.${alice.handle.replace(/\.test$/, '')}`;
    await knot.setTxt(name, [`did=${alice.did}`]);
    try {
      // The HTTPS route points nowhere: only DNS can answer.
      const r = await verify(`bluesky:${alice.handle}`, {
        ctx: context({ atprotoHandleUrl: 'http://127.0.0.1:1/{handle}' }),
      });
      assert.equal(r.status, 'valid', r.detail);
      assert.match(
        r.binding!.detail,
        new RegExp(`handle → DID from DNS TXT _atproto\\.${alice.handle}`),
      );
    } finally {
      await knot.removeRecord(name, 'TXT');
    }
  });

  test('a DID identity verifies against its own repo', async () => {
    const carol = await network.createAccount('carol');
    const claim = await claimOf(`bluesky:${carol.did}`);
    await blueskyPlugin.publish!(
      claim,
      parseIdentity(`bluesky:${carol.did}`),
      context({ blueskyAppPassword: carol.appPassword }),
    );
    const r = await verify(`bluesky:${carol.did}`);
    assert.equal(r.status, 'valid', r.detail);
    assert.doesNotMatch(r.binding!.detail, /handle → DID/);
  });

  test('signed by another key → key_mismatch; a tampered claim → bad_signature', async () => {
    const bob = await network.createAccount('bob');
    const asked = key();
    await putProof(bob, await encodeClaim(await claimOf(`bluesky:${bob.handle}`), 'compact'));
    const r = await verify(`bluesky:${bob.handle}`, { key: asked.ref });
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'key_mismatch', r.detail);

    const claim = await claimOf(`bluesky:${bob.handle}`, asked);
    const last = claim.sig.at(-1) === '0' ? '1' : '0';
    await putProof(
      bob,
      await encodeClaim({ ...claim, sig: claim.sig.slice(0, -1) + last }, 'compact'),
    );
    const t = await verify(`bluesky:${bob.handle}`, { key: asked.ref });
    assert.equal(t.status, 'invalid');
    assert.equal(t.reason, 'bad_signature', t.detail);
  });

  test("a handle pointing at a DID whose document doesn't name it → owner_mismatch", async () => {
    const erin = await network.createAccount('erin');
    // victim.test's web server (stale, or hijacked) names Erin's DID; Erin's repo claims victim.test.
    network.setHandleDid('victim.test', erin.did);
    await putProof(erin, await encodeClaim(await claimOf('bluesky:victim.test'), 'compact'));
    const r = await verify('bluesky:victim.test');
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'owner_mismatch', r.detail);
    assert.match(
      r.detail!,
      new RegExp(`whose DID document names at://${erin.handle}, not at://victim\\.test`),
    );
  });

  test('a proof deleted from the repo → not_found, the absence proved by the signed commit', async () => {
    const frank = await network.createAccount('frank');
    const identity = parseIdentity(`bluesky:${frank.handle}`);
    await blueskyPlugin.publish!(
      await claimOf(identity.text),
      identity,
      context({ blueskyAppPassword: frank.appPassword }),
    );
    assert.equal((await verify(identity.text)).status, 'valid');
    await frank.agent.api.com.atproto.repo.deleteRecord({
      repo: frank.did,
      collection: 'dev.kez.proof',
      rkey: 'self',
    });
    const r = await verify(identity.text);
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'not_found', r.detail);
    assert.match(r.detail!, /no dev\.kez\.proof\/self record and no post holding a claim/);
  });

  test('fallback: a post holding a compact claim, checked against the signed commit', async () => {
    const gina = await network.createAccount('gina');
    const claim = await claimOf(`bluesky:${gina.handle}`);
    // A compact claim exceeds a post's 300 graphemes (SPEC §7.5 note); the repo holds it unvalidated.
    const post = await gina.agent.api.com.atproto.repo.createRecord({
      repo: gina.did,
      collection: 'app.bsky.feed.post',
      validate: false,
      record: {
        $type: 'app.bsky.feed.post',
        text: `my KEZ proof: ${await encodeClaim(claim, 'compact')}`,
        createdAt: new Date().toISOString(),
      },
    });
    const r = await verify(`bluesky:${gina.handle}`);
    assert.equal(r.status, 'valid', r.detail);
    assert.equal(r.location, post.data.uri);
  });

  describe('through an untrusted mirror of the PDS', () => {
    const viaMirror = () => context({ bskyPds: mirror.url });
    const key = `dev.kez.proof/self`;

    test('an honest mirror: still valid, still bound by the signature', async () => {
      mirror.rewriteCar = (c) => c;
      const r = await verify(`bluesky:${alice.handle}`, { ctx: viaMirror() });
      assert.equal(r.status, 'valid', r.detail);
      assert.equal(r.binding?.kind, 'signature');
    });

    test('a flipped commit signature → owner_mismatch', async () => {
      mirror.rewriteCar = flipCommitSig;
      const r = await verify(`bluesky:${alice.handle}`, { ctx: viaMirror() });
      assert.equal(r.reason, 'owner_mismatch', r.detail);
      assert.match(r.detail!, new RegExp(`is not signed by the #atproto key of ${alice.did}`));
    });

    test('record bytes altered in the CAR → the proof is broken (bad_response), never valid', async () => {
      mirror.rewriteCar = (c) => alterBlockInPlace(c, recordCid(c, key));
      const r = await verify(`bluesky:${alice.handle}`, { ctx: viaMirror() });
      assert.equal(r.status, 'unreachable');
      assert.equal(r.reason, 'bad_response');
      assert.match(r.detail!, /does not hash to its CID/);
    });

    test('a forged record with a rebuilt MST and commit (old signature) → owner_mismatch', async () => {
      // Mallory's own valid claim for Alice's handle, swapped in by the mirror.
      const forged = await encodeClaim(await claimOf(`bluesky:${alice.handle}`), 'compact');
      mirror.rewriteCar = (c) =>
        forgeRecord(c, key, {
          $type: 'dev.kez.proof',
          claim: forged,
          createdAt: new Date().toISOString(),
        });
      const r = await verify(`bluesky:${alice.handle}`, { ctx: viaMirror() });
      assert.equal(r.reason, 'owner_mismatch', r.detail);
      assert.notEqual(r.claim?.sig, aliceClaim.sig);
    });

    test("another repo's record served for this DID → owner_mismatch", async () => {
      const hank = await network.createAccount('hank');
      // Hank's repo holds a claim for Alice's handle; the mirror answers Alice's query with it.
      await putProof(hank, await encodeClaim(await claimOf(`bluesky:${alice.handle}`), 'compact'));
      mirror.rewriteCar = (c) => c;
      mirror.rewriteUrl = (u) =>
        u.replace(encodeURIComponent(alice.did), encodeURIComponent(hank.did));
      try {
        const r = await verify(`bluesky:${alice.handle}`, { ctx: viaMirror() });
        assert.equal(r.reason, 'owner_mismatch', r.detail);
        assert.match(r.detail!, new RegExp(`in the repository of ${hank.did}, not ${alice.did}`));
      } finally {
        mirror.rewriteUrl = (u) => u;
      }
    });
  });

  test('kez publish → kez verify id (the built CLI), the handle resolved over DNS', async () => {
    const ivy = await network.createAccount('ivy');
    const name = `_atproto.${ivy.handle.replace(/\.test$/, '')}`;
    await knot.setTxt(name, [`did=${ivy.did}`]);
    const { home, cleanup } = tempHome();
    try {
      const g = await kez(['key', 'generate', '--alg', 'ed25519', '--name', 'k', '--json'], {
        home,
      });
      assert.equal(g.code, 0, g.stderr);
      const flags = [
        '--dns-server',
        knot.server,
        '--plc-directory',
        network.plcUrl,
        '--allow-private',
      ];
      const p = await kez(
        ['publish', `bluesky:${ivy.handle}`, '--key', 'k', '--check', '--json', ...flags],
        { home, env: { KEZ_BLUESKY_APP_PASSWORD: ivy.appPassword } },
      );
      assert.equal(p.code, 0, p.stderr + p.stdout);
      assert.equal(json(p).location, `at://${ivy.did}/dev.kez.proof/self`);
      assert.equal((json(p).check as { status: string }).status, 'valid');

      const v = await kez(['verify', 'id', `bluesky:${ivy.handle}`, ...flags], { home });
      assert.equal(v.code, 0, v.stderr + v.stdout);
      assert.match(
        v.stdout,
        new RegExp(`bluesky:${ivy.handle.replace('.', '\\.')} +valid \\(ok\\)`),
      );
      assert.match(v.stdout, /binding +signature/);

      await ivy.agent.api.com.atproto.repo.deleteRecord({
        repo: ivy.did,
        collection: 'dev.kez.proof',
        rkey: 'self',
      });
      // A fresh cached `valid` is reused for an hour (SPEC §9.8): re-check now.
      const gone = await kez(['verify', 'id', `bluesky:${ivy.handle}`, '--no-cache', ...flags], {
        home,
      });
      assert.equal(gone.code, 1, gone.stdout);
      assert.match(gone.stdout, /invalid \(not_found\)/);
    } finally {
      cleanup();
      await knot.removeRecord(name, 'TXT');
    }
  });

  test('PDS stopped → unreachable (network_error)', async () => {
    await network.stopPds();
    const r = await verify(`bluesky:${alice.did}`);
    assert.equal(r.status, 'unreachable');
    assert.equal(r.reason, 'network_error', r.detail);
  });
});
