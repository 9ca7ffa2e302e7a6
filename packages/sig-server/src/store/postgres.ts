/**
 * PostgreSQL backend (`postgres` 3.4): several sig-server processes on one
 * database form one consistent store. Every append transaction first updates
 * the log counter row, which serializes appends in commit order (a dense
 * transparency log and a gap-free change feed); the partial unique index on
 * (chain, seq) WHERE is_primary is what decides racing appends: the loser's
 * INSERT fails with unique_violation and the server answers 409.
 */
import postgres from 'postgres';
import { loadMigrations } from './migrations.js';
import type { AppendResult, ChainHead, Store, StoredEvent } from './store.js';

interface HeadRow {
  chain: string;
  head_seq: string | number;
  head_id: string;
  forks: number;
  cursor: string | number;
  updated_at: string | number;
}
interface EventRow {
  seq: string | number;
  id: string;
  body: string;
  is_primary: boolean;
  leaf: string | number;
  received_at: string | number;
}

const toHead = (r: HeadRow): ChainHead => ({
  chain: r.chain,
  seq: Number(r.head_seq),
  id: r.head_id,
  forks: r.forks,
  cursor: Number(r.cursor),
  updatedAt: Number(r.updated_at),
});
const toEvent = (r: EventRow): StoredEvent => ({
  seq: Number(r.seq),
  id: r.id,
  body: r.body,
  primary: r.is_primary,
  leaf: Number(r.leaf),
  receivedAt: Number(r.received_at),
});

/** Any fixed number: the advisory lock that keeps two starting servers from migrating at once. */
const MIGRATION_LOCK = 0x6b657a01;

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === '23505';
}

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  max?: number;
}

/**
 * Connect to PostgreSQL, run pending migrations, and return the store.
 * @example await using store = await openPostgresStore(process.env.DATABASE_URL!);
 */
export async function openPostgresStore(
  url: string,
  opts: PostgresStoreOptions = {},
): Promise<Store & AsyncDisposable> {
  const sql = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    connect_timeout: 10,
    // The sig-server's own ids; a shared database may host other things.
    connection: { application_name: 'kez-sig-server' },
  });
  try {
    await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
      await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`;
      const done = new Set(
        (await tx<{ version: number }[]>`SELECT version FROM schema_migrations`).map(
          (r) => r.version,
        ),
      );
      for (const m of loadMigrations('postgres')) {
        if (done.has(m.version)) continue;
        await tx.unsafe(m.sql);
        await tx`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${m.version}, ${m.name}, ${Math.floor(Date.now() / 1000)})`;
      }
    });
  } catch (e) {
    await sql.end({ timeout: 1 });
    throw e;
  }

  let closed = false;
  const store: Store & AsyncDisposable = {
    kind: 'postgres',
    async head(chain) {
      const [r] = await sql<HeadRow[]>`
        SELECT chain, head_seq, head_id, forks, cursor, updated_at FROM chains WHERE chain = ${chain}`;
      return r ? toHead(r) : null;
    },
    async headFor(key) {
      const [r] = await sql<HeadRow[]>`
        SELECT chain, head_seq, head_id, forks, cursor, updated_at FROM chains
        WHERE chain = ${key}
           OR chain = (SELECT chain FROM chain_keys WHERE key = ${key} ORDER BY chain COLLATE "C" LIMIT 1)
        ORDER BY (chain = ${key}) DESC LIMIT 1`;
      return r ? toHead(r) : null;
    },
    async primaryEvents(chain, afterSeq) {
      const rows = await sql<EventRow[]>`
        SELECT seq, id, body, is_primary, leaf, received_at FROM events
        WHERE chain = ${chain} AND seq > ${afterSeq} AND is_primary ORDER BY seq`;
      return rows.map(toEvent);
    },
    async events(chain, afterSeq, seqs) {
      // COLLATE "C": bundle order is by hex string, never by locale (SPEC §8.9).
      // Primary rows and evidence each from their own partial index.
      const rows = await sql<EventRow[]>`
        SELECT * FROM (
          SELECT seq, id, body, is_primary, leaf, received_at FROM events
          WHERE chain = ${chain} AND seq > ${afterSeq} AND seq <= ${afterSeq + seqs} AND is_primary
          UNION ALL
          SELECT seq, id, body, is_primary, leaf, received_at FROM events
          WHERE chain = ${chain} AND seq > ${afterSeq} AND seq <= ${afterSeq + seqs} AND NOT is_primary
        ) AS line ORDER BY seq, id COLLATE "C"`;
      return rows.map(toEvent);
    },
    async changes(since, limit) {
      const rows = await sql<HeadRow[]>`
        SELECT chain, head_seq, head_id, forks, cursor, updated_at FROM chains
        WHERE cursor > ${since} ORDER BY cursor LIMIT ${limit}`;
      return rows.map(toHead);
    },
    async append(input): Promise<AppendResult> {
      try {
        return await sql.begin(async (tx): Promise<AppendResult> => {
          const n = input.events.length + input.evidence.length;
          // First statement: takes the counter row's lock until commit (log order = commit order).
          const [c] = await tx<{ value: string }[]>`
            UPDATE counters SET value = value + ${n} WHERE name = 'log_size' RETURNING value`;
          const size = Number(c!.value);
          let leaf = size - n;
          const firstLeaf = leaf;
          const rows = [
            ...input.events.map((e) => ({ e, primary: true })),
            ...input.evidence.map((e) => ({ e, primary: false })),
          ].map(({ e, primary }) => ({
            chain: input.chain,
            seq: e.seq,
            id: e.id,
            is_primary: primary,
            body: e.body,
            leaf: leaf++,
            leaf_hash: Buffer.from(e.leafHash),
            received_at: input.now,
          }));
          await tx`INSERT INTO events ${tx(rows, 'chain', 'seq', 'id', 'is_primary', 'body', 'leaf', 'leaf_hash', 'received_at')}`;
          const last = input.events.at(-1);
          if (last) {
            await tx`
              INSERT INTO chains (chain, head_seq, head_id, forks, cursor, updated_at)
              VALUES (${input.chain}, ${last.seq}, ${last.id}, 0, ${size}, ${input.now})
              ON CONFLICT (chain) DO UPDATE SET head_seq = excluded.head_seq,
                head_id = excluded.head_id, cursor = excluded.cursor, updated_at = excluded.updated_at`;
          }
          if (input.evidence.length) {
            await tx`
              UPDATE chains SET forks = forks + ${input.evidence.length}, cursor = ${size},
                updated_at = ${input.now} WHERE chain = ${input.chain}`;
          }
          for (const k of input.keys) {
            await tx`INSERT INTO chain_keys (key, chain) VALUES (${k}, ${input.chain}) ON CONFLICT DO NOTHING`;
          }
          const [h] = await tx<HeadRow[]>`
            SELECT chain, head_seq, head_id, forks, cursor, updated_at FROM chains WHERE chain = ${input.chain}`;
          return { ok: true, head: toHead(h!), firstLeaf };
        });
      } catch (e) {
        if (isUniqueViolation(e)) return { ok: false, conflict: 'seq_taken' };
        throw e;
      }
    },
    async logSize() {
      const [r] = await sql<
        { value: string }[]
      >`SELECT value FROM counters WHERE name = 'log_size'`;
      return Number(r!.value);
    },
    async leafHashes(from, to) {
      const rows = await sql<{ leaf_hash: Buffer }[]>`
        SELECT leaf_hash FROM events WHERE leaf >= ${from} AND leaf < ${to} ORDER BY leaf`;
      return rows.map((r) => new Uint8Array(r.leaf_hash));
    },
    async leafEvent(leaf) {
      const [r] = await sql<(EventRow & { chain: string })[]>`
        SELECT chain, seq, id, body, is_primary, leaf, received_at FROM events WHERE leaf = ${leaf}`;
      return r ? { chain: r.chain, ...toEvent(r) } : null;
    },
    async ping() {
      await sql`SELECT 1`;
    },
    async close() {
      if (closed) return;
      closed = true;
      await sql.end({ timeout: 5 });
    },
    async [Symbol.asyncDispose]() {
      await store.close();
    },
  };
  return store;
}
