/**
 * kill -9 during a stream of appends (SQLite, WAL, synchronous=FULL): after a
 * restart every append that got a 2xx is present and every chain validates.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { eventId, parseBundle, validateChain } from '@kez/core';
import type { ChainEvent } from '@kez/core';
import { tempDir } from './helpers/backends.js';
import { ChainWriter, jsonl, nowSec } from './helpers/chains.js';
import { spawnServer } from './helpers/child.js';
import { keyPath } from './helpers/http.js';

const WRITERS = 4;
const KILL_AFTER_ACKS = 160;

test('kill -9 mid-stream: every acknowledged append survives and the chains validate', async (t) => {
  const dir = tempDir('crash');
  const env = { KEZ_SIG_DATA_DIR: dir };
  const first = await spawnServer(env);
  const writers = Array.from({ length: WRITERS }, () => new ChainWriter());
  const acked = writers.map(() => new Set<string>());
  let total = 0;
  let killed = false;
  let inFlightAtKill = 0;
  let inFlight = 0;

  const killing = (async () => {
    while (total < KILL_AFTER_ACKS) await new Promise((r) => setTimeout(r, 2));
    inFlightAtKill = inFlight;
    killed = true;
    await first.kill9();
  })();

  await Promise.all(
    writers.map(async (w, i) => {
      while (!killed) {
        // Mostly single events, sometimes a 3-event bundle: both paths must be durable.
        const batch = total % 7 === 3 ? 3 : 1;
        const start = w.events.length;
        for (let k = 0; k < batch; k++) await w.next();
        const fresh = w.events.slice(start);
        inFlight++;
        let res: Response;
        try {
          res = await fetch(`${first.url}${keyPath(w.chain)}/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/jsonl' },
            body: jsonl(fresh),
          });
        } catch {
          break; // the server is gone: this append's fate is unknown, which is allowed
        } finally {
          inFlight--;
        }
        assert.equal(res.status, 201, await res.clone().text());
        const body = (await res.json()) as { appended: string[] };
        for (const id of body.appended) acked[i]!.add(id);
        total += body.appended.length;
      }
    }),
  );
  await killing;
  t.diagnostic(`${total} events acknowledged; ${inFlightAtKill} requests in flight at kill -9`);
  assert.ok(total >= KILL_AFTER_ACKS);

  const second = await spawnServer(env);
  try {
    for (let i = 0; i < WRITERS; i++) {
      const w = writers[i]!;
      const text = await (await fetch(`${second.url}${keyPath(w.chain)}`)).text();
      const stored = parseBundle(text);
      const state = await validateChain(stored, { now: nowSec(), chain: w.chain });
      assert.equal(state.end.kind, 'complete');
      assert.equal(state.forks.length, 0);
      const storedIds = new Set(stored.map((e) => eventId(e as unknown as ChainEvent)));
      for (const id of acked[i]!) assert.ok(storedIds.has(id), `acknowledged event ${id} was lost`);
      // What is stored is a prefix of what the writer signed (nothing invented, nothing reordered).
      assert.ok(stored.length >= acked[i]!.size);
      assert.deepEqual(stored, JSON.parse(JSON.stringify(w.events.slice(0, stored.length))));
    }
    // The transparency log is rebuilt from the database: one leaf per stored event.
    const log = (await (await fetch(`${second.url}/v1/log`)).json()) as { size: number };
    let stored = 0;
    for (const w of writers)
      stored += parseBundle(await (await fetch(`${second.url}${keyPath(w.chain)}`)).text()).length;
    assert.equal(log.size, stored);
    // The database is healthy: appends go on after the restart.
    const w = writers[0]!;
    const text = await (await fetch(`${second.url}${keyPath(w.chain)}`)).text();
    const have = parseBundle(text).length;
    w.events.length = have;
    const next = await w.next();
    const r = await fetch(`${second.url}${keyPath(w.chain)}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(next),
    });
    assert.equal(r.status, 201);
  } finally {
    assert.equal(await second.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});
