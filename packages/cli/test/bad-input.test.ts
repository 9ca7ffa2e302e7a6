/**
 * Input that is not a claim at all: every case exits 2 with exactly one
 * `kez: … (<reason>)` line naming the problem, no stack trace, nothing on stdout.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { canonicalize, createClaim, encodeClaim, getSuite, utf8, zstdCompress } from '@kez/core';
import type { Claim } from '@kez/core';
import { errorLines, kez, tempHome } from './run-kez.js';

const { home, cleanup } = tempHome();
after(cleanup);

let claim: Claim;
let jcs = '';
let compact = '';
before(async () => {
  claim = await createClaim({
    subject: 'dns:example.com',
    suite: 'ed25519',
    secretKey: getSuite('ed25519').generateSecretKey(),
    now: 1_700_000_000,
  });
  jcs = canonicalize(claim);
  compact = await encodeClaim(claim, 'compact');
});

/**
 * A zstd frame of RLE blocks (RFC 8878 §3.1.1.2) with no declared content size:
 * 800 × 128 KiB = 100 MiB of output from 3.2 KB of input.
 */
function rleBomb(blocks = 800): Uint8Array {
  // magic; frame header: no size, not single-segment, no checksum, no dict; window 2 MiB.
  const out = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58];
  for (let i = 0; i < blocks; i++) {
    const h = (i === blocks - 1 ? 1 : 0) | (1 << 1) | ((128 * 1024) << 3);
    out.push(h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 0x00);
  }
  return Uint8Array.from(out);
}

const asCompact = (bytes: Uint8Array) => 'kez:z1:' + Buffer.from(bytes).toString('base64url');
/** The claim's JCS text with `from` replaced by `to` (fails loudly if `from` is absent). */
const edit = (from: string, to: string) => {
  assert.ok(jcs.includes(from), `JCS lacks ${from}`);
  return jcs.replace(from, to);
};

/** [case, input, what the error line must say, reason code]. Inputs are built lazily (after `before`). */
const CASES: [string, () => Promise<string | Uint8Array> | string | Uint8Array, RegExp, string][] =
  [
    [
      'truncated base64url',
      () => {
        const body = compact.slice(7);
        // Length ≡ 1 (mod 4) can never be base64.
        return 'kez:z1:' + body.slice(0, body.length - (((body.length % 4) + 3) % 4));
      },
      /not valid base64url \(truncated or bad padding\)/,
      'malformed',
    ],
    [
      'wrong prefix kez:z2:',
      () => compact.replace('kez:z1:', 'kez:z2:'),
      /unknown compact form "kez:z2:"/,
      'malformed',
    ],
    [
      'oversized input (70 KB)',
      () => 'kez:z1:' + 'A'.repeat(70_000),
      /larger than 65536 bytes/,
      'malformed',
    ],
    [
      'zstd bomb declaring 10 MB',
      async () => asCompact(await zstdCompress(new Uint8Array(10 * 1024 * 1024))),
      /declares 10485760 bytes; the limit is 65536/,
      'malformed',
    ],
    [
      'zstd bomb of RLE blocks (~100 MB, no declared size)',
      () => asCompact(rleBomb()),
      /inflates past the 65536-byte limit/,
      'malformed',
    ],
    [
      'compressed text that is not JSON',
      async () => asCompact(await zstdCompress(utf8('not json'))),
      /invalid JSON/,
      'malformed',
    ],
    ['invalid JSON', () => jcs.slice(0, 40), /invalid JSON: .* at offset/, 'malformed'],
    [
      'duplicate keys',
      () => jcs.replace('{', `{"sig":"${claim.sig}",`),
      /invalid JSON: duplicate key "sig"/,
      'malformed',
    ],
    [
      'wrong type (created_at as a string)',
      () => edit('"created_at":1700000000', '"created_at":"1700000000"'),
      /"created_at" must be a non-negative integer/,
      'malformed',
    ],
    [
      'wrong type (sig as a number)',
      () => edit(`"sig":"${claim.sig}"`, '"sig":12'),
      /"sig" must be a string/,
      'malformed',
    ],
    [
      'unknown suite',
      () => edit('"key":"ed25519:', '"key":"rsa:'),
      /unknown suite "rsa"/,
      'unknown_suite',
    ],
    [
      'unknown top-level field',
      () => edit('{', '{"colour":"red",'),
      /unknown field "colour"/,
      'malformed',
    ],
    [
      'small-order Ed25519 key',
      () => edit(claim.key, 'ed25519:01' + '00'.repeat(31)),
      /public key is not acceptable/,
      'weak_key',
    ],
    ['no known encoding', () => 'hello, world', /unrecognized encoding/, 'malformed'],
    ['empty input', () => '', /unrecognized encoding/, 'malformed'],
    [
      'invalid UTF-8',
      () => Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]),
      /not valid UTF-8/,
      'malformed',
    ],
    [
      'Markdown fence holding broken JSON',
      () => '```kez\n{"kez":\n```\n',
      /invalid JSON/,
      'malformed',
    ],
    [
      'DNS TXT with an unterminated string',
      () => `"${compact}`,
      /unterminated string/,
      'malformed',
    ],
  ];

describe('bad input → exit 2, one line, no stack', { concurrency: true }, () => {
  let n = 0;
  for (const [name, make, message, reason] of CASES) {
    test(name, async () => {
      const path = join(home, `bad-${n++}.txt`);
      writeFileSync(path, await make());
      const r = await kez(['claim', 'verify', path], { home });
      assert.equal(r.code, 2, `exit ${r.code}\n${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.ok(!r.stderr.includes('    at '), r.stderr);
      const lines = errorLines(r);
      assert.equal(lines.length, 1, r.stderr);
      // The line names the input first: `kez: <file> is not a claim: …` (or `… is larger than …`).
      assert.ok(lines[0]!.startsWith(`kez: ${path} is `), lines[0]);
      assert.match(lines[0]!, message);
      assert.ok(lines[0]!.endsWith(` (${reason})`), lines[0]);
    });
  }

  test('the same through stdin names "stdin"', async () => {
    const r = await kez(['claim', 'verify', '-'], {
      home,
      input: compact.replace('kez:z1:', 'kez:z2:'),
    });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.deepEqual(errorLines(r), [
      'kez: stdin is not a claim: unknown compact form "kez:z2:" (this verifier reads kez:z1:) (malformed)',
    ]);
  });

  test('endless stdin is cut at the limit, not slurped', async () => {
    const r = await kez(['claim', 'verify', '-'], {
      home,
      input: 'kez:z1:' + 'A'.repeat(1_000_000),
    });
    assert.equal(r.code, 2);
    assert.deepEqual(errorLines(r), ['kez: stdin is larger than 65536 bytes (malformed)']);
  });

  test('a missing file is a local I/O error (exit 4)', async () => {
    const r = await kez(['claim', 'verify', join(home, 'nope.txt')], { home });
    assert.equal(r.code, 4);
    assert.deepEqual(errorLines(r), [
      `kez: ${join(home, 'nope.txt')}: no such file or directory (io_error)`,
    ]);
  });

  test('KEZ_DEBUG=1 adds the stack trace', async () => {
    const r = await kez(['claim', 'verify', '-'], {
      home,
      input: 'hello',
      env: { KEZ_DEBUG: '1' },
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^kez: stdin is not a claim: unrecognized encoding/);
    assert.ok(r.stderr.includes('    at '));
  });
});
