/**
 * HeadCache: an append drops the cached heads of exactly the keys rotated into
 * its chain, whatever else is cached, and eviction keeps that index right.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChainHead, Store } from '../store/store.js';
import { openSqliteStore } from '../store/sqlite.js';
import { HeadCache } from './head-cache.js';

const head = (chain: string, seq: number): ChainHead => ({
  chain,
  seq,
  id: String(seq).padStart(64, '0'),
  forks: 0,
  updatedAt: 1764000000,
});

/** Store `seqs` rows on `chain` (the store takes rows as given) with `keys` rotated into it. */
async function put(store: Store, chain: string, seqs: number, keys: string[]): Promise<void> {
  const from = ((await store.head(chain))?.seq ?? 0) + 1;
  const events = [];
  for (let seq = from; seq < from + seqs; seq++)
    events.push({ seq, id: head(chain, seq).id, body: '{}', leafHash: new Uint8Array(32) });
  const r = await store.append({ chain, events, evidence: [], keys, now: 1764000000 });
  assert.ok(r.ok);
}

test('an append drops only the keys rotated into its chain', async () => {
  await using store = openSqliteStore(':memory:');
  const cache = new HeadCache(store, 60_000, () => 0);
  await put(store, 'a', 2, ['rotated-into-a']);
  await put(store, 'b', 2, ['rotated-into-b']);
  assert.equal((await cache.get('rotated-into-a'))?.seq, 2);
  assert.equal((await cache.get('rotated-into-b'))?.seq, 2);
  assert.equal(await cache.get('unknown'), null);
  for (let i = 0; i < 1000; i++) cache.update(head(`c${i}`, 1));
  cache.update(head('a', 3));
  assert.equal(cache.peek('rotated-into-a'), undefined, 'alias of a dropped');
  assert.equal(cache.peek('rotated-into-b')?.seq, 2, 'alias of b kept');
  assert.equal(cache.peek('unknown'), null, 'a remembered 404 kept');
  assert.equal(cache.peek('a')?.seq, 3);
  assert.equal(cache.peek('c999')?.seq, 1);
  // c0…c999, a, rotated-into-b, unknown.
  assert.equal(cache.size, 1003);
});

test('evicted aliases leave the index; a key re-pointed to another chain follows it', async () => {
  await using store = openSqliteStore(':memory:');
  const cache = new HeadCache(store, 60_000, () => 0, 3);
  await put(store, 'a', 2, ['k']);
  await cache.get('k');
  cache.update(head('x', 1));
  cache.update(head('y', 1));
  cache.update(head('z', 1)); // evicts k (the oldest)
  assert.equal(cache.peek('k'), undefined);
  assert.equal(cache.size, 3);
  // k rotated into a second chain, "0": a key is found in the lowest chain that names it,
  // so k is now cached as an alias of "0", not of a.
  await put(store, '0', 5, ['k']);
  await cache.get('k');
  assert.equal(cache.peek('k')?.chain, '0');
  cache.update(head('a', 3));
  assert.equal(cache.peek('k')?.seq, 5, 'k now follows chain 0, not a');
  cache.update(head('0', 6));
  assert.equal(cache.peek('k'), undefined);
});
