/**
 * Two people chat from the terminal: the built `kez` (packages/cli/dist, built
 * by scripts/test.mjs) against a real nats-server, the chat-server and a real
 * sig-server. Alice and Bob each run `kez chat tail -i` as a child process
 * and type into its stdin; each sees the other's room message and DM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createClaim, createEvent, exportBundle, getSuite, formatKeyRef, toHex } from '@kez/core';
import type { ChainEvent } from '@kez/core';
import { repoRoot } from '@kez/testkit';
import { startStack, eventually } from './_stack.js';
import type { Stack } from './_stack.js';

const KEZ = join(repoRoot, 'packages', 'cli', 'dist', 'main.js');

interface Person {
  home: string;
  env: Record<string, string>;
  key: string;
  secret: Uint8Array;
}

function kezEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    KEZ_HOME: home,
    NO_COLOR: '1',
    // Badges verify dns: proofs; here no DNS server answers, so they are quickly "unreachable".
    KEZ_DNS_SERVERS: '127.0.0.1:9',
    KEZ_TIMEOUT_MS: '300',
  };
}

function kez(p: Person, args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [KEZ, ...args], { env: p.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function ok(p: Person, args: string[]): Promise<string> {
  const r = await kez(p, args);
  assert.equal(r.code, 0, `kez ${args.join(' ')} → ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A running `kez chat tail -i`: what it printed so far, and its stdin. */
function terminal(p: Person, args: string[]) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [KEZ, 'chat', 'tail', '-i', ...args],
    { env: p.env },
  );
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out.stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out.stderr += d));
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  // A terminal that does not quit within 10 s fails the test instead of hanging it.
  const exited = Promise.race([
    closed,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('kez chat tail did not exit')), 10_000).unref(),
    ),
  ]);
  return {
    out,
    type: (line: string) => child.stdin.write(line + '\n'),
    end: () => child.stdin.end(),
    exited,
    kill: () => child.kill(),
  };
}

describe('the terminal client (kez chat)', () => {
  let stack: Stack;
  const people: Person[] = [];
  before(async () => {
    stack = await startStack({ sigServer: true });
  });
  after(async () => {
    await stack?.stop();
    for (const p of people) rmSync(p.home, { recursive: true, force: true });
  });

  /** A KEZ_HOME with one unencrypted key, as `kez key generate` writes it (the CLI's own tests cover that command). */
  function person(alg: 'ed25519' | 'nostr'): Person {
    const home = mkdtempSync(join(tmpdir(), 'kez-chat-term-'));
    const suite = getSuite(alg);
    const secret = suite.generateSecretKey();
    const key = formatKeyRef(alg, suite.getPublicKey(secret));
    mkdirSync(join(home, 'keys'), { recursive: true, mode: 0o700 });
    const file = {
      kez: '0.2',
      type: 'key',
      name: 'default',
      suite: alg,
      public: key,
      created_at: 1_764_000_000,
      secret: toHex(secret),
    };
    writeFileSync(join(home, 'keys', 'default.json'), JSON.stringify(file), { mode: 0o600 });
    const p: Person = { home, env: kezEnv(home), key, secret };
    people.push(p);
    return p;
  }

  async function publishChain(events: ChainEvent[]): Promise<void> {
    const res = await fetch(
      `${stack.sig!.url}/v1/chains/${encodeURIComponent(events[0]!.chain)}/events`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/jsonl' },
        body: exportBundle(events),
      },
    );
    assert.ok(res.ok, await res.text());
  }

  test('two terminals chat in a room and by DM; a broken proof shows as a warning, not a wall', async () => {
    const alice = person('ed25519');
    const bob = person('nostr');
    // Alice's sigchain claims dns:alice.test, a proof nobody can fetch here.
    const now = Math.floor(Date.now() / 1000) - 10;
    const claim = await createClaim({
      subject: 'dns:alice.test',
      secretKey: alice.secret,
      suite: 'ed25519',
      now,
    });
    await publishChain([
      await createEvent(null, { op: 'add', claim }, alice.secret, 'ed25519', now),
    ]);

    for (const p of [alice, bob]) {
      const login = JSON.parse(
        await ok(p, [
          'chat',
          'login',
          '--server',
          stack.url,
          '--sig-server',
          stack.sig!.url,
          '--json',
        ]),
      );
      assert.equal(login.user, p.key);
    }
    await ok(alice, ['chat', 'join', 'general', '--create', '--topic', 'hello world']);
    await ok(bob, ['chat', 'join', 'general']);
    const rooms = JSON.parse(await ok(bob, ['chat', 'rooms', '--json'])).rooms as unknown[];
    assert.deepEqual(rooms, [{ id: 'general', topic: 'hello world', members: 2, member: true }]);

    const a = terminal(alice, ['general']);
    const b = terminal(bob, ['general']);
    try {
      const follows = (t: typeof a) => /following #general/.test(t.out.stderr);
      await eventually('both terminals follow #general', () => follows(a) && follows(b), 15_000);
      a.type('hello bob, this is alice');
      await eventually(
        'bob sees alice',
        () => b.out.stdout.includes('hello bob, this is alice'),
        10_000,
      );
      b.type(`/dm ${alice.key} psst alice, a secret`);
      await eventually(
        'alice gets the DM',
        () => a.out.stdout.includes('psst alice, a secret'),
        10_000,
      );
      b.type('hi alice, bob here');
      await eventually(
        'alice sees bob in the room',
        () => a.out.stdout.includes('hi alice, bob here'),
        10_000,
      );
      a.type('/quit');
      b.end();
      assert.equal(await a.exited, 0, a.out.stderr);
      assert.equal(await b.exited, 0, b.out.stderr);
    } finally {
      a.kill();
      b.kill();
    }
    // Bob sees Alice by her key, with her claimed identity flagged: its proof could not be fetched.
    const line = b.out.stdout.split('\n').find((l) => l.includes('hello bob, this is alice'))!;
    assert.match(
      line,
      /#general ed25519:[0-9a-f]{8}…[0-9a-f]{4} \[dns:alice\.test ⚠ unreachable\]: hello bob, this is alice/,
    );
    assert.match(a.out.stdout, /dm nostr:[0-9a-f]{8}…[0-9a-f]{4}: psst alice, a secret/);
    assert.doesNotMatch(b.out.stdout + a.out.stdout, /dropped an event/);

    // History from the terminal: every message signed, checked, in order.
    const h = JSON.parse(await ok(bob, ['chat', 'history', 'general', '--json']));
    const texts = (h.items as { kind: string; text?: string }[]).flatMap((i) =>
      i.kind === 'event' ? [i.text] : [],
    );
    assert.deepEqual(texts, ['hello bob, this is alice', 'hi alice, bob here']);
  });

  test('a revoked device: kez chat login is refused with exit 1 and one line', async () => {
    const carol = person('ed25519');
    const device = person('nostr');
    const t = Math.floor(Date.now() / 1000) - 30;
    const e1 = await createEvent(
      null,
      { op: 'add_device', device: device.key },
      carol.secret,
      'ed25519',
      t,
    );
    const e2 = await createEvent(
      e1,
      { op: 'revoke_device', device: device.key },
      carol.secret,
      'ed25519',
      t + 1,
    );
    await publishChain([e1, e2]);
    const r = await kez(device, [
      'chat',
      'login',
      '--server',
      stack.url,
      '--sig-server',
      stack.sig!.url,
      '--primary',
      carol.key,
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /^kez: the chat server at nats:\/\/127\.0\.0\.1:\d+ refused the log-in of nostr:[0-9a-f]{64} \(login_refused\)\nhint: /,
    );
    assert.equal(r.stdout, '');
  });
});
