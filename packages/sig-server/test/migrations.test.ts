/**
 * A database made by the first schema (migration 001) opens under this
 * version: migration 002 (events keyed by leaf) keeps every row, reads come
 * back in the same order, appends go on at the next leaf, and the database
 * still refuses a second primary event at a seq and a repeated piece of
 * evidence. Both real backends.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { openPostgresStore, openSqliteStore } from '@kez/sig-server';
import type { Store } from '@kez/sig-server';
import { postgresUrl, stopPostgres, tempDir } from './helpers/backends.js';

after(stopPostgres);

const first = (dialect: string) =>
  readFileSync(
    fileURLToPath(new URL(`../src/store/migrations/${dialect}/001-init.sql`, import.meta.url)),
    'utf8',
  );

const C = 'ed25519:' + 'c'.repeat(64);
const id = (n: number) => n.toString(16).padStart(64, '0');
const hash = (n: number) => Buffer.alloc(32, n);
/** Rows as version 1 stored them: seqs 1–3 primary, evidence at seq 2, leaves 0–3 in arrival order. */
const ROWS = [
  { chain: C, seq: 1, id: id(1), primary: true, body: '{"seq":1}', leaf: 0 },
  { chain: C, seq: 2, id: id(3), primary: true, body: '{"seq":2}', leaf: 1 },
  { chain: C, seq: 3, id: id(4), primary: true, body: '{"seq":3}', leaf: 2 },
  { chain: C, seq: 2, id: id(2), primary: false, body: '{"seq":2,"fork":1}', leaf: 3 },
];

async function checkMigrated(store: Store): Promise<void> {
  const all = await store.events(C, 0, 10);
  // By seq, then id: the evidence (id 2) sorts before the primary (id 3) at seq 2.
  assert.deepEqual(
    all.map((e) => [e.seq, e.id, e.primary, e.leaf, e.body]),
    [
      [1, id(1), true, 0, '{"seq":1}'],
      [2, id(2), false, 3, '{"seq":2,"fork":1}'],
      [2, id(3), true, 1, '{"seq":2}'],
      [3, id(4), true, 2, '{"seq":3}'],
    ],
  );
  assert.deepEqual(
    (await store.primaryEvents(C, 1)).map((e) => e.seq),
    [2, 3],
  );
  assert.deepEqual(
    (await store.leafHashes(0, 4)).map((h) => h[0]),
    [0, 1, 2, 3],
  );
  assert.equal((await store.leafEvent(3))?.id, id(2));
  const next = { seq: 4, id: id(5), body: '{"seq":4}', leafHash: hash(4) };
  const r = await store.append({ chain: C, events: [next], evidence: [], keys: [], now: 2 });
  assert.ok(r.ok);
  assert.equal(r.firstLeaf, 4);
  assert.equal(r.head.seq, 4);
  // Still refused by the database: a second primary at seq 4, the same evidence twice.
  const other = { ...next, id: id(6) };
  assert.deepEqual(
    await store.append({ chain: C, events: [other], evidence: [], keys: [], now: 3 }),
    { ok: false, conflict: 'seq_taken' },
  );
  const fork = { seq: 3, id: id(7), body: '{"seq":3,"fork":1}', leafHash: hash(7) };
  assert.ok((await store.append({ chain: C, events: [], evidence: [fork], keys: [], now: 4 })).ok);
  assert.deepEqual(
    await store.append({ chain: C, events: [], evidence: [fork], keys: [], now: 5 }),
    { ok: false, conflict: 'seq_taken' },
  );
  assert.equal(await store.logSize(), 6);
}

describe('schema migration 002 (events keyed by leaf) keeps a version-1 database', () => {
  test('sqlite', async () => {
    const file = join(tempDir('migrate'), 'kez-sig.db');
    const db = new Database(file);
    db.exec(first('sqlite'));
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
    );
    db.prepare("INSERT INTO schema_migrations VALUES (1, 'init', 1)").run();
    const ins = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, 1)');
    for (const r of ROWS)
      ins.run(r.chain, r.seq, r.id, r.primary ? 1 : 0, r.body, r.leaf, hash(r.leaf));
    db.prepare('INSERT INTO chains VALUES (?, 3, ?, 1, 4, 1)').run(C, id(4));
    db.prepare("UPDATE counters SET value = 4 WHERE name = 'log_size'").run();
    db.close();
    await using store = openSqliteStore(file);
    await checkMigrated(store);
  });

  test('postgres', async () => {
    const { url } = await postgresUrl();
    const sql = postgres(url, { onnotice: () => {} });
    await sql.unsafe(first('postgres'));
    await sql`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`;
    await sql`INSERT INTO schema_migrations VALUES (1, 'init', 1)`;
    for (const r of ROWS)
      await sql`INSERT INTO events VALUES (${r.chain}, ${r.seq}, ${r.id}, ${r.primary}, ${r.body}, ${r.leaf}, ${hash(r.leaf)}, 1)`;
    await sql`INSERT INTO chains VALUES (${C}, 3, ${id(4)}, 1, 4, 1)`;
    await sql`UPDATE counters SET value = 4 WHERE name = 'log_size'`;
    await sql.end();
    await using store = await openPostgresStore(url);
    await checkMigrated(store);
  });
});
