/**
 * `kez claim create → claim verify` for both suites × four encodings, tampering
 * (→ exit 1, bad_signature), raw damage to the compact text (→ exit 2), expiry
 * through KEZ_NOW, and the --identity / --key requirements.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ENCODINGS, decodeClaim, encodeClaim, parseKeyRef } from '@kez/core';
import type { Claim, EncodingName } from '@kez/core';
import { errorLines, json, kez, tempHome } from './run-kez.js';

const { home, cleanup } = tempHome();
after(cleanup);
const SUITES = ['nostr', 'ed25519'] as const;
const NOW = 1_700_000_000;
let fileNo = 0;
/** A fresh file in KEZ_HOME holding `text`. */
function file(text: string | Uint8Array): string {
  const p = join(home, `input-${fileNo++}.txt`);
  writeFileSync(p, text);
  return p;
}

async function verify(path: string, extra: string[] = [], env: Record<string, string> = {}) {
  return kez(['claim', 'verify', path, '--json', ...extra], {
    home,
    env: { KEZ_NOW: String(NOW), ...env },
  });
}

/** XOR byte `i` of a hex string with `mask` (default: flip its lowest bit). */
function flipHex(hex: string, i: number, mask = 0x01): string {
  const b = (parseInt(hex.slice(i * 2, i * 2 + 2), 16) ^ mask).toString(16).padStart(2, '0');
  return hex.slice(0, i * 2) + b + hex.slice(i * 2 + 2);
}

/**
 * The key ref with one byte changed, at the first position and mask that still
 * give an acceptable key: most variants are off the curve or (ed25519) not of
 * prime order, and a rejected key would be exit 2, not the bad_signature tested here.
 */
function flipKey(ref: string): string {
  const [suite, hex] = ref.split(':') as [string, string];
  for (let i = 0; i < 32; i++) {
    for (let mask = 1; mask < 256; mask++) {
      const candidate = `${suite}:${flipHex(hex, i, mask)}`;
      try {
        parseKeyRef(candidate);
        return candidate;
      } catch {
        // not an acceptable key; try the next variant
      }
    }
  }
  throw new Error('no acceptable one-byte variant of the key');
}

before(async () => {
  for (const alg of SUITES) {
    const r = await kez(['key', 'generate', '--alg', alg, '--name', alg], { home });
    assert.equal(r.code, 0, r.stderr);
  }
});

describe('claim create → verify', { concurrency: true }, () => {
  for (const alg of SUITES) {
    for (const encoding of ENCODINGS) {
      test(`${alg} × ${encoding}: exit 0, the file is exactly the encoding, --json fields`, async () => {
        const out = join(home, `rt-${alg}-${encoding}.txt`);
        const c = await kez(
          [
            'claim',
            'create',
            'DNS:Example.COM.',
            '--key',
            alg,
            '--encoding',
            encoding,
            '--out',
            out,
            '--json',
          ],
          { home, env: { KEZ_NOW: String(NOW) } },
        );
        assert.equal(c.code, 0, c.stderr);
        const created = json(c);
        assert.equal(created.subject, 'dns:example.com');
        assert.equal(created.created_at, NOW);
        assert.equal(readFileSync(out, 'utf8'), created.encoded);
        // Byte-exact round trip through core (SPEC §6).
        const decoded = await decodeClaim(created.encoded as string);
        assert.equal(decoded.encoding, encoding);
        assert.equal(await encodeClaim(decoded.claim, encoding), created.encoded);
        if (encoding === 'dns') {
          assert.ok(
            c.stderr.includes(`_kez.example.com. 3600 IN TXT ${String(created.encoded)}`),
            c.stderr,
          );
        }

        const v = await verify(out);
        assert.equal(v.code, 0, v.stderr);
        const r = json(v);
        assert.equal(r.status, 'valid');
        assert.equal(r.reason, 'ok');
        assert.equal(r.valid, true);
        assert.equal(r.subject, 'dns:example.com');
        assert.equal(r.key, created.key);
        assert.match(String(r.key), new RegExp(`^${alg}:[0-9a-f]{64}$`));
        assert.equal(r.encoding, encoding);
        assert.equal(r.id, created.id);
        assert.equal(r.created_at, NOW);
        if (alg === 'nostr') assert.match(String(r.npub), /^npub1/);
      });
    }
  }

  test('stdout of create is the pure encoding: it pipes into verify -', async () => {
    const c = await kez(['claim', 'create', 'github:Alice', '--key', 'nostr'], { home });
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /^kez:z1:[A-Za-z0-9_-]+\n$/);
    const v = await kez(['claim', 'verify', '-'], { home, input: c.stdout });
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /valid/);
    assert.match(v.stdout, /github:alice/);
    assert.match(v.stdout, /npub1/);
  });

  test('--fields keeps only the named fields; an unknown field is a usage error listing them', async () => {
    const c = await kez(
      ['claim', 'create', 'dns:example.com', '--key', 'ed25519', '--encoding', 'json'],
      { home },
    );
    const path = file(c.stdout);
    const v = await kez(['claim', 'verify', path, '--fields', 'status,reason'], { home });
    assert.equal(v.code, 0, v.stderr);
    assert.deepEqual(json(v), { status: 'valid', reason: 'ok' });
    const bad = await kez(['claim', 'verify', path, '--json', '--fields', 'colour'], { home });
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    assert.match(
      bad.stderr,
      /^kez: unknown JSON field "colour" \(usage\)\nhint: available fields: status, reason,/,
    );
  });
});

describe('tampering → exit 1 (bad_signature)', { concurrency: true }, () => {
  const base: Partial<Record<(typeof SUITES)[number], Claim>> = {};
  before(async () => {
    for (const alg of SUITES) {
      const c = await kez(
        ['claim', 'create', 'dns:example.com', '--key', alg, '--json', '--expires', '1y'],
        {
          home,
          env: { KEZ_NOW: String(NOW) },
        },
      );
      assert.equal(c.code, 0, c.stderr);
      base[alg] = json(c).claim as Claim;
    }
  });

  const TAMPER: Record<string, (c: Claim) => Claim> = {
    signature: (c) => ({ ...c, sig: flipHex(c.sig, 10) }),
    key: (c) => ({ ...c, key: flipKey(c.key) }),
    subject: (c) => ({ ...c, subject: 'dns:dxample.com' }),
    created_at: (c) => ({ ...c, created_at: c.created_at ^ 1 }),
    expires_at: (c) => ({ ...c, expires_at: c.expires_at! + 1 }),
  };

  for (const alg of SUITES) {
    for (const encoding of ENCODINGS) {
      for (const [field, tamper] of Object.entries(TAMPER)) {
        test(`${alg} × ${encoding}: one flipped ${field}`, async () => {
          const bad = tamper(base[alg]!);
          assert.notDeepEqual(bad, base[alg]);
          const v = await verify(file(await encodeClaim(bad, encoding as EncodingName)));
          assert.equal(v.code, 1, v.stderr);
          const r = json(v);
          assert.equal(r.status, 'invalid');
          assert.equal(r.reason, 'bad_signature');
          assert.equal(r.valid, false);
          assert.equal(v.stderr, '');
        });
      }
    }
  }

  test('the human verdict names the status and the reason', async () => {
    const bad = TAMPER.signature!(base.nostr!);
    const v = await kez(['claim', 'verify', file(await encodeClaim(bad, 'compact'))], {
      home,
      env: { KEZ_NOW: String(NOW) },
    });
    assert.equal(v.code, 1);
    assert.match(
      v.stdout,
      /^✗ invalid — signature does not verify under nostr:[0-9a-f]{64} \(bad_signature\)\n/,
    );
  });
});

describe('raw damage to the compact text → exit 2 (not a claim)', { concurrency: true }, () => {
  let compact = '';
  before(async () => {
    const c = await kez(['claim', 'create', 'dns:example.com', '--key', 'nostr'], { home });
    compact = c.stdout.trim();
  });
  const body = () => compact.slice('kez:z1:'.length);
  const DAMAGE: [string, () => string, RegExp][] = [
    [
      'a character outside base64url',
      () => `kez:z1:${body().slice(0, 20)}+${body().slice(21)}`,
      /not base64url \(bad character\)/,
    ],
    [
      'the zstd magic number',
      () => `kez:z1:L${body().slice(1)}`,
      /not a valid zstd frame: bad magic number/,
    ],
    [
      'the frame cut short (last 6 bytes dropped, re-encoded as valid base64url)',
      () => `kez:z1:${Buffer.from(body(), 'base64url').subarray(0, -6).toString('base64url')}`,
      /not a valid zstd frame: truncated block/,
    ],
    ['a stray trailing frame byte', () => `kez:z1:${body()}AAAA`, /trailing bytes after the frame/],
  ];
  for (const [what, make, message] of DAMAGE) {
    for (const encoding of ['compact', 'dns'] as const) {
      test(`${encoding}: ${what}`, async () => {
        const text = make();
        const input = encoding === 'dns' ? `"${text.slice(0, 255)}" "${text.slice(255)}"` : text;
        const v = await verify(file(input));
        assert.equal(v.code, 2, v.stdout + v.stderr);
        assert.equal(v.stdout, '');
        const lines = errorLines(v);
        assert.equal(lines.length, 1, v.stderr);
        assert.match(lines[0]!, /^kez: .* is not a claim: /);
        assert.match(lines[0]!, message);
        assert.match(lines[0]!, /\(malformed\)$/);
      });
    }
  }
});

describe('expiry, clock and requirements', { concurrency: true }, () => {
  let path = '';
  let key = '';
  let npub = '';
  before(async () => {
    const c = await kez(
      [
        'claim',
        'create',
        'ap:@Alice@Example.social',
        '--key',
        'nostr',
        '--expires',
        '1h',
        '--json',
      ],
      {
        home,
        env: { KEZ_NOW: String(NOW) },
      },
    );
    assert.equal(c.code, 0, c.stderr);
    const r = json(c);
    assert.equal(r.expires_at, NOW + 3600);
    path = file(String(r.encoded));
    key = String(r.key);
    npub = String(r.npub);
  });

  test('valid one second before expires_at, expired (exit 1) at it', async () => {
    const ok = await verify(path, [], { KEZ_NOW: String(NOW + 3599) });
    assert.equal(ok.code, 0, ok.stderr);
    const late = await verify(path, [], { KEZ_NOW: String(NOW + 3600) });
    assert.equal(late.code, 1);
    assert.equal(json(late).status, 'expired');
    assert.equal(json(late).reason, 'expired');
  });

  test('a claim dated beyond the clock skew is not yet valid (exit 1)', async () => {
    const v = await verify(path, [], { KEZ_NOW: String(NOW - 301) });
    assert.equal(v.code, 1);
    assert.equal(json(v).reason, 'not_yet_valid');
    assert.equal((await verify(path, [], { KEZ_NOW: String(NOW - 300) })).code, 0);
  });

  test('creating an already-expired claim is refused (exit 2)', async () => {
    for (const when of ['2020-01-01', '0s']) {
      const r = await kez(
        ['claim', 'create', 'dns:example.com', '--key', 'nostr', '--expires', when],
        {
          home,
          env: { KEZ_NOW: String(NOW) },
        },
      );
      assert.equal(r.code, 2, when);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^kez: --expires ".*" is not in the future .*\(usage\)\nhint: /);
    }
    const junk = await kez(
      ['claim', 'create', 'dns:example.com', '--key', 'nostr', '--expires', 'soon'],
      { home },
    );
    assert.equal(junk.code, 2);
    assert.match(junk.stderr, /neither a duration nor a date/);
  });

  test('--expires takes an ISO date', async () => {
    const r = await kez(
      [
        'claim',
        'create',
        'dns:example.com',
        '--key',
        'ed25519',
        '--expires',
        '2030-01-02T03:04:05Z',
        '--json',
      ],
      { home, env: { KEZ_NOW: String(NOW) } },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(json(r).expires_at, Date.UTC(2030, 0, 2, 3, 4, 5) / 1000);
  });

  test('--identity and --key: match → 0; another identity or key → 1 with the reason', async () => {
    assert.equal(
      (await verify(path, ['--identity', 'mastodon:alice@example.social', '--key', npub])).code,
      0,
    );
    assert.equal((await verify(path, ['--key', key])).code, 0);
    const wrongId = await verify(path, ['--identity', 'ap:@bob@example.social']);
    assert.equal(wrongId.code, 1);
    assert.equal(json(wrongId).reason, 'subject_mismatch');
    const wrongKey = await verify(path, ['--key', flipKey(key)]);
    assert.equal(wrongKey.code, 1);
    assert.equal(json(wrongKey).reason, 'key_mismatch');
  });

  test('a malformed --identity or --key is a usage error (exit 2)', async () => {
    const v = await verify(path, ['--identity', 'myspace:tom']);
    assert.equal(v.code, 2);
    assert.match(v.stderr, /^kez: unknown channel "myspace" .*\(malformed\)\n$/);
    const k = await verify(path, ['--key', 'rsa:00']);
    assert.equal(k.code, 2);
    assert.match(k.stderr, /\(unknown_suite\)\n$/);
  });

  test('--out into a missing directory is exit 4 naming that file', async () => {
    const out = join(home, 'no-such-dir', 'claim.txt');
    const r = await kez(['claim', 'create', 'dns:example.com', '--key', 'nostr', '--out', out], {
      home,
    });
    assert.equal(r.code, 4);
    assert.equal(r.stdout, '');
    assert.deepEqual(errorLines(r), [`kez: ${out}: no such file or directory (io_error)`]);
  });

  test('signing with a wrong passphrase is exit 4 and writes nothing', async () => {
    const r = await kez(['key', 'generate', '--name', 'locked', '--encrypt'], {
      home,
      env: { KEZ_PASSPHRASE: 'right' },
    });
    assert.equal(r.code, 0, r.stderr);
    const out = join(home, 'locked-claim.txt');
    const c = await kez(['claim', 'create', 'dns:example.com', '--key', 'locked', '--out', out], {
      home,
      env: { KEZ_PASSPHRASE: 'wrong' },
    });
    assert.equal(c.code, 4);
    assert.match(c.stderr, /^kez: wrong passphrase for key "locked" .*\(bad_passphrase\)/);
    assert.throws(() => readFileSync(out));
    const ok = await kez(['claim', 'create', 'dns:example.com', '--key', 'locked'], {
      home,
      env: { KEZ_PASSPHRASE: 'right' },
    });
    assert.equal(ok.code, 0, ok.stderr);
  });
});

describe('device claims', () => {
  test('--primary names the primary key in the signed claim; a malformed one is exit 2', async () => {
    const primary = 'nostr:f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9';
    const c = await kez(
      [
        'claim',
        'create',
        'github:alice',
        '--key',
        'ed25519',
        '--primary',
        primary,
        '--encoding',
        'json',
      ],
      {
        home,
        env: { KEZ_NOW: String(NOW) },
      },
    );
    assert.equal(c.code, 0, c.stderr);
    const { claim } = await decodeClaim(c.stdout.trim());
    assert.equal(claim.primary, primary);
    assert.notEqual(claim.key, primary);
    const v = await verify(file(c.stdout.trim()));
    assert.equal(v.code, 0, v.stderr);
    const bad = await kez(
      ['claim', 'create', 'github:alice', '--key', 'ed25519', '--primary', 'nostr:zz'],
      { home },
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^kez: .*nostr public key/);
  });
});
