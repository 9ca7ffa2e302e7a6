/**
 * Two sig-server processes on one PostgreSQL, four concurrent writers on one
 * chain: no fork made by the server (never two primary events at a seq),
 * every conflict a 409, and the final chain valid — in both conflict modes.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { eventId, parseBundle, validateChain } from '@kez/core';
import type { ChainEvent } from '@kez/core';
import postgres from 'postgres';
import { postgresUrl, stopPostgres, tempDir } from './helpers/backends.js';
import { ChainWriter, nowSec } from './helpers/chains.js';
import type { ChildServer } from './helpers/child.js';
import { spawnServer } from './helpers/child.js';
import { keyPath } from './helpers/http.js';

const WRITERS = 4;
const PER_WRITER = 12;

let servers: ChildServer[] = [];
let dbUrl = '';
const dataDir = tempDir('cluster');

before(async () => {
  dbUrl = (await postgresUrl()).url;
  // One log key for both processes (in a temp dir, never ./data): they sign the same tree heads.
  const env = {
    DATABASE_URL: dbUrl,
    KEZ_SIG_MAX_FORK_EVIDENCE: '1000',
    KEZ_SIG_DATA_DIR: dataDir,
  };
  // Started together: both run the migrations; the advisory lock keeps that safe.
  servers = await Promise.all([spawnServer(env), spawnServer(env)]);
});
after(async () => {
  for (const s of servers) assert.equal(await s.stop(), 0, s.stderr());
  await stopPostgres();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Tally {
  created: string[];
  conflicts: Record<string, number>;
  other: string[];
}

/** Each writer: read the head (from its server), sign the next event, post it; on 409 read again. */
async function race(w: ChainWriter, query: string): Promise<Tally> {
  const tally: Tally = { created: [], conflicts: {}, other: [] };
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, i) => {
      const base = servers[i % 2]!.url + keyPath(w.chain);
      let done = 0;
      while (done < PER_WRITER) {
        const head = (await (await fetch(`${base}/head`)).json()) as { seq: number; id: string };
        // The head's seq may also hold fork evidence: build on the primary event, the head.
        const lines = parseBundle(
          await (await fetch(`${base}?after=${head.seq - 1}&limit=1`)).text(),
        );
        const prev = lines.find((e) => eventId(e as unknown as ChainEvent) === head.id);
        assert.ok(prev, 'the head event is in the bundle');
        const ev = await w.build(undefined, prev as unknown as ChainEvent);
        const res = await fetch(`${base}/events${query}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(ev),
        });
        const body = (await res.json()) as { error?: string; appended?: string[] };
        if (res.status === 201) {
          tally.created.push(...body.appended!);
          done++;
        } else if (res.status === 409 && body.error !== 'bad_prev') {
          tally.conflicts[body.error!] = (tally.conflicts[body.error!] ?? 0) + 1;
        } else tally.other.push(`${res.status} ${JSON.stringify(body)}`);
      }
    }),
  );
  return tally;
}

async function dbCounts(chain: string) {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const [dup] = await sql<{ n: string }[]>`
      SELECT count(*) AS n FROM (SELECT seq FROM events WHERE chain = ${chain} AND is_primary
      GROUP BY seq HAVING count(*) > 1) d`;
    const [ev] = await sql<{ n: string }[]>`
      SELECT count(*) AS n FROM events WHERE chain = ${chain} AND NOT is_primary`;
    const [leaves] = await sql<{ n: string; max: string; size: string }[]>`
      SELECT count(*) AS n, max(leaf) AS max, (SELECT value FROM counters WHERE name = 'log_size') AS size FROM events`;
    return {
      doublePrimary: Number(dup!.n),
      evidence: Number(ev!.n),
      leaves: Number(leaves!.n),
      maxLeaf: Number(leaves!.max),
      logSize: Number(leaves!.size),
    };
  } finally {
    await sql.end();
  }
}

async function genesis(): Promise<ChainWriter> {
  const w = new ChainWriter();
  const r = await fetch(`${servers[0]!.url}${keyPath(w.chain)}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(await w.next()),
  });
  assert.equal(r.status, 201);
  return w;
}

test('on_conflict=reject: exactly one event per seq wins, every loser gets 409 seq_taken, the chain is valid', async (t) => {
  const w = await genesis();
  const tally = await race(w, '?on_conflict=reject');
  t.diagnostic(`created ${tally.created.length}, conflicts ${JSON.stringify(tally.conflicts)}`);
  assert.deepEqual(tally.other, []);
  assert.equal(tally.created.length, WRITERS * PER_WRITER);
  assert.deepEqual(
    Object.keys(tally.conflicts),
    Object.keys(tally.conflicts).length ? ['seq_taken'] : [],
  );
  assert.ok((tally.conflicts.seq_taken ?? 0) > 0, 'the writers never raced');
  // Both servers serve the same bytes; core says the chain is complete and unforked.
  const [a, b] = await Promise.all(
    servers.map(async (s) => (await fetch(s.url + keyPath(w.chain))).text()),
  );
  assert.equal(a, b);
  const state = await validateChain(parseBundle(a!), { now: nowSec(), chain: w.chain });
  assert.equal(state.end.kind, 'complete');
  assert.equal(state.head!.seq, 1 + WRITERS * PER_WRITER);
  assert.equal(state.forks.length, 0);
  assert.equal(state.events.length, 1 + WRITERS * PER_WRITER);
  const c = await dbCounts(w.chain);
  assert.equal(c.doublePrimary, 0);
  assert.equal(c.evidence, 0);
  // The log is dense: leaves 0..size-1, nothing lost to aborted transactions.
  assert.equal(c.leaves, c.logSize);
  assert.equal(c.maxLeaf, c.logSize - 1);
  // Both processes serve the same signed tree head, byte for byte.
  const [la, lb] = await Promise.all(
    servers.map(async (s) => (await fetch(`${s.url}/v1/log/checkpoint`)).text()),
  );
  assert.equal(la, lb);
  assert.match(la!, new RegExp(`\\n${c.logSize}\\n`));
});

test('default mode: losers are 409 too (fork evidence kept beside, never instead); the primary line stays valid', async (t) => {
  const w = await genesis();
  const tally = await race(w, '');
  t.diagnostic(`created ${tally.created.length}, conflicts ${JSON.stringify(tally.conflicts)}`);
  assert.deepEqual(tally.other, []);
  for (const k of Object.keys(tally.conflicts)) assert.ok(['fork', 'seq_taken'].includes(k), k);
  const c = await dbCounts(w.chain);
  assert.equal(c.doublePrimary, 0);
  assert.equal(c.evidence, tally.conflicts.fork ?? 0);
  // The primary line, read page by page as JSON, is a complete chain on its own.
  const primary: unknown[] = [];
  let afterSeq: number | null = 0;
  while (afterSeq !== null) {
    const page = (await (
      await fetch(`${servers[1]!.url}${keyPath(w.chain)}?after=${afterSeq}&limit=1000`, {
        headers: { accept: 'application/json' },
      })
    ).json()) as { events: { seq: number }[]; evidence: string[]; next_after: number | null };
    primary.push(...page.events.filter((e) => !page.evidence.includes(eventId(e as never))));
    afterSeq = page.next_after;
  }
  const state = await validateChain(primary, { now: nowSec(), chain: w.chain });
  assert.equal(state.end.kind, 'complete');
  assert.equal(state.head!.seq, 1 + WRITERS * PER_WRITER);
  // The full bundle shows verifiers the fork the racing writers made (when any loser was kept).
  const full = await validateChain(
    parseBundle(await (await fetch(servers[0]!.url + keyPath(w.chain))).text()),
    {
      now: nowSec(),
      chain: w.chain,
    },
  );
  assert.equal(full.end.kind, c.evidence > 0 ? 'fork' : 'complete');
});
