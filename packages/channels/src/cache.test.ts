/**
 * The SPEC §9.8 cache policy with a scripted channel plugin and chain hook
 * (no network): what is reused, for how long, what is re-checked, and that
 * a soft failure is never cached nor ever turns into `valid`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createClaim, encodeClaim, getSuite, verdict } from '@kez/core';
import type { Claim } from '@kez/core';
import { CACHE_LIFETIMES, memoryCacheStore, verifyCached } from './cache.js';
import { createFileCacheStore } from './cache-file.js';
import { resolveChannelConfig } from './config.js';
import type { ChainHook, ChainLookup } from './verify.js';
import type { ChannelContext, ChannelPlugin, FetchOutcome } from './types.js';

const T0 = 1_764_000_000;
const ID = 'dns:example.com';
const suite = getSuite('ed25519');
const secret = suite.generateSecretKey();

function claim(extra: { expiresAt?: number } = {}): Promise<Claim> {
  return createClaim({ subject: ID, suite: 'ed25519', secretKey: secret, now: T0 - 60, ...extra });
}

/** A plugin whose answer the test sets, counting fetches. */
function scripted() {
  const s = {
    fetches: 0,
    outcome: { type: 'failed', reason: 'timeout', detail: 'unset' } as FetchOutcome,
    plugin: {
      name: 'dns',
      fetchProofs: async () => {
        s.fetches++;
        return s.outcome;
      },
    } as ChannelPlugin,
    async serve(c: Claim) {
      s.outcome = {
        type: 'found',
        texts: [
          {
            text: await encodeClaim(c, 'compact'),
            location: '_kez.example.com TXT',
            owner: 'example.com',
            binding: { kind: 'transport', detail: 'test' },
          },
        ],
      };
    },
    down() {
      s.outcome = { type: 'failed', reason: 'timeout', detail: 'the peer is down' };
    },
    gone() {
      s.outcome = { type: 'absent', location: '_kez.example.com', detail: 'no TXT record' };
    },
  };
  return s;
}

/** A chain hook the test flips: none, or a lookup that judges by a fixed verdict. */
function chainHook() {
  const h = {
    lookups: 0,
    answer: { type: 'none' } as ChainLookup,
    hook: (async () => {
      h.lookups++;
      return h.answer;
    }) as ChainHook,
    revokeAll() {
      h.answer = {
        type: 'found',
        source: 'test',
        judge: () => ({ ...verdict('revoked', 'revoked at seq 2'), listed: true }),
      };
    },
    fail() {
      h.answer = { type: 'failed', reason: 'chain_unavailable', detail: 'sig-server down' };
    },
  };
  return h;
}

function setup() {
  const clock = { now: T0 };
  const ctx: ChannelContext = {
    config: resolveChannelConfig({}),
    net: {} as ChannelContext['net'],
    now: () => clock.now,
  };
  const p = scripted();
  const chain = chainHook();
  const store = memoryCacheStore();
  const run = (opts: { noCache?: boolean } = {}) =>
    verifyCached(
      ID,
      { ctx, plugin: p.plugin, chain: chain.hook },
      { store, ...(opts.noCache ? { noCache: true } : {}) },
    );
  return { clock, p, chain, store, run };
}

describe('verifyCached (SPEC §9.8)', () => {
  test('valid is reused for an hour without a fetch, but the chain is consulted every time', async () => {
    const s = setup();
    await s.p.serve(await claim());
    const first = await s.run();
    assert.deepEqual(
      [first.status, first.cache, first.checkedAt, s.p.fetches],
      ['valid', 'miss', T0, 1],
    );
    s.clock.now = T0 + CACHE_LIFETIMES.validFresh - 1;
    s.p.down();
    const again = await s.run();
    assert.deepEqual(
      [again.status, again.cache, again.checkedAt, s.p.fetches],
      ['valid', 'fresh', T0, 1],
    );
    assert.equal(s.chain.lookups, 2);
  });

  test('a revocation in the chain shows at once through a fresh entry, and replaces it', async () => {
    const s = setup();
    await s.p.serve(await claim());
    await s.run();
    s.chain.revokeAll();
    const r = await s.run();
    assert.deepEqual(
      [r.status, r.reason, r.cache, r.chain, s.p.fetches],
      ['revoked', 'revoked', 'fresh', 'present', 1],
    );
    s.chain.answer = { type: 'none' };
    const cached = await s.run(); // now a cached definitive negative, reused as is
    assert.deepEqual([cached.status, cached.cache, s.p.fetches], ['revoked', 'fresh', 1]);
  });

  test('a fresh valid whose chain cannot be fetched is unreachable, never valid, and not stored', async () => {
    const s = setup();
    await s.p.serve(await claim());
    await s.run();
    s.chain.fail();
    const r = await s.run();
    assert.deepEqual([r.status, r.reason], ['unreachable', 'chain_unavailable']);
    s.chain.answer = { type: 'none' };
    assert.equal((await s.run()).status, 'valid');
  });

  test('aged (1 h–24 h): re-checked; an unreachable re-check reports unreachable with the aged entry as context only', async () => {
    const s = setup();
    await s.p.serve(await claim());
    await s.run();
    s.clock.now = T0 + 2 * 3600;
    s.p.down();
    const r = await s.run();
    assert.deepEqual(
      [r.status, r.reason, r.cache, s.p.fetches],
      ['unreachable', 'timeout', 'aged', 2],
    );
    assert.deepEqual(r.aged, {
      status: 'valid',
      checkedAt: T0,
      claimId: r.aged!.claimId,
      location: '_kez.example.com TXT',
    });
    // The soft failure replaced nothing: still aged, still re-checked.
    const again = await s.run();
    assert.deepEqual([again.status, again.cache, s.p.fetches], ['unreachable', 'aged', 3]);
    // A definitive re-check replaces the entry.
    s.p.gone();
    const gone = await s.run();
    assert.deepEqual([gone.status, gone.reason, gone.cache], ['invalid', 'not_found', 'aged']);
    assert.equal(gone.aged, undefined);
  });

  test('past 24 h a valid entry is not even context; past the claim expiry it is not reused', async () => {
    const s = setup();
    await s.p.serve(await claim());
    await s.run();
    s.clock.now = T0 + CACHE_LIFETIMES.validAged;
    s.p.down();
    const r = await s.run();
    assert.deepEqual([r.status, r.cache, r.aged], ['unreachable', 'miss', undefined]);

    const e = setup();
    await e.p.serve(await claim({ expiresAt: T0 + 600 }));
    assert.equal((await e.run()).status, 'valid');
    e.clock.now = T0 + 600;
    const exp = await e.run();
    assert.deepEqual(
      [exp.status, exp.reason, exp.cache, e.p.fetches],
      ['expired', 'expired', 'miss', 2],
    );
  });

  test('unreachable is never stored: the next call fetches again', async () => {
    const s = setup();
    s.p.down();
    await s.run();
    await s.run();
    assert.equal(s.p.fetches, 2);
    assert.equal(s.store.entries.size, 0);
  });

  test('negatives: 5 min when asking again may change them (not_found), 1 h when final', async () => {
    const s = setup();
    s.p.gone();
    await s.run();
    s.clock.now = T0 + CACHE_LIFETIMES.negativeRetry - 1;
    assert.deepEqual([(await s.run()).cache, s.p.fetches], ['fresh', 1]);
    s.clock.now = T0 + CACHE_LIFETIMES.negativeRetry;
    assert.deepEqual([(await s.run()).cache, s.p.fetches], ['miss', 2]);

    const f = setup();
    const c = await claim();
    await f.p.serve({ ...c, sig: c.sig.slice(0, -1) + (c.sig.endsWith('0') ? '1' : '0') });
    assert.equal((await f.run()).reason, 'bad_signature');
    f.clock.now = T0 + CACHE_LIFETIMES.negative - 1;
    assert.deepEqual([(await f.run()).cache, f.p.fetches], ['fresh', 1]);
    f.clock.now = T0 + CACHE_LIFETIMES.negative;
    assert.deepEqual([(await f.run()).cache, f.p.fetches], ['miss', 2]);
  });

  test('noCache fetches now and stores the result; an entry that does not check out is ignored', async () => {
    const s = setup();
    await s.p.serve(await claim());
    await s.run();
    const r = await s.run({ noCache: true });
    assert.deepEqual([r.cache, s.p.fetches], ['off', 2]);
    // A tampered entry (claim id no longer matching its claim) is no entry.
    const [k, v] = [...s.store.entries][0]!;
    const e = v as { result: { claim: Claim } };
    e.result.claim = await claim({ expiresAt: T0 + 99_999 });
    s.store.entries.set(k, e);
    assert.deepEqual([(await s.run()).cache, s.p.fetches], ['miss', 3]);
  });
});

describe('key filter through the chain (SPEC §9.2 step 7)', () => {
  test('a claim by another key: key_mismatch without its chain, chain_unavailable when the chain failed, valid when it holds the key', async () => {
    const s = setup();
    await s.p.serve(await claim());
    const other =
      'ed25519:' + Buffer.from(suite.getPublicKey(suite.generateSecretKey())).toString('hex');
    const run = () =>
      verifyCached(
        ID,
        {
          ctx: {
            config: resolveChannelConfig({}),
            net: {} as ChannelContext['net'],
            now: () => s.clock.now,
          },
          plugin: s.p.plugin,
          chain: s.chain.hook,
          key: other,
        },
        { store: s.store },
      );
    assert.equal((await run()).reason, 'key_mismatch');
    s.clock.now += CACHE_LIFETIMES.negative; // past the cached negative
    s.chain.fail();
    const r = await run();
    assert.deepEqual([r.status, r.reason], ['unreachable', 'chain_unavailable']);
    s.chain.answer = {
      type: 'found',
      source: 'test',
      judge: () => ({ ...verdict('ok'), listed: false }),
      contains: () => true,
    };
    const ok = await run();
    assert.deepEqual([ok.status, ok.cache], ['valid', 'miss']);
    // Reused fresh: the chain is asked again, and its failure is reported, never `valid`.
    s.chain.fail();
    const again = await run();
    assert.deepEqual(
      [again.status, again.reason, again.cache],
      ['unreachable', 'chain_unavailable', 'fresh'],
    );
  });
});

describe('createFileCacheStore', () => {
  test('round trip, mode 0600, atomic (no temp files left), corrupt files are no entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kez-cache-'));
    try {
      const store = createFileCacheStore(join(dir, 'verify'));
      assert.equal(await store.get('k'), undefined);
      await store.set('k', { a: 1 });
      assert.deepEqual(await store.get('k'), { a: 1 });
      const files = readdirSync(join(dir, 'verify'));
      assert.equal(files.length, 1);
      assert.match(files[0]!, /^[0-9a-f]{64}\.json$/);
      assert.equal(statSync(join(dir, 'verify', files[0]!)).mode & 0o777, 0o600);
      assert.equal(statSync(join(dir, 'verify')).mode & 0o777, 0o700);
      writeFileSync(join(dir, 'verify', files[0]!), '{not json');
      assert.equal(await store.get('k'), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
