/**
 * SQLite backend (better-sqlite3 12): zero set-up, one file. WAL with
 * synchronous=FULL, so an append the server acknowledged survives a crash
 * or kill -9 (the WAL is fsynced at every commit). Appends run in BEGIN
 * IMMEDIATE transactions, so several processes on one file also serialize.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { loadMigrations } from './migrations.js';
import type { AppendInput, AppendResult, ChainHead, Store, StoredEvent } from './store.js';

interface HeadRow {
  chain: string;
  head_seq: number;
  head_id: string;
  forks: number;
  cursor: number;
  updated_at: number;
}
interface EventRow {
  seq: number;
  id: string;
  body: string;
  is_primary: number;
  leaf: number;
  received_at: number;
}

const toHead = (r: HeadRow): ChainHead => ({
  chain: r.chain,
  seq: r.head_seq,
  id: r.head_id,
  forks: r.forks,
  cursor: r.cursor,
  updatedAt: r.updated_at,
});
const toEvent = (r: EventRow): StoredEvent => ({
  seq: r.seq,
  id: r.id,
  body: r.body,
  primary: r.is_primary === 1,
  leaf: r.leaf,
  receivedAt: r.received_at,
});

const EVENT_COLS = 'seq, id, body, is_primary, leaf, received_at';
const HEAD_COLS = 'chain, head_seq, head_id, forks, cursor, updated_at';

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Runs pending migrations inside one immediate transaction each. */
function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
  );
  for (const m of loadMigrations('sqlite')) {
    db.transaction(() => {
      const done = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version);
      if (done) return;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Math.floor(Date.now() / 1000),
      );
    }).immediate();
  }
}

/**
 * Open (creating when needed) the SQLite store at `file` and migrate it.
 * @example await using store = openSqliteStore('./data/kez-sig.db');
 */
export function openSqliteStore(file: string): Store & AsyncDisposable {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: fsync the WAL at every commit, so an acknowledged append survives power loss and kill -9.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  // A bundle's multi-row INSERT outgrows SQLite's in-memory statement journal (64 KiB) and
  // would spill it to a temp file made and deleted on every append: keep temp files in memory.
  db.pragma('temp_store = MEMORY');
  migrate(db);

  const q = {
    head: db.prepare<[string], HeadRow>(`SELECT ${HEAD_COLS} FROM chains WHERE chain = ?`),
    keyHead: db.prepare<[string], HeadRow>(
      `SELECT ${HEAD_COLS} FROM chains WHERE chain = (SELECT chain FROM chain_keys WHERE key = ? ORDER BY chain LIMIT 1)`,
    ),
    primary: db.prepare<[string, number], EventRow>(
      `SELECT ${EVENT_COLS} FROM events WHERE chain = ? AND seq > ? AND is_primary = 1 ORDER BY seq`,
    ),
    // Primary rows and evidence each from their own partial index.
    range: db.prepare<[{ chain: string; after: number; to: number }], EventRow>(
      `SELECT ${EVENT_COLS} FROM events WHERE chain = @chain AND seq > @after AND seq <= @to AND is_primary = 1
       UNION ALL
       SELECT ${EVENT_COLS} FROM events WHERE chain = @chain AND seq > @after AND seq <= @to AND is_primary = 0
       ORDER BY seq, id`,
    ),
    changes: db.prepare<[number, number], HeadRow>(
      `SELECT ${HEAD_COLS} FROM chains WHERE cursor > ? ORDER BY cursor LIMIT ?`,
    ),
    bump: db.prepare<[number], { value: number }>(
      "UPDATE counters SET value = value + ? WHERE name = 'log_size' RETURNING value",
    ),
    size: db.prepare<[], { value: number }>("SELECT value FROM counters WHERE name = 'log_size'"),
    upsertHead: db.prepare(
      `INSERT INTO chains (chain, head_seq, head_id, forks, cursor, updated_at) VALUES (?, ?, ?, 0, ?, ?)
       ON CONFLICT (chain) DO UPDATE SET head_seq = excluded.head_seq, head_id = excluded.head_id,
       cursor = excluded.cursor, updated_at = excluded.updated_at`,
    ),
    addForks: db.prepare(
      'UPDATE chains SET forks = forks + ?, cursor = ?, updated_at = ? WHERE chain = ?',
    ),
    addKey: db.prepare('INSERT OR IGNORE INTO chain_keys (key, chain) VALUES (?, ?)'),
    leafHashes: db.prepare<[number, number], { leaf_hash: Buffer }>(
      'SELECT leaf_hash FROM events WHERE leaf >= ? AND leaf < ? ORDER BY leaf',
    ),
    leafEvent: db.prepare<[number], EventRow & { chain: string }>(
      `SELECT chain, ${EVENT_COLS} FROM events WHERE leaf = ?`,
    ),
  };

  // One INSERT of all an append's rows (a 100-event bundle: one statement run, not 100),
  // prepared once per row count and reused. Clients pick the counts: keep at most 64.
  const inserts = new Map<number, Database.Statement<unknown[]>>();
  const insertRows = (rows: number): Database.Statement<unknown[]> => {
    let st = inserts.get(rows);
    if (!st) {
      if (inserts.size >= 64) inserts.clear();
      st = db.prepare(
        `INSERT INTO events (chain, seq, id, is_primary, body, leaf, leaf_hash, received_at) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      );
      inserts.set(rows, st);
    }
    return st;
  };
  // SQLite's default cap on bound parameters is 32,766: 4,095 rows of 8.
  const MAX_ROWS = 4_000;

  const appendTx = db.transaction((input: AppendInput): AppendResult => {
    const n = input.events.length + input.evidence.length;
    const size = q.bump.get(n)!.value;
    let leaf = size - n;
    const firstLeaf = leaf;
    const params: unknown[] = [];
    for (const [list, primary] of [
      [input.events, 1],
      [input.evidence, 0],
    ] as const) {
      for (const e of list) {
        params.push(input.chain, e.seq, e.id, primary, e.body, leaf++, e.leafHash, input.now);
        if (params.length === MAX_ROWS * 8) insertRows(MAX_ROWS).run(params.splice(0));
      }
    }
    if (params.length) insertRows(params.length / 8).run(params);
    const last = input.events.at(-1);
    if (last) q.upsertHead.run(input.chain, last.seq, last.id, size, input.now);
    if (input.evidence.length) q.addForks.run(input.evidence.length, size, input.now, input.chain);
    for (const k of input.keys) q.addKey.run(k, input.chain);
    return { ok: true, head: toHead(q.head.get(input.chain)!), firstLeaf };
  });

  let closed = false;
  const store: Store & AsyncDisposable = {
    kind: 'sqlite',
    async head(chain) {
      const r = q.head.get(chain);
      return r ? toHead(r) : null;
    },
    async headFor(key) {
      const r = q.head.get(key) ?? q.keyHead.get(key);
      return r ? toHead(r) : null;
    },
    async primaryEvents(chain, afterSeq) {
      return q.primary.all(chain, afterSeq).map(toEvent);
    },
    async events(chain, afterSeq, seqs) {
      return q.range.all({ chain, after: afterSeq, to: afterSeq + seqs }).map(toEvent);
    },
    async changes(since, limit) {
      return q.changes.all(since, limit).map(toHead);
    },
    async append(input) {
      try {
        return appendTx.immediate(input);
      } catch (e) {
        if (isUniqueViolation(e)) return { ok: false, conflict: 'seq_taken' };
        throw e;
      }
    },
    async logSize() {
      return q.size.get()!.value;
    },
    async leafHashes(from, to) {
      return q.leafHashes.all(from, to).map((r) => new Uint8Array(r.leaf_hash));
    },
    async leafEvent(leaf) {
      const r = q.leafEvent.get(leaf);
      return r ? { chain: r.chain, ...toEvent(r) } : null;
    },
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
    async [Symbol.asyncDispose]() {
      await store.close();
    },
  };
  return store;
}
