/**
 * `kez sigchain publish|pull` against a real sig-server on 127.0.0.1 (SQLite
 * in a temp dir, started here): publish only what the server lacks, pull
 * into another home, a fork made behind the publisher's back reported as a
 * conflict and then seen on pull, and an unreachable server (exit 3).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createEvent, fromHex, parseBundle, randomBytes, toHex } from '@kez/core';
import type { ChainEvent } from '@kez/core';
import { startSigServer } from '@kez/sig-server';
import type { SigServer } from '@kez/sig-server';
import { json, kez, tempHome } from './run-kez.js';

const NOW = 1_764_000_000;
const env = { KEZ_NOW: String(NOW) };
const alice = tempHome();
const bob = tempHome();
const dataDir = mkdtempSync(join(tmpdir(), 'kez-cli-sig-'));
let server: SigServer;
let chainId = '';

const run = (args: string[], home = alice.home, input?: string) =>
  kez(args, { home, env, ...(input === undefined ? {} : { input }) });

function keyFile(name: string): { public: string; secret: string; suite: 'nostr' | 'ed25519' } {
  return JSON.parse(readFileSync(join(alice.home, 'keys', `${name}.json`), 'utf8'));
}

before(async () => {
  server = await startSigServer({
    env: {},
    config: { port: 0, dataDir, logLevel: 'silent', rateLimit: null },
  });
  assert.equal((await run(['key', 'generate', '--alg', 'ed25519'])).code, 0);
  const c = await run(['claim', 'create', 'github:alice', '--encoding', 'json']);
  const add = await run(['sigchain', 'add', '-', '--json'], alice.home, c.stdout);
  assert.equal(add.code, 0, add.stderr);
  chainId = json(add).chain as string;
  for (let i = 0; i < 2; i++) {
    const r = await run(['sigchain', 'revoke', toHex(randomBytes(32))]);
    assert.equal(r.code, 0, r.stderr);
  }
});
after(async () => {
  await server.close();
  alice.cleanup();
  bob.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('kez sigchain publish|pull', () => {
  test('publish sends the chain; again it is up to date; the server bundle equals the local file', async () => {
    const r = await run(['sigchain', 'publish', '--server', server.url, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = json(r) as {
      servers: {
        status: string;
        sent: number;
        head: { seq: number };
        log: { status: string; included: number };
      }[];
    };
    assert.deepEqual(
      out.servers.map((s) => [s.status, s.sent, s.head.seq, s.log.status, s.log.included]),
      [['published', 3, 3, 'verified', 3]],
    );
    const again = json(
      await run(['sigchain', 'publish', '--server', server.url, '--json']),
    ) as typeof out;
    assert.equal(again.servers[0]!.status, 'up_to_date');
    const bundle = await (
      await fetch(`${server.url}/v1/chains/${encodeURIComponent(chainId)}`)
    ).text();
    const file = join(alice.home, 'chains', chainId.replace(':', '-') + '.jsonl');
    assert.equal(bundle, readFileSync(file, 'utf8'));
    const human = await run(['sigchain', 'publish', '--server', server.url]);
    assert.match(human.stdout, /is up to date \(head seq 3\)/);
  });

  test('pull by key into another home: the same chain, complete', async () => {
    const r = await run(['sigchain', 'pull', chainId, '--server', server.url, '--json'], bob.home);
    assert.equal(r.code, 0, r.stderr);
    const out = json(r);
    assert.equal(out.chain, chainId);
    assert.equal(out.new_events, 3);
    assert.deepEqual(out.end, { kind: 'complete' });
    const log = (out.servers as { log: { status: string; included: number } }[])[0]!.log;
    assert.deepEqual([log.status, log.included], ['verified', 3]);
    const again = json(
      await run(['sigchain', 'pull', chainId, '--server', server.url, '--json'], bob.home),
    );
    assert.equal(again.new_events, 0);
  });

  test("a different event at the next seq, sent behind the publisher's back: publish reports a conflict (exit 1); pull then shows the fork", async () => {
    const file = join(alice.home, 'chains', chainId.replace(':', '-') + '.jsonl');
    const line = parseBundle(readFileSync(file)) as unknown as ChainEvent[];
    const k = keyFile('default');
    const theirs = await createEvent(
      line.at(-1)!,
      { op: 'revoke', target: toHex(randomBytes(32)) },
      fromHex(k.secret, 32, 'secret'),
      'ed25519',
      NOW,
    );
    const posted = await fetch(`${server.url}/v1/chains/${encodeURIComponent(chainId)}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(theirs),
    });
    assert.equal(posted.status, 201);
    assert.equal((await run(['sigchain', 'revoke', toHex(randomBytes(32))])).code, 0);
    const r = await run(['sigchain', 'publish', '--server', server.url, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const s = (json(r) as { servers: { status: string; error: string }[] }).servers[0]!;
    assert.deepEqual([s.status, s.error], ['conflict', 'fork']);
    const p = await run(['sigchain', 'pull', '--server', server.url, '--json']);
    assert.equal(p.code, 1, p.stderr);
    assert.equal((json(p).end as { kind: string }).kind, 'fork');
  });

  test('not a key: exit 2; no chain on the server: exit 1; no server answering: exit 3; no server given: exit 2', async () => {
    const notAKey = await run([
      'sigchain',
      'pull',
      'ed25519:' + 'zz'.repeat(32),
      '--server',
      server.url,
    ]);
    assert.equal(notAKey.code, 2);
    const g = await run(['key', 'generate', '--alg', 'nostr', '--name', 'other'], bob.home);
    assert.equal(g.code, 0, g.stderr);
    const none = await run(
      ['sigchain', 'pull', '--key', 'other', '--server', server.url],
      bob.home,
    );
    assert.equal(none.code, 1, none.stderr);
    assert.match(none.stdout, /no sig-server has a chain/);
    const dead = await run(['sigchain', 'publish', '--server', 'http://127.0.0.1:9', '--json']);
    assert.equal(dead.code, 3, dead.stderr);
    assert.equal((json(dead) as { servers: { status: string }[] }).servers[0]!.status, 'failed');
    const missing = await run(['sigchain', 'publish']);
    assert.equal(missing.code, 2);
  });

  test('a server that rewrites its log history, or changes its log key, is caught (exit 1)', async () => {
    const port = server.port;
    const keyFile = join(dataDir, 'tlog-key.hex');
    await server.close();
    // Same URL, same log key, but a different history (a fresh database, other events).
    const otherDir = mkdtempSync(join(tmpdir(), 'kez-cli-sig-other-'));
    server = await startSigServer({
      env: {},
      config: {
        port,
        dataDir: otherDir,
        tlogKeyFile: keyFile,
        logLevel: 'silent',
        rateLimit: null,
      },
    });
    await fillLog(server.url, 30);
    const r = await run(['sigchain', 'publish', '--server', server.url, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const log = (json(r) as { servers: { log: { status: string; message: string } }[] }).servers[0]!
      .log;
    assert.equal(log.status, 'failed');
    assert.match(log.message, /rewrote its history/);
    // Same URL, another log key.
    await server.close();
    rmSync(otherDir, { recursive: true, force: true });
    server = await startSigServer({
      env: {},
      config: { port, dataDir: otherDir, logLevel: 'silent', rateLimit: null },
    });
    const k = await run(['sigchain', 'pull', chainId, '--server', server.url, '--json']);
    assert.equal(k.code, 1, k.stderr);
    const other = await run(['sigchain', 'publish', '--server', server.url, '--json']);
    const log2 = (json(other) as { servers: { log: { status: string; error: string } }[] })
      .servers[0]!.log;
    assert.deepEqual([log2.status, log2.error], ['failed', 'key_mismatch']);
    assert.equal(other.code, 1);
    after(() => rmSync(otherDir, { recursive: true, force: true }));
  });
});

/** n events of a fresh chain, straight to a server. */
async function fillLog(url: string, n: number): Promise<void> {
  const { getSuite } = await import('@kez/core');
  const sk = getSuite('ed25519').generateSecretKey();
  const events: ChainEvent[] = [];
  for (let i = 0; i < n; i++)
    events.push(
      await createEvent(
        events.at(-1) ?? null,
        { op: 'revoke', target: toHex(randomBytes(32)) },
        sk,
        'ed25519',
        NOW,
      ),
    );
  const post = () =>
    fetch(`${url}/v1/chains/${encodeURIComponent(events[0]!.chain)}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/jsonl' },
      body: events.map((e) => JSON.stringify(e) + '\n').join(''),
    });
  // The server before this one listened on the same port: this process's fetch may still hold a
  // kept-alive socket to it, closed under the request. Appends are idempotent, so send again
  // once on a fresh connection.
  const res = await post().catch((e: unknown) => {
    if ((e as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw e;
    return post();
  });
  assert.equal(res.status, 201);
}
