/**
 * `kez publish` then `kez verify id`, as a user runs them (the built CLI in a
 * child process; the other checks in-process through runCli), against local
 * peers: the GitHub REST fixture, the Mastodon-shaped fixture (both from
 * @kez/channels' tests) and a real Knot loaded with the DNS record that
 * `kez publish dns:…` printed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKnot } from '@kez/testkit';
import { startGithubFixture } from '../../channels/test/peers/github-fixture.js';
import type { GithubFixture } from '../../channels/test/peers/github-fixture.js';
import { startMastodonFixture } from '../../channels/test/peers/mastodon-fixture.js';
import type { MastodonFixture } from '../../channels/test/peers/mastodon-fixture.js';
import { runCli } from '../src/cli.js';
import type { Io } from '../src/deps.js';
import { json, kez, tempHome } from './run-kez.js';

let home: string;
let cleanup: () => void;
let gh: GithubFixture;
let masto: MastodonFixture;
let keyRef: string;

/** The same command in-process (no Node start-up per run); stdout and stderr are not TTYs. */
async function inProc(args: string[], opts: { env?: Record<string, string> } = {}) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { isTTY: false, write: (x: string) => (stdout += x) },
    stderr: { isTTY: false, write: (x: string) => (stderr += x) },
    stdin: process.stdin,
  } as unknown as Io;
  const code = await runCli(args, io, { KEZ_HOME: home, KEZ_SCRYPT_LOG_N: '10', ...opts.env });
  return { code, stdout, stderr };
}

before(async () => {
  ({ home, cleanup } = tempHome());
  [gh, masto] = await Promise.all([startGithubFixture(), startMastodonFixture()]);
  const g = await inProc(['key', 'generate', '--alg', 'ed25519', '--json']);
  assert.equal(g.code, 0, g.stderr);
  keyRef = String(json(g).public ?? json(g).key);
  const other = await inProc(['key', 'generate', '--alg', 'nostr', '--name', 'other']);
  assert.equal(other.code, 0, other.stderr);
});
after(async () => {
  await Promise.all([gh?.stop(), masto?.stop()]);
  cleanup?.();
});

const ghFlags = () => ['--github-api', gh.url, '--github-raw', gh.rawUrl];

describe('kez publish → kez verify id', () => {
  test('github: publish creates the gist, verify says valid (exit 0) with where, binding and timings', async () => {
    gh.tokens.set('tok-alice', 'alice');
    const p = await kez(['publish', 'github:alice', '--json', ...ghFlags()], {
      home,
      env: { KEZ_GITHUB_TOKEN: 'tok-alice' },
    });
    assert.equal(p.code, 0, p.stderr);
    assert.match(String(json(p).location), /kez-proof\.md$/);

    const v = await kez(['verify', 'id', 'github:alice', ...ghFlags()], { home });
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /✓ github:alice {2}valid \(ok\)/);
    assert.match(v.stdout, /found at +http:\/\/127\.0\.0\.1:\d+\/alice\/.*\/kez-proof\.md/);
    assert.match(v.stdout, /binding +transport — plain HTTP to 127\.0\.0\.1:\d+ \(GitHub gist/);
    const t = String.raw`(\d+ ms|\d+\.\d\d s)`; // seconds past 1000 ms (a loaded machine)
    assert.match(v.stdout, new RegExp(`timings +fetch ${t} · check ${t} · total ${t}`));
    assert.equal(v.stderr, ''); // no spinner without a TTY

    const j = json(
      await inProc(['verify', 'id', 'github:alice', '--json', '--key', keyRef, ...ghFlags()]),
    );
    assert.equal(j.status, 'valid');
    assert.equal(j.key, keyRef);
    assert.equal((j.binding as { kind: string }).kind, 'transport');
  });

  test('github: another --key → exit 1 key_mismatch; a stored key name works as --key', async () => {
    const v = await inProc(['verify', 'id', 'github:alice', '--key', 'other', ...ghFlags()]);
    assert.equal(v.code, 1);
    assert.match(v.stdout, /✗ github:alice {2}invalid \(key_mismatch\)/);
    assert.match(v.stdout, /why +claim is signed by ed25519:/);
  });

  test('exit 3 when the peer is down; exit 2 for a malformed identity', async () => {
    const down = await startGithubFixture();
    await down.stop();
    const v = await inProc(['verify', 'id', 'github:alice', '--github-api', down.url]);
    assert.equal(v.code, 3);
    assert.match(v.stdout, /\? github:alice {2}unreachable \(network_error\)/);
    const bad = await inProc(['verify', 'id', 'github:-nope-']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^kez: .* \(malformed\)\n$/);
  });

  test('the loopback API needs no --allow-private (a configured endpoint), an ap host does', async () => {
    masto.addAccount('bob');
    const v = await kez(
      ['verify', 'id', `ap:@bob@localhost:${masto.host.split(':')[1]}`, '--ap-scheme', 'http'],
      { home },
    );
    assert.equal(v.code, 3);
    assert.match(v.stdout, /unreachable \(private_address\)/);
  });

  test('a spinner on stderr when it is a TTY (in-process), saying what it waits on; none otherwise', async () => {
    gh.tokens.set('tok-spin', 'spin');
    const p = await inProc(['publish', 'github:spin', ...ghFlags()], {
      env: { KEZ_GITHUB_TOKEN: 'tok-spin' },
    });
    assert.equal(p.code, 0, p.stderr);
    for (const tty of [true, false]) {
      let out = '';
      let err = '';
      const io = {
        stdout: { isTTY: tty, write: (x: string) => (out += x) },
        stderr: { isTTY: tty, write: (x: string) => (err += x) },
        stdin: process.stdin,
      } as unknown as Io;
      // A slow peer keeps the spinner up long enough to draw more than one frame.
      gh.delayMs = 300;
      try {
        const code = await runCli(['verify', 'id', 'github:spin', ...ghFlags()], io, {
          KEZ_HOME: home,
          NO_COLOR: '1',
        });
        assert.equal(code, 0, out + err);
      } finally {
        gh.delayMs = 0;
      }
      assert.match(out, /github:spin {2}valid/);
      if (tty) {
        assert.match(err, /⠋ fetching the proof of github:spin…/);
        assert.ok(err.split('\r\x1b[K').length - 1 >= 3, JSON.stringify(err));
        assert.ok(err.endsWith('\r\x1b[K'), 'the spinner line is cleared');
      } else assert.equal(err, '');
    }
  });

  test('mastodon: publish to the bio then verify; --check in one go for a post', async () => {
    masto.addAccount('carol', { note: 'Hi.' });
    masto.tokens.set('tok-carol', 'carol');
    const id = `ap:@carol@${masto.host}`;
    const flags = ['--ap-scheme', 'http', '--allow-private'];
    const p = await kez(['publish', id, ...flags], {
      home,
      env: { KEZ_MASTODON_TOKEN: 'tok-carol' },
    });
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /published ap:@carol@127\.0\.0\.1:\d+ → .*\(bio\)/);
    const v = await inProc(['verify', 'id', id, '--json', ...flags]);
    assert.equal(json(v).status, 'valid');
    assert.match(String(json(v).location), /#summary$/);

    const c = await inProc(
      ['publish', id, '--ap-target', 'post', '--check', '--key', 'other', ...flags],
      { env: { KEZ_MASTODON_TOKEN: 'tok-carol' } },
    );
    assert.equal(c.code, 0, c.stdout + c.stderr);
    assert.match(c.stdout, /✓ ap:@carol@.* {2}valid \(ok\)/);
  });

  test('dns: the printed record, loaded into Knot, verifies (publish --check too)', async () => {
    const p = await kez(['publish', 'dns:alice.example.test'], { home });
    assert.equal(p.code, 0, p.stderr);
    const line = p.stdout.trim();
    assert.match(line, /^_kez\.alice\.example\.test\. 3600 IN TXT "kez:z1:[^"]+"( "[^"]+")*$/);
    assert.match(p.stderr, /add this record to the zone of alice\.example\.test/);
    const knot = await startKnot({
      origin: 'example.test',
      zone: `@ SOA ns1 hostmaster 1 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\n${line}\n`,
    });
    try {
      const v = await kez(
        ['verify', 'id', 'dns:alice.example.test', '--dns-server', knot.server, '--key', keyRef],
        { home },
      );
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.match(v.stdout, /found at +_kez\.alice\.example\.test TXT/);
      const chk = await kez(['publish', 'dns:alice.example.test', '--check', '--json'], {
        home,
        env: { KEZ_DNS_SERVERS: knot.server },
      });
      assert.equal(chk.code, 0, chk.stderr);
      assert.equal((json(chk).check as { status: string }).status, 'valid');
      const missing = await inProc(['publish', 'dns:bob.example.test', '--check'], {
        env: { KEZ_DNS_SERVERS: knot.server },
      });
      assert.equal(missing.code, 1);
      assert.match(missing.stdout, /invalid \(not_found\)/);
    } finally {
      await knot.stop();
    }
  });
});
