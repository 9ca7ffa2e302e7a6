/**
 * An append checks only its new events' signatures: the server keeps core's
 * state of each chain's stored line (ChainCache) and extends it. Never
 * trusted past the database: rows another server process stored are read
 * and checked before the next append, and fork evidence is checked against
 * the stored prefix as before.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventId, getSuite, parseBundle, validateChain } from '@kez/core';
import type { ChainEvent } from '@kez/core';
import { createApp, resolveConfig } from '@kez/sig-server';
import { countVerifies } from '@kez/testkit';
import type { Backend } from './helpers/backends.js';
import { BACKENDS, openBackend, stopPostgres } from './helpers/backends.js';
import { ChainWriter, jsonl, newSigner, nowSec, revokeFields } from './helpers/chains.js';
import type { Fetcher } from './helpers/http.js';
import { appFetcher, keyPath, postEvents, postOne } from './helpers/http.js';

after(stopPostgres);

for (const kind of BACKENDS) {
  describe(`sig-server chain cache on ${kind}`, () => {
    let be: Backend;
    const mkApp = (store = be.store): Fetcher =>
      appFetcher(
        createApp({
          store,
          config: resolveConfig({}, { rateLimit: null, logLevel: 'silent' }),
        }),
      );

    before(async () => {
      be = await openBackend(kind);
    });
    after(async () => be.close());

    test('a cold server checks the stored line once; then each append checks only its own signatures', async () => {
      const w = new ChainWriter();
      await w.addClaim();
      await w.extend(39);
      assert.equal(
        (await postEvents(mkApp(), w.chain, jsonl(w.events), 'application/jsonl')).status,
        201,
      );
      const f = mkApp(); // a fresh process: nothing cached
      const e41 = await w.next(); // (signing is not counted: it may check its own signature)
      const first = await countVerifies(() => postOne(f, w.chain, e41));
      assert.equal(first.value.status, 201);
      // 40 stored events (41 signatures with the claim's) read and checked once, plus the new one.
      assert.equal(first.checks, 42);
      for (let i = 0; i < 3; i++) {
        const e = await w.next();
        const r = await countVerifies(() => postOne(f, w.chain, e));
        assert.equal(r.value.status, 201, JSON.stringify(r.value.json));
        assert.equal(r.checks, 1);
      }
      const two = [await w.next(), await w.next()];
      const r = await countVerifies(() => postEvents(f, w.chain, jsonl(two), 'application/jsonl'));
      assert.equal(r.value.status, 201);
      assert.equal(r.checks, 2);
      // A duplicate checks nothing.
      const dup = await countVerifies(() => postOne(f, w.chain, two[1]!));
      assert.equal(dup.value.status, 200);
      assert.equal(dup.checks, 0);
    });

    test("another process's appends are read and checked before this one trusts its cached line", async () => {
      const other = await be.reopen();
      try {
        const a = mkApp();
        const b = mkApp(other);
        const w = new ChainWriter();
        await w.extend(5);
        assert.equal(
          (await postEvents(a, w.chain, jsonl(w.events), 'application/jsonl')).status,
          201,
        );
        assert.equal((await postOne(a, w.chain, await w.next())).status, 201); // a has the line cached
        // b (another server on the same database) appends two.
        const e7 = await w.next();
        const e8 = await w.next();
        assert.equal((await postOne(b, w.chain, e7)).status, 201);
        assert.equal((await postOne(b, w.chain, e8)).status, 201);
        // a's cached line ends at seq 6: an event for seq 7 is now a different event at a stored seq.
        const late = await w.build(revokeFields(), w.events[5]!);
        const fork = await postOne(a, w.chain, late);
        assert.equal(fork.status, 409, JSON.stringify(fork.json));
        assert.equal(fork.json.error, 'fork');
        assert.equal(fork.json.stored_id, eventId(e7));
        // The next event: seq 7–8 were read and checked by the fork request just before.
        const e9 = await w.next();
        const r = await countVerifies(() => postOne(a, w.chain, e9));
        assert.equal(r.value.status, 201, JSON.stringify(r.value.json));
        assert.equal(r.checks, 1);
        assert.equal((r.value.json.head as { seq: number }).seq, 9);
        // With no request in between: b appends seq 10, a reads and checks it, then checks seq 11.
        assert.equal((await postOne(b, w.chain, await w.next())).status, 201);
        const e11 = await w.next();
        const r2 = await countVerifies(() => postOne(a, w.chain, e11));
        assert.equal(r2.value.status, 201, JSON.stringify(r2.value.json));
        assert.equal(r2.checks, 2);
        // b, behind a now, takes a's event for seq 11 as a duplicate, and appends seq 12.
        assert.equal((await postOne(b, w.chain, e11)).status, 200);
        assert.equal((await postOne(b, w.chain, await w.next())).status, 201);
        // Every event once, the evidence beside: a verifier sees the fork at seq 7.
        const text = await (await a(keyPath(w.chain))).text();
        const state = await validateChain(parseBundle(text), { now: nowSec(), chain: w.chain });
        assert.deepEqual(state.end, {
          kind: 'fork',
          seq: 7,
          ids: [eventId(e7), eventId(late)].sort(),
        });
        assert.equal(state.events.length, 13);
      } finally {
        await other.close();
      }
    });

    test('fork evidence: a stranger costs one check; the key holder’s sibling is checked against the prefix', async () => {
      const f = mkApp();
      const w = new ChainWriter();
      await w.extend(30);
      assert.equal(
        (await postEvents(f, w.chain, jsonl(w.events), 'application/jsonl')).status,
        201,
      );
      const stranger = newSigner();
      const junk = await w.build(revokeFields(), w.events[24]!, stranger);
      const r1 = await countVerifies(() => postOne(f, w.chain, junk));
      assert.equal(r1.value.status, 422, JSON.stringify(r1.value.json));
      assert.equal(r1.value.json.error, 'not_in_chain');
      assert.equal(r1.checks, 1);
      const wrongPrev = await w.build(revokeFields(), w.events[3]!);
      const r2 = await postOne(f, w.chain, { ...(await resign(w, wrongPrev, { seq: 26 })) });
      assert.equal(r2.status, 409);
      assert.equal(r2.json.error, 'bad_prev');
      // The key holder's sibling that goes back in time would halt the chain: not evidence.
      const back = await resign(w, await w.build(revokeFields(), w.events[24]!), {
        created_at: w.events[24]!.created_at - 5,
      });
      const r3 = await postOne(f, w.chain, back);
      assert.equal(r3.status, 422, JSON.stringify(r3.json));
      assert.equal(r3.json.error, 'time_went_backwards');
      // A real fork is stored as evidence.
      const sibling = await w.build(revokeFields(), w.events[24]!);
      const r4 = await postOne(f, w.chain, sibling);
      assert.equal(r4.status, 409);
      assert.equal(r4.json.evidence_stored, true);
      assert.equal((r4.json.head as { forks: number }).forks, 1);
    });
  });
}

/** `ev` with `fields` changed, signed again by the chain's key. */
async function resign(w: ChainWriter, ev: ChainEvent, fields: Record<string, unknown>) {
  const { signingDigest, toHex } = await import('@kez/core');
  const { sig: _drop, ...rest } = { ...ev, ...fields } as Record<string, unknown>;
  const sig = await getSuite(w.signer.suite).sign(signingDigest('event', rest), w.signer.sk);
  return { ...rest, sig: toHex(sig) };
}
