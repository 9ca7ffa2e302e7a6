/**
 * The one API suite, run against both real backends: a SQLite file in a temp
 * dir and a PostgreSQL 15 cluster this test starts (testkit).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  canonicalize,
  exportBundle,
  fromHex,
  getSuite,
  parseBundle,
  toHex,
  validateChain,
} from '@kez/core';
import { createHash } from 'node:crypto';
import { createApp, resolveConfig } from '@kez/sig-server';
import type { SigServerConfigInput } from '@kez/sig-server';
import { verifyConsistency, verifyInclusion } from '../src/tlog/merkle.js';
import type { Backend } from './helpers/backends.js';
import { BACKENDS, openBackend, stopPostgres } from './helpers/backends.js';
import { ChainWriter, jsonl, newSigner, nowSec, revokeFields } from './helpers/chains.js';
import type { Fetcher } from './helpers/http.js';
import { appFetcher, keyPath, postEvents, postOne } from './helpers/http.js';

after(stopPostgres);

for (const kind of BACKENDS) {
  describe(`sig-server API on ${kind}`, () => {
    let be: Backend;
    let f: Fetcher;
    const mkApp = (cfg: SigServerConfigInput = {}) =>
      appFetcher(
        createApp({
          store: be.store,
          config: resolveConfig({}, { rateLimit: null, logLevel: 'silent', ...cfg }),
        }),
      );

    before(async () => {
      be = await openBackend(kind);
      f = mkApp();
    });
    after(async () => be.close());

    test('append one event, then the same again: 201 then idempotent 200', async () => {
      const w = new ChainWriter();
      const e1 = await w.next();
      const a = await postOne(f, w.chain, e1);
      assert.equal(a.status, 201, JSON.stringify(a.json));
      assert.deepEqual(a.json.appended, [(a.json.head as { id: string }).id]);
      assert.equal((a.json.head as { seq: number }).seq, 1);
      const b = await postOne(f, w.chain, e1);
      assert.equal(b.status, 200);
      assert.deepEqual(b.json.appended, []);
      assert.equal((b.json.duplicates as string[]).length, 1);
    });

    test('JSONL bundle and {"events": [...]} bodies; the bundle read back is byte-identical to core exportBundle', async () => {
      const w = new ChainWriter();
      await w.addClaim();
      await w.extend(3);
      const r1 = await postEvents(f, w.chain, jsonl(w.events.slice(0, 2)), 'application/jsonl');
      assert.equal(r1.status, 201, JSON.stringify(r1.json));
      const r2 = await postEvents(
        f,
        w.chain,
        JSON.stringify({ events: w.events.slice(2).reverse() }),
        'application/json; charset=utf-8',
      );
      assert.equal(r2.status, 201, JSON.stringify(r2.json));
      assert.equal((r2.json.head as { seq: number }).seq, 4);
      // Ids of events that extend the line come from core's walk (linkage), not a hash here: same ids.
      const idOf = (e: object) => createHash('sha256').update(canonicalize(e)).digest('hex');
      assert.deepEqual(r1.json.appended, w.events.slice(0, 2).map(idOf));
      assert.deepEqual(r2.json.appended, w.events.slice(2).map(idOf));
      // …and so are the ids stored: each leaf names its event's id.
      const leaves = [...(r1.json.leaves as number[]), ...(r2.json.leaves as number[])];
      const stored = [];
      for (const leaf of leaves)
        stored.push(((await (await f(`/v1/log/leaves/${leaf}`)).json()) as { id: string }).id);
      assert.deepEqual(stored, w.events.map(idOf));
      const res = await f(keyPath(w.chain));
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/jsonl/);
      const text = await res.text();
      assert.equal(text, exportBundle(w.events));
      const state = await validateChain(parseBundle(text), { now: nowSec(), chain: w.chain });
      assert.equal(state.end.kind, 'complete');
      assert.equal(state.head?.seq, 4);
    });

    test('x-ndjson is accepted as JSONL; a bundle mixing duplicates and new events appends the new ones', async () => {
      const w = new ChainWriter();
      await w.extend(3);
      assert.equal(
        (await postEvents(f, w.chain, jsonl(w.events.slice(0, 2)), 'application/x-ndjson')).status,
        201,
      );
      const r = await postEvents(f, w.chain, jsonl(w.events), 'application/x-ndjson');
      assert.equal(r.status, 201);
      assert.equal((r.json.appended as string[]).length, 1);
      assert.equal((r.json.duplicates as string[]).length, 2);
    });

    test('JSON pages with after & limit; JSONL honours after', async () => {
      const w = new ChainWriter();
      await w.extend(7);
      assert.equal(
        (await postEvents(f, w.chain, jsonl(w.events), 'application/jsonl')).status,
        201,
      );
      const pages: unknown[] = [];
      let afterSeq: number | null = 0;
      let n = 0;
      while (afterSeq !== null) {
        const res = await f(`${keyPath(w.chain)}?after=${afterSeq}&limit=3`, {
          headers: { accept: 'application/json' },
        });
        assert.equal(res.status, 200);
        const page = (await res.json()) as { events: unknown[]; next_after: number | null };
        pages.push(...page.events);
        afterSeq = page.next_after;
        assert.ok(++n <= 3);
      }
      assert.equal(n, 3);
      assert.deepEqual(
        pages,
        w.events.map((e) => JSON.parse(JSON.stringify(e)) as unknown),
      );
      const tail = await (await f(`${keyPath(w.chain)}?after=5`)).text();
      assert.equal(tail, exportBundle(w.events.slice(5)));
    });

    test('head: small JSON, ETag, Cache-Control, 304 on If-None-Match (strong, weak, list, *)', async () => {
      const w = new ChainWriter();
      await w.extend(2);
      await postEvents(f, w.chain, jsonl(w.events), 'application/jsonl');
      const res = await f(`${keyPath(w.chain)}/head`);
      assert.equal(res.status, 200);
      const head = (await res.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(head).sort(), ['chain', 'forks', 'id', 'seq', 'updated_at']);
      assert.equal(head.seq, 2);
      const etag = res.headers.get('etag')!;
      assert.match(etag, /^"[0-9a-f]+-2-0"$/);
      assert.match(res.headers.get('cache-control') ?? '', /max-age=\d+/);
      for (const inm of [etag, `W/${etag}`, `"x", ${etag}`, '*']) {
        const r = await f(`${keyPath(w.chain)}/head`, { headers: { 'if-none-match': inm } });
        assert.equal(r.status, 304, inm);
        assert.equal(await r.text(), '');
      }
      const stale = await f(`${keyPath(w.chain)}/head`, { headers: { 'if-none-match': '"old"' } });
      assert.equal(stale.status, 200);
      await postOne(f, w.chain, await w.next());
      const moved = await f(`${keyPath(w.chain)}/head`, { headers: { 'if-none-match': etag } });
      assert.equal(moved.status, 200);
      assert.notEqual(moved.headers.get('etag'), etag);
    });

    test('a different event at a stored seq is kept as fork evidence, reported 409 with both ids, never replacing the first', async () => {
      const w = new ChainWriter();
      await w.extend(3);
      await postEvents(f, w.chain, jsonl(w.events), 'application/jsonl');
      const sibling = await w.build(revokeFields(), w.events[0]!);
      const r = await postOne(f, w.chain, sibling);
      assert.equal(r.status, 409);
      assert.equal(r.json.error, 'fork');
      assert.equal(r.json.seq, 2);
      assert.equal(r.json.stored_id, w.events[1] && (await idOf(w.events[1])));
      assert.equal(r.json.submitted_id, await idOf(sibling));
      assert.equal(r.json.evidence_stored, true);
      const head = r.json.head as { seq: number; id: string; forks: number };
      assert.equal(head.seq, 3);
      assert.equal(head.id, await idOf(w.events[2]!));
      assert.equal(head.forks, 1);
      // The bundle carries both siblings; a verifier sees the fork.
      const text = await (await f(keyPath(w.chain))).text();
      assert.equal(text, exportBundle([...w.events, sibling]));
      const state = await validateChain(parseBundle(text), { now: nowSec(), chain: w.chain });
      assert.equal(state.end.kind, 'fork');
      // Sending the evidence again is idempotent; the primary line can still grow.
      const again = await postOne(f, w.chain, sibling);
      assert.equal(again.status, 200);
      const more = await postOne(f, w.chain, await w.next());
      assert.equal(more.status, 201);
      const page = (await (
        await f(`${keyPath(w.chain)}?after=1&limit=1`, { headers: { accept: 'application/json' } })
      ).json()) as { evidence: string[]; events: unknown[] };
      assert.deepEqual(page.evidence, [await idOf(sibling)]);
      assert.equal(page.events.length, 2);
    });

    test('on_conflict=reject: a different event at a stored seq is 409 seq_taken and nothing is stored', async () => {
      const w = new ChainWriter();
      await w.extend(2);
      await postEvents(f, w.chain, jsonl(w.events), 'application/jsonl');
      const sibling = await w.build(revokeFields(), w.events[0]!);
      const r = await postOne(f, w.chain, sibling, '?on_conflict=reject');
      assert.equal(r.status, 409);
      assert.equal(r.json.error, 'seq_taken');
      assert.equal(r.json.stored_id, await idOf(w.events[1]!));
      assert.equal((r.json.head as { forks: number }).forks, 0);
      assert.equal(await (await f(keyPath(w.chain))).text(), exportBundle(w.events));
      const bad = await postOne(f, w.chain, sibling, '?on_conflict=maybe');
      assert.equal(bad.status, 400);
    });

    test('linkage: wrong prev → 409 bad_prev; a seq gap → 409 chain_gap; genesis by another key → 422', async () => {
      const w = new ChainWriter();
      await w.extend(2);
      await postEvents(f, w.chain, jsonl(w.events), 'application/jsonl');
      // seq 3 whose prev is seq 1's id.
      const wrongPrev = await w.build(revokeFields(), w.events[0]!);
      const forged = await signAs(w, { ...wrongPrev, seq: 3 });
      const r1 = await postOne(f, w.chain, forged);
      assert.equal(r1.status, 409, JSON.stringify(r1.json));
      assert.equal(r1.json.error, 'bad_prev');
      const e3 = await w.build();
      const e4 = await w.build(revokeFields(), e3);
      const r2 = await postOne(f, w.chain, e4);
      assert.equal(r2.status, 409);
      assert.equal(r2.json.error, 'chain_gap');
      assert.equal(r2.json.expected_seq, 3);
      const other = newSigner();
      const g = await new ChainWriter(other).build();
      const r3 = await postOne(f, other.key, await signAs({ signer: w.genesisKey }, { ...g }));
      assert.equal(r3.status, 422, JSON.stringify(r3.json));
    });

    test('signatures and op rules come from core: bad sig, wrong chain, rotation, devices', async () => {
      const w = new ChainWriter();
      await w.extend(1);
      await postOne(f, w.chain, w.events[0]!);
      const e2 = await w.build();
      const flipped = { ...e2, sig: (e2.sig[0] === '0' ? '1' : '0') + e2.sig.slice(1) };
      const r1 = await postOne(f, w.chain, flipped);
      assert.equal(r1.status, 422);
      assert.equal(r1.json.error, 'bad_signature');
      const r2 = await postOne(f, newSigner().key, e2);
      assert.equal(r2.status, 422);
      assert.equal(r2.json.error, 'wrong_chain');
      // rotate: the new key signs on; the old one may not.
      const old = w.signer;
      const next = newSigner('nostr');
      const rot = await w.next({ op: 'rotate', newSecretKey: next.sk, newSuite: 'nostr' });
      assert.equal((await postOne(f, w.chain, rot)).status, 201);
      const byOld = await w.build(revokeFields(), rot, old);
      const r3 = await postOne(f, w.chain, byOld);
      assert.equal(r3.status, 422);
      assert.equal(r3.json.error, 'key_rotated');
      assert.equal((await postOne(f, w.chain, await w.next())).status, 201);
      // The chain is found from the rotated-in key too (SPEC §8.10).
      const viaNew = await f(`${keyPath(next.key)}/head`);
      assert.equal(viaNew.status, 200);
      assert.equal(((await viaNew.json()) as { chain: string }).chain, w.chain);
      // An append drops the rotated-in key's cached head at once (read-your-writes via that key).
      const later = await w.next();
      assert.equal((await postOne(f, w.chain, later)).status, 201);
      const viaNew2 = (await (await f(`${keyPath(next.key)}/head`)).json()) as { seq: number };
      assert.equal(viaNew2.seq, later.seq);
      // A device may revoke claims but not add devices.
      const dev = newSigner();
      assert.equal(
        (await postOne(f, w.chain, await w.next({ op: 'add_device', device: dev.key }))).status,
        201,
      );
      assert.equal((await postOne(f, w.chain, await w.next(revokeFields(), dev))).status, 201);
      const r4 = await postOne(
        f,
        w.chain,
        await w.build({ op: 'add_device', device: newSigner().key }, w.last, dev),
      );
      assert.equal(r4.status, 422);
      assert.equal(r4.json.error, 'device_not_allowed');
    });

    test('limits: events per request, body size, chain length → 413/413/422', async () => {
      const small = mkApp({
        limits: { maxEventsPerRequest: 3, maxBodyBytes: 4096, maxChainLength: 4 },
      });
      const w = new ChainWriter();
      await w.extend(5);
      const r1 = await postEvents(small, w.chain, jsonl(w.events.slice(0, 4)), 'application/jsonl');
      assert.equal(r1.status, 413);
      assert.equal(r1.json.error, 'too_many_events');
      const r1b = await postEvents(
        small,
        w.chain,
        JSON.stringify({ events: w.events.slice(0, 4) }),
      );
      assert.equal(r1b.json.error, 'too_many_events');
      const big = await postEvents(small, w.chain, ' '.repeat(5000) + JSON.stringify(w.events[0]));
      assert.equal(big.status, 413);
      assert.equal(big.json.error, 'request_too_large');
      assert.equal(
        (await postEvents(small, w.chain, jsonl(w.events.slice(0, 3)), 'application/jsonl')).status,
        201,
      );
      assert.equal((await postOne(small, w.chain, w.events[3]!)).status, 201);
      const r3 = await postOne(small, w.chain, w.events[4]!);
      assert.equal(r3.status, 422);
      assert.equal(r3.json.error, 'chain_too_long');
    });

    test('content types: missing, text/plain, other charsets → 415; BOM and non-UTF-8 → 400', async () => {
      const w = new ChainWriter();
      const e = JSON.stringify(await w.next());
      for (const ct of ['text/plain', 'application/xml', 'application/json; charset=latin1']) {
        const r = await postEvents(f, w.chain, e, ct);
        assert.equal(r.status, 415, ct);
        assert.equal(r.json.error, 'unsupported_media_type');
      }
      const none = await f(`${keyPath(w.chain)}/events`, { method: 'POST', body: e });
      assert.equal(none.status, 415);
      const bom = await postEvents(f, w.chain, '\ufeff' + e);
      assert.equal(bom.status, 400);
      const latin = await postEvents(f, w.chain, Uint8Array.of(0x7b, 0xff, 0x7d));
      assert.equal(latin.status, 400);
      assert.equal(latin.json.error, 'malformed');
    });

    test('reads: 404 for an unknown chain, 400 for a bad key or query, 405 for a wrong method', async () => {
      const unknown = newSigner().key;
      const r1 = await f(keyPath(unknown));
      assert.equal(r1.status, 404);
      assert.equal(((await r1.json()) as { error: string }).error, 'not_found');
      assert.equal((await f(`${keyPath(unknown)}/head`)).status, 404);
      assert.equal((await f('/v1/chains/ed25519%3Azz/head')).status, 400);
      assert.equal((await f('/v1/chains/nostr:npub1xyz/head')).status, 400);
      assert.equal((await f('/v1/changes?since=-1')).status, 400);
      assert.equal((await f('/v1/changes?limit=100000000')).status, 400);
      const r2 = await f('/v1/changes', { method: 'DELETE' });
      assert.equal(r2.status, 405);
      assert.equal(((await r2.json()) as { error: string }).error, 'method_not_allowed');
      const r3 = await f('/nope');
      assert.equal(r3.status, 404);
    });

    test('changes feed: chains changed after a cursor, oldest first, resumable', async () => {
      const start = ((await (await f('/v1/changes?since=0&limit=1000')).json()) as { next: number })
        .next;
      const a = new ChainWriter();
      const b = new ChainWriter();
      await postOne(f, a.chain, await a.next());
      await postOne(f, b.chain, await b.next());
      await postOne(f, a.chain, await a.next());
      const r = (await (await f(`/v1/changes?since=${start}`)).json()) as {
        changes: { chain: string; seq: number; cursor: number }[];
        next: number;
      };
      assert.deepEqual(
        r.changes.map((c) => [c.chain, c.seq]),
        [
          [b.chain, 1],
          [a.chain, 2],
        ],
      );
      assert.equal(r.next, r.changes.at(-1)!.cursor);
      const one = (await (await f(`/v1/changes?since=${start}&limit=1`)).json()) as {
        changes: { chain: string }[];
        next: number;
      };
      assert.equal(one.changes[0]!.chain, b.chain);
      const rest = (await (await f(`/v1/changes?since=${one.next}`)).json()) as {
        changes: { chain: string }[];
        next: number;
      };
      assert.deepEqual(
        rest.changes.map((c) => c.chain),
        [a.chain],
      );
      const none = (await (await f(`/v1/changes?since=${r.next}`)).json()) as {
        changes: unknown[];
        next: number;
      };
      assert.deepEqual(none, { changes: [], next: r.next });
    });

    test('concurrent appends at one seq in one process: exactly one 201, the rest 409; one primary event', async () => {
      const w = new ChainWriter();
      await postOne(f, w.chain, await w.next());
      const rivals = await Promise.all(Array.from({ length: 8 }, () => w.build()));
      const rs = await Promise.all(
        rivals.map((e) => postOne(f, w.chain, e, '?on_conflict=reject')),
      );
      assert.equal(rs.filter((r) => r.status === 201).length, 1);
      assert.equal(rs.filter((r) => r.status === 409).length, 7);
      const text = await (await f(keyPath(w.chain))).text();
      assert.equal(text.split('\n').length - 1, 2);
    });

    test('rate limit: burst then 429 with Retry-After and a JSON body; refills with time', async () => {
      let now = 1_000_000;
      const app = createApp({
        store: be.store,
        config: resolveConfig({}, { rateLimit: { perSecond: 2, burst: 3 }, logLevel: 'silent' }),
        clock: () => now,
        clientAddress: (c) => c.req.header('x-test-ip') ?? '?',
      });
      const hit = (ip: string) => app.request('/v1/changes', { headers: { 'x-test-ip': ip } });
      for (let i = 0; i < 3; i++) assert.equal((await hit('a')).status, 200);
      const r = await hit('a');
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '1');
      assert.equal(((await r.json()) as { error: string }).error, 'rate_limited');
      assert.equal((await hit('b')).status, 200);
      assert.equal((await app.request('/healthz', { headers: { 'x-test-ip': 'a' } })).status, 200);
      now += 500;
      assert.equal((await hit('a')).status, 200);
      assert.equal((await hit('a')).status, 429);
    });

    test('transparency log: a signed checkpoint, inclusion of every appended event, consistency as it grows', async () => {
      const before = (await (await f('/v1/log')).json()) as LogHead;
      const w = new ChainWriter();
      await w.addClaim();
      await w.extend(4);
      const r = await postEvents(f, w.chain, jsonl(w.events), 'application/jsonl');
      const leaves = r.json.leaves as number[];
      assert.equal(leaves.length, 5);
      const mid = (await (await f('/v1/log')).json()) as LogHead;
      assert.ok(mid.size >= before.size + 5);
      assert.equal(await (await f('/v1/log/checkpoint')).text(), mid.checkpoint);
      const pk = await checkNote(mid);
      assert.equal(mid.key, 'ed25519:' + toHex(pk));
      for (const [i, leaf] of leaves.entries()) {
        const p = (await (
          await f(`/v1/log/proof/inclusion?leaf=${leaf}&size=${mid.size}`)
        ).json()) as {
          proof: string[];
        };
        const lh = hashLeaf(new TextEncoder().encode(canonicalize(w.events[i])));
        assert.ok(
          verifyInclusion(leaf, mid.size, lh, p.proof.map(unhex), unhex(mid.root)),
          `leaf ${leaf}`,
        );
        assert.ok(
          !verifyInclusion(
            leaf,
            mid.size,
            hashLeaf(Uint8Array.of(1)),
            p.proof.map(unhex),
            unhex(mid.root),
          ),
        );
        const l = (await (await f(`/v1/log/leaves/${leaf}`)).json()) as {
          chain: string;
          seq: number;
          event: unknown;
        };
        assert.deepEqual([l.chain, l.seq], [w.chain, i + 1]);
        assert.equal(canonicalize(l.event), canonicalize(w.events[i]));
      }
      // JSON pages carry each event's leaf.
      const page = (await (
        await f(keyPath(w.chain), { headers: { accept: 'application/json' } })
      ).json()) as {
        leaves: number[];
      };
      assert.deepEqual(page.leaves, leaves);
      await postOne(f, w.chain, await w.next());
      const after = (await (await f('/v1/log')).json()) as LogHead;
      await checkNote(after);
      for (const from of [before.size, mid.size]) {
        const c = (await (
          await f(`/v1/log/proof/consistency?from=${from}&to=${after.size}`)
        ).json()) as {
          proof: string[];
        };
        const old = from === mid.size ? mid : before;
        assert.ok(
          verifyConsistency(
            from,
            after.size,
            c.proof.map(unhex),
            unhex(old.root),
            unhex(after.root),
          ),
        );
      }
      assert.equal((await f(`/v1/log/proof/inclusion?leaf=${after.size}`)).status, 400);
      assert.equal((await f(`/v1/log/proof/consistency?from=${after.size + 1}`)).status, 400);
      assert.equal((await f(`/v1/log/leaves/${after.size + 100}`)).status, 404);
    });

    test('healthz, readyz, metrics, openapi', async () => {
      assert.deepEqual(await (await f('/healthz')).json(), { status: 'ok' });
      const ready = (await (await f('/readyz')).json()) as { status: string; store: string };
      assert.deepEqual(ready, { status: 'ready', store: kind });
      const m = await f('/metrics');
      assert.match(m.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await m.text();
      assert.match(
        text,
        /kez_sig_http_requests_total\{method="GET",route="\/readyz",status="200"\} 1/,
      );
      assert.match(
        text,
        /kez_sig_http_request_duration_seconds_bucket\{le="\+Inf",route="\/readyz"\} 1/,
      );
      assert.match(text, /kez_sig_appended_events_total \d+/);
      // Earlier tests in this suite were refused for these reasons, through this app.
      assert.match(text, /kez_sig_rejected_events_total\{error="bad_signature"\} [1-9]/);
      assert.match(text, /kez_sig_append_conflicts_total\{error="fork"\} [1-9]/);
      assert.match(text, /kez_sig_append_conflicts_total\{error="seq_taken"\} [1-9]/);
      assert.match(text, /kez_sig_fork_evidence_total [1-9]/);
      const o = (await (await f('/openapi.json')).json()) as { openapi: string };
      assert.equal(o.openapi, '3.1.0');
    });

    test('readyz is 503 not_ready when the database is gone', async () => {
      const other = await be.reopen();
      const app = createApp({ store: other, config: resolveConfig({}, { logLevel: 'silent' }) });
      await other.close();
      const r = await app.request('/readyz');
      assert.equal(r.status, 503);
      assert.equal(((await r.json()) as { error: string }).error, 'not_ready');
    });
  });
}

async function idOf(e: object): Promise<string> {
  const { eventId } = await import('@kez/core');
  return eventId(e as Parameters<typeof eventId>[0]);
}

/** Re-sign an edited event with the chain's signer (to test linkage rather than signatures). */
async function signAs(w: { signer: { sk: Uint8Array; suite: 'ed25519' | 'nostr' } }, ev: object) {
  const { signingDigest, toHex } = await import('@kez/core');
  const { sig: _drop, ...rest } = ev as Record<string, unknown>;
  const sig = await getSuite(w.signer.suite).sign(signingDigest('event', rest), w.signer.sk);
  return { ...rest, sig: toHex(sig) };
}

interface LogHead {
  origin: string;
  key: string;
  size: number;
  root: string;
  checkpoint: string;
}

const unhex = (h: string) => fromHex(h, undefined, 'hash');
const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
/** RFC 6962 leaf hash, written out here rather than imported from the server. */
const hashLeaf = (d: Uint8Array) => sha(Uint8Array.of(0), d);

/** Check a head's signed note (C2SP signed-note, Ed25519) and return the log's public key. */
async function checkNote(h: LogHead): Promise<Uint8Array> {
  const [body, sigs] = h.checkpoint.split('\n\n') as [string, string];
  assert.equal(
    body + '\n',
    `${h.origin}\n${h.size}\n${Buffer.from(unhex(h.root)).toString('base64')}\n`,
  );
  const m = /^\u2014 (\S+) (\S+)\n$/.exec(sigs);
  assert.ok(m, sigs);
  assert.equal(m[1], h.origin);
  const blob = Buffer.from(m[2]!, 'base64');
  const pk = fromHex(h.key.slice('ed25519:'.length), 32, 'key');
  const id = sha(new TextEncoder().encode(h.origin + '\n'), Uint8Array.of(1), pk).subarray(0, 4);
  assert.deepEqual(new Uint8Array(blob.subarray(0, 4)), id);
  const sig = new Uint8Array(blob.subarray(4));
  const signed = new TextEncoder().encode(body + '\n');
  assert.ok(await getSuite('ed25519').verify(sig, signed, pk), 'checkpoint signature');
  signed[0]! ^= 1;
  assert.ok(!(await getSuite('ed25519').verify(sig, signed, pk)));
  return pk;
}
