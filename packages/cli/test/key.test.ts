/** `kez key …` against the built binary: generate/import/show/export round trips, modes, errors. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { json, kez, tempHome } from './run-kez.js';

const { home, cleanup } = tempHome();
after(cleanup);
// The suites use distinct key names, so they run side by side (each step is a process
// spawn); the steps inside one suite build on each other and run in order.
const IN_ORDER = { concurrency: 1 };

/** NIP-49's own test vector (password "nostr", log_n 16). */
const NIP49_NCRYPTSEC =
  'ncryptsec1qgg9947rlpvqu76pj5ecreduf9jxhselq2nae2kghhvd5g7dgjtcxfqtd67p9m0w57lspw8gsq6yphnm8623nsl8xn9j4jdzz84zm3frztj3z7s35vpzmqf6ksu8r89qk5z2zxfmu5gv8th8wclt0h4p';
const NIP49_SECRET = '3501454135014541350145413501453fefb02227e449e57cf4d3a3ce05378683';

const mode = (p: string) => statSync(p).mode & 0o777;

/** `kez key generate` and `kez key export` in `home`, checked for exit 0. */
function keyCommands(home: string) {
  return {
    async generate(name: string, alg: string, extra: string[] = [], env?: Record<string, string>) {
      const r = await kez(['key', 'generate', '--alg', alg, '--name', name, '--json', ...extra], {
        home,
        ...(env ? { env } : {}),
      });
      assert.equal(r.code, 0, r.stderr);
      return json(r);
    },
    async exportKey(name: string, format: string, env?: Record<string, string>) {
      const r = await kez(['key', 'export', '--name', name, '--format', format], {
        home,
        ...(env ? { env } : {}),
      });
      assert.equal(r.code, 0, r.stderr);
      return { value: r.stdout.trim(), stderr: r.stderr };
    },
  };
}
const { generate, exportKey } = keyCommands(home);

describe('kez key', { concurrency: true }, () => {
  for (const alg of ['nostr', 'ed25519'] as const) {
    describe(`key generate/show/export (${alg})`, IN_ORDER, () => {
      // A home of its own: its "nothing temporary is left behind" check must not see the
      // temp file of a key another suite is writing at that moment.
      const own = tempHome();
      after(own.cleanup);
      const home = own.home;
      const { generate, exportKey } = keyCommands(home);
      const name = `gen-${alg}`;
      let info: Record<string, unknown>;

      test('generate writes a 0600 file in a 0700 directory with the documented fields', async () => {
        info = await generate(name, alg);
        const path = join(home, 'keys', `${name}.json`);
        assert.equal(info.path, path);
        assert.equal(mode(join(home, 'keys')), 0o700);
        assert.equal(mode(path), 0o600);
        const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
        assert.deepEqual(Object.keys(file).sort(), [
          'created_at',
          'kez',
          'name',
          'public',
          'secret',
          'suite',
          'type',
        ]);
        assert.equal(file.kez, '0.2');
        assert.equal(file.type, 'key');
        assert.equal(file.suite, alg);
        assert.match(String(file.public), new RegExp(`^${alg}:[0-9a-f]{64}$`));
        assert.match(String(file.secret), /^[0-9a-f]{64}$/);
        assert.equal(info.public, file.public);
        assert.equal(info.encrypted, false);
        if (alg === 'nostr') assert.match(String(info.npub), /^npub1/);
        else assert.equal(info.npub, undefined);
        // Nothing half-written or temporary is left behind.
        assert.ok(readdirSync(join(home, 'keys')).every((f) => f.endsWith('.json')));
      });

      test('show prints the same facts; human output names suite, ref, file, encryption', async () => {
        const r = await kez(['key', 'show', '--name', name, '--json'], { home });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(json(r), info);
        const h = await kez(['key', 'show', '--name', name], { home });
        assert.equal(h.code, 0);
        for (const s of [alg, String(info.public), String(info.path), 'encrypted  no'])
          assert.ok(h.stdout.includes(s), `missing ${s} in:\n${h.stdout}`);
        if (alg === 'nostr') assert.ok(h.stdout.includes(String(info.npub)));
      });

      test('refuses to overwrite without --force (exit 4), replaces with --force', async () => {
        const r = await kez(['key', 'generate', '--alg', alg, '--name', name], { home });
        assert.equal(r.code, 4);
        assert.match(
          r.stderr,
          /^kez: a key named "gen-.*" already exists .*\(key_exists\)\nhint: .*--force/,
        );
        assert.equal(r.stdout, '');
        const again = await generate(`${name}-2`, alg);
        const forced = await generate(`${name}-2`, alg, ['--force']);
        assert.notEqual(forced.public, again.public);
      });

      test('export public is the key ref, with no warning', async () => {
        const { value, stderr } = await exportKey(name, 'public');
        assert.equal(value, info.public);
        assert.equal(stderr, '');
      });

      test('export hex → import --alg → same key; secret export warns on stderr', async () => {
        const { value: hex, stderr } = await exportKey(name, 'hex');
        assert.match(hex, /^[0-9a-f]{64}$/);
        assert.match(stderr, /^warning: this is the SECRET key/);
        const r = await kez(
          ['key', 'import', '-', '--alg', alg, '--name', `${name}-hex`, '--json'],
          {
            home,
            input: hex + '\n',
          },
        );
        assert.equal(r.code, 0, r.stderr);
        assert.equal(json(r).public, info.public);
        assert.equal(mode(join(home, 'keys', `${name}-hex.json`)), 0o600);
      });

      test('bare hex without --alg is refused (exit 2) and the secret is not echoed', async () => {
        const { value: hex } = await exportKey(name, 'hex');
        const r = await kez(['key', 'import', '-', '--name', 'nope'], { home, input: hex });
        assert.equal(r.code, 2);
        assert.match(
          r.stderr,
          /^kez: a 64-hex secret key could be nostr or ed25519 \(usage\)\nhint: .*--alg/,
        );
        assert.ok(!r.stderr.includes(hex));
      });

      test('encrypted key: file has "encrypted" only; right passphrase exports the same secret', async () => {
        const { value: hex } = await exportKey(name, 'hex');
        const passFile = join(home, `pass-${alg}.txt`);
        writeFileSync(passFile, 'correct horse\n');
        const r = await kez(
          [
            'key',
            'import',
            '-',
            '--alg',
            alg,
            '--name',
            `${name}-enc`,
            '--encrypt',
            '--passphrase-file',
            passFile,
            '--json',
          ],
          { home, input: hex },
        );
        assert.equal(r.code, 0, r.stderr);
        assert.equal(json(r).encrypted, true);
        const file = JSON.parse(
          readFileSync(join(home, 'keys', `${name}-enc.json`), 'utf8'),
        ) as Record<string, unknown>;
        assert.equal(file.secret, undefined);
        assert.match(String(file.encrypted), /^[A-Za-z0-9_-]{100,}$/);
        assert.ok(!JSON.stringify(file).includes(hex));
        const back = await exportKey(`${name}-enc`, 'hex', { KEZ_PASSPHRASE: 'correct horse' });
        assert.equal(back.value, hex);
      });

      test('wrong passphrase → exit 4 with a clear message; none at all → exit 4', async () => {
        const wrong = await kez(['key', 'export', '--name', `${name}-enc`, '--format', 'hex'], {
          home,
          env: { KEZ_PASSPHRASE: 'battery staple' },
        });
        assert.equal(wrong.code, 4);
        assert.equal(wrong.stdout, '');
        assert.match(
          wrong.stderr,
          /^kez: wrong passphrase for key "gen-\w+-enc" .*\(bad_passphrase\)\n/,
        );
        assert.ok(!wrong.stderr.includes('    at '));
        const none = await kez(['key', 'export', '--name', `${name}-enc`, '--format', 'hex'], {
          home,
        });
        assert.equal(none.code, 4);
        assert.match(
          none.stderr,
          /^kez: key "gen-\w+-enc" is encrypted and no passphrase was given \(no_passphrase\)\nhint: /,
        );
      });
    });
  }

  describe('nostr text forms', IN_ORDER, () => {
    test('nsec export → import → same public key and npub', async () => {
      const info = await generate('nsec-src', 'nostr');
      const { value: nsec } = await exportKey('nsec-src', 'nsec');
      assert.match(nsec, /^nsec1[02-9ac-hj-np-z]{58}$/);
      const r = await kez(['key', 'import', '-', '--name', 'nsec-dst', '--json'], {
        home,
        input: nsec,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(json(r).public, info.public);
      assert.equal(json(r).npub, info.npub);
      const { value: npub } = await exportKey('nsec-dst', 'npub');
      assert.equal(npub, info.npub);
    });

    test('ncryptsec export (passphrase) → import (same passphrase) → same key', async () => {
      const info = await generate('ncs-src', 'nostr');
      const env = { KEZ_PASSPHRASE: 'pass phrase' };
      const { value: ncs } = await exportKey('ncs-src', 'ncryptsec', env);
      assert.match(ncs, /^ncryptsec1/);
      const r = await kez(['key', 'import', '-', '--name', 'ncs-dst', '--json'], {
        home,
        input: ncs,
        env,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(json(r).public, info.public);
      const bad = await kez(['key', 'import', '-', '--name', 'ncs-bad'], {
        home,
        input: ncs,
        env: { KEZ_PASSPHRASE: 'not it' },
      });
      assert.equal(bad.code, 4);
      assert.match(bad.stderr, /^kez: wrong passphrase for the ncryptsec .*\(bad_passphrase\)/);
      assert.ok(!readdirSync(join(home, 'keys')).includes('ncs-bad.json'));
    });

    test('imports the NIP-49 test vector (interop with other nostr tools)', async () => {
      const r = await kez(['key', 'import', '-', '--name', 'nip49'], {
        home,
        input: NIP49_NCRYPTSEC,
        env: { KEZ_PASSPHRASE: 'nostr' },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await exportKey('nip49', 'hex')).value, NIP49_SECRET);
    });

    test('nsec with --alg ed25519 and nostr formats of an ed25519 key are usage errors', async () => {
      const { value: nsec } = await exportKey('nsec-src', 'nsec');
      const r = await kez(['key', 'import', '-', '--alg', 'ed25519', '--name', 'x'], {
        home,
        input: nsec,
      });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^kez: an nsec is a nostr key, not ed25519 \(usage\)/);
      await generate('ed-only', 'ed25519');
      const e = await kez(['key', 'export', '--name', 'ed-only', '--format', 'nsec'], { home });
      assert.equal(e.code, 2);
      assert.match(
        e.stderr,
        /^kez: --format nsec is a nostr format; key "ed-only" is ed25519 \(usage\)/,
      );
    });
  });

  describe('key list and bad names', IN_ORDER, () => {
    test('list shows every stored key, sorted by name', async () => {
      const own = tempHome();
      try {
        for (const [name, alg] of [
          ['zeta', 'ed25519'],
          ['alpha', 'nostr'],
        ]) {
          const g = await kez(['key', 'generate', '--alg', alg!, '--name', name!], {
            home: own.home,
          });
          assert.equal(g.code, 0, g.stderr);
        }
        const r = await kez(['key', 'list', '--json'], { home: own.home });
        assert.equal(r.code, 0, r.stderr);
        const keys = json(r).keys as { name: string; suite: string }[];
        assert.deepEqual(
          keys.map((k) => [k.name, k.suite]),
          [
            ['alpha', 'nostr'],
            ['zeta', 'ed25519'],
          ],
        );
        const h = await kez(['key', 'list'], { home: own.home });
        assert.match(h.stdout, /^alpha +nostr +npub1\w+\nzeta +ed25519 +ed25519:[0-9a-f]{64}\n$/);
      } finally {
        own.cleanup();
      }
    });

    test('an empty store lists nothing and says how to start', async () => {
      const empty = tempHome();
      try {
        const r = await kez(['key', 'list'], { home: empty.home });
        assert.equal(r.code, 0);
        assert.match(r.stdout, /no keys in .*kez key generate/);
        assert.deepEqual(json(await kez(['key', 'list', '--json'], { home: empty.home })).keys, []);
      } finally {
        empty.cleanup();
      }
    });

    test('a path-like key name is refused before touching the disk', async () => {
      const r = await kez(['key', 'generate', '--name', '../evil'], { home });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^kez: "\.\.\/evil" is not a valid key name \(usage\)/);
    });

    test('a missing key is exit 4 with a hint', async () => {
      const r = await kez(['key', 'show', '--name', 'missing'], { home });
      assert.equal(r.code, 4);
      assert.match(r.stderr, /^kez: no key named "missing" in .* \(key_not_found\)\nhint: /);
    });

    test('garbage as a secret is exit 2 and is not echoed', async () => {
      const r = await kez(['key', 'import', '-', '--name', 'junk'], {
        home,
        input: 'hunter2-secret',
      });
      assert.equal(r.code, 2);
      assert.match(
        r.stderr,
        /^kez: not a secret key \(expected nsec1…, ncryptsec1… or 64 hex characters\) \(malformed\)\n$/,
      );
      assert.ok(!r.stderr.includes('hunter2'));
    });
  });
});
