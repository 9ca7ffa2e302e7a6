import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { schnorr } from '@noble/curves/secp256k1.js';
import { base64urlnopad } from '@scure/base';
import {
  canonicalize,
  checkClaim,
  createClaim,
  decodeClaim,
  encodeClaim,
  ENCODINGS,
  extractClaims,
  getSuite,
  InputError,
  inspectFrame,
  normalizeIdentity,
  parseKeyRef,
  zstdCompress,
  zstdDecompressBounded,
} from '@kez/core';
import type { Json } from '@kez/core';
import { repoRoot } from './_util.js';

const NOW = 1764000000;

describe('signature bytes are exactly what SPEC §4.2 says', () => {
  test('a nostr claim verifies with @noble/curves called directly over sha256("KEZ-v0.2/claim\\n" ‖ JCS)', async () => {
    const sk = schnorr.utils.randomSecretKey();
    const claim = await createClaim({
      subject: 'github:jason',
      suite: 'nostr',
      secretKey: sk,
      now: NOW,
    });
    const { sig, ...unsigned } = claim;
    const preimage = Buffer.concat([
      Buffer.from('KEZ-v0.2/claim\n'),
      Buffer.from(JSON.stringify(sortKeys(unsigned))),
    ]);
    const digest = createHash('sha256').update(preimage).digest();
    const pk = Buffer.from(claim.key.slice('nostr:'.length), 'hex');
    assert.equal(schnorr.verify(Buffer.from(sig, 'hex'), digest, pk), true);
    // The same signature over the bare JCS (no domain prefix) must not verify.
    const bare = createHash('sha256')
      .update(JSON.stringify(sortKeys(unsigned)))
      .digest();
    assert.equal(schnorr.verify(Buffer.from(sig, 'hex'), bare, pk), false);
  });
});

// JCS for an object of ASCII strings and small integers is JSON.stringify with sorted keys.
function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('round trips', () => {
  for (const suite of ['nostr', 'ed25519'] as const) {
    test(`${suite}: every encoding decodes to the claim and re-encodes byte-identically`, async () => {
      const sk = getSuite(suite).generateSecretKey();
      for (const subject of [
        'dns:example.com',
        'github:jason',
        'ap:@alice@social.example',
        'bluesky:alice.bsky.social',
      ]) {
        const claim = await createClaim({
          subject,
          suite,
          secretKey: sk,
          now: NOW,
          expiresAt: NOW + 86400,
          ext: { note: 'é ✓ 😂' },
        });
        for (const enc of ENCODINGS) {
          const text = await encodeClaim(claim, enc);
          const back = await decodeClaim(text);
          assert.equal(back.encoding, enc);
          assert.equal(canonicalize(back.claim), canonicalize(claim));
          assert.equal(await encodeClaim(back.claim, enc), text);
          assert.equal((await checkClaim(back.claim, { now: NOW + 1, subject })).status, 'valid');
        }
      }
    });
  }
  test('DNS TXT form splits at 255 bytes and joins in order', async () => {
    const claim = await createClaim({
      subject: 'dns:example.com',
      suite: 'ed25519',
      secretKey: getSuite('ed25519').generateSecretKey(),
      now: NOW,
      ext: { pad: 'x'.repeat(600) },
    });
    const txt = await encodeClaim(claim, 'dns');
    const strings = [...txt.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    assert.ok(strings.length >= 2);
    assert.ok(strings.slice(0, -1).every((s) => s.length === 255));
    assert.equal(strings.join(''), await encodeClaim(claim, 'compact'));
  });
  test('extractClaims finds claims inside surrounding text (gist, bio, post)', async () => {
    const sk = getSuite('nostr').generateSecretKey();
    const a = await createClaim({
      subject: 'github:jason',
      suite: 'nostr',
      secretKey: sk,
      now: NOW,
    });
    const text = `# My proof\n\nsome words\n\n${await encodeClaim(a, 'markdown')}\nand in a bio: ${await encodeClaim(a, 'compact')}. kez:z1:AAAA`;
    const found = await extractClaims(text);
    assert.equal(found.filter((c) => c.claim).length, 2);
    assert.equal(found.filter((c) => c.error).length, 1);
    assert.equal(found.find((c) => c.error)!.error!.code, 'malformed');
  });
});

describe('bounded zstd', () => {
  test('a bomb declaring 1 GiB is refused from its header, before any allocation', async () => {
    // Hand-built frame: single segment, 8-byte content size = 1 GiB, one RLE block of 128 KiB (last).
    const frame = Uint8Array.from([
      0x28,
      0xb5,
      0x2f,
      0xfd,
      0xe0,
      0,
      0,
      0,
      0x40,
      0,
      0,
      0,
      0,
      0x03 | ((0x20000 << 3) & 0xff),
      ((0x20000 << 3) >> 8) & 0xff,
      ((0x20000 << 3) >> 16) & 0xff,
      0,
    ]);
    assert.equal(inspectFrame(frame).contentSize, 2 ** 30);
    const before = process.memoryUsage().rss;
    await assert.rejects(
      zstdDecompressBounded(frame, 65536),
      /declares 1073741824 bytes; the limit is 65536/,
    );
    assert.ok(process.memoryUsage().rss - before < 32 * 2 ** 20);
  });
  test('a bomb without a declared size fails inside the cap with bounded memory', async () => {
    // Many RLE blocks, no content size: the walk bounds it before decompressing.
    const blocks: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const h = (i === 999 ? 1 : 0) | (1 << 1) | (0x20000 << 3);
      blocks.push(h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 0x61);
    }
    const frame = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x50, ...blocks]);
    assert.equal(inspectFrame(frame).contentSize, undefined);
    const t = Date.now();
    await assert.rejects(zstdDecompressBounded(frame, 65536), /inflates past the 65536-byte limit/);
    assert.ok(Date.now() - t < 2000);
  });
  test('two frames, skippable frames and trailing bytes are refused', async () => {
    const one = await zstdCompress(new TextEncoder().encode('{"a":1}'));
    const two = new Uint8Array([...one, ...one]);
    assert.throws(() => inspectFrame(two), /trailing bytes/);
    const skippable = Uint8Array.from([0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0, ...one]);
    assert.throws(() => inspectFrame(skippable), /skippable/);
    await assert.rejects(decodeClaim('kez:z1:' + base64urlnopad.encode(two)), /trailing bytes/);
  });
});

describe('identity strings (SPEC §2)', () => {
  const ok: [string, string][] = [
    ['dns:Example.COM.', 'dns:example.com'],
    ['DNS:sub.example.com', 'dns:sub.example.com'],
    ['github:Jason', 'github:jason'],
    ['mastodon:Alice@Social.Example', 'ap:@alice@social.example'],
    ['ap:@bob@host.example:8443', 'ap:@bob@host.example:8443'],
    ['bluesky:@Alice.bsky.social', 'bluesky:alice.bsky.social'],
    [
      'nostr:' + '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
      'nostr:npub10xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqpkge6d',
    ],
  ];
  for (const [input, want] of ok)
    test(`${input} → ${want}`, () => assert.equal(normalizeIdentity(input), want));
  const bad = [
    'example.com',
    'dns:localhost',
    'dns:-bad.example',
    'github:bad--name',
    'github:' + 'a'.repeat(40),
    'ap:alice',
    'ap:@a@b@c',
    'myspace:tom',
    'nostr:npub1invalid',
    'dns:exämple.com',
    'dns:',
  ];
  for (const input of bad)
    test(`rejects ${JSON.stringify(input)}`, () =>
      assert.throws(() => normalizeIdentity(input), InputError));
});

describe('hostile values at the public entry points', () => {
  const hostile: unknown[] = [
    undefined,
    null,
    0,
    NaN,
    '',
    'x'.repeat(100000),
    [],
    {},
    new Uint8Array(3),
    { toString: () => 'dns:a.b' },
  ];
  test('parseKeyRef, normalizeIdentity, decodeClaim and checkClaim fail cleanly', async () => {
    for (const v of hostile) {
      assert.throws(() => parseKeyRef(v as string), InputError);
      assert.throws(() => normalizeIdentity(v as string), InputError);
      await assert.rejects(decodeClaim(v as string), InputError);
      const r = await checkClaim(v, { now: NOW });
      assert.equal(r.status, 'invalid');
    }
  });
});

describe('@kez/core stays free of I/O (BRIEF §2)', () => {
  test('no node: imports, fetch, process or timers in packages/core/src', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith('.ts') && !n.endsWith('.test.ts')) files.push(p);
      }
    };
    walk(join(repoRoot, 'packages/core/src'));
    assert.ok(files.length > 5);
    for (const f of files) {
      const src = readFileSync(f, 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');
      for (const re of [
        /from ['"]node:/,
        /\bfetch\(/,
        /\bprocess\./,
        /\bsetTimeout\(/,
        /\bDate\.now\(/,
        /\brequire\(/,
      ]) {
        assert.doesNotMatch(src, re, `${f} uses ${re}`);
      }
    }
  });
});

describe('useSha256: a native hash may replace the pure one, never a wrong one', () => {
  test('node:crypto passes the known answers and gives the same ids and digests', async () => {
    const { sha256, useSha256, signingDigest, toHex } = await import('@kez/core');
    const claim = await createClaim({
      subject: 'dns:example.com',
      suite: 'ed25519',
      secretKey: getSuite('ed25519').generateSecretKey(),
      now: NOW,
    });
    const before = toHex(signingDigest('claim', claim));
    const data = new TextEncoder().encode('x'.repeat(1000));
    const pure = toHex(sha256(data));
    useSha256((d) => new Uint8Array(createHash('sha256').update(d).digest()));
    assert.equal(toHex(sha256(data)), pure);
    assert.equal(toHex(signingDigest('claim', claim)), before);
    assert.throws(() => useSha256(() => new Uint8Array(32)), /known-answer/);
    assert.equal(toHex(sha256(data)), pure);
  });
});

describe('the verifier’s direct claim JCS equals RFC 8785 canonicalize (claim.ts unsignedClaimJcs)', () => {
  test('300 claims with every optional member and awkward ext values verify, and any ext change breaks them', async () => {
    const ed = getSuite('ed25519');
    const nostr = getSuite('nostr');
    const awkward = ['é', '\u2028', 'a"b\\c', '\u{1F600}', '\u0000\u001f', '', 'z'.repeat(50)];
    for (let i = 0; i < 300; i++) {
      const suite = i % 2 ? ed : nostr;
      const ext: Record<string, Json> = {};
      for (let j = 0; j < i % 5; j++)
        ext[awkward[(i + j) % awkward.length]!] = [
          j,
          -0.5 * i,
          1e21 + i,
          { [awkward[j]!]: awkward[(i * j) % awkward.length]! },
        ];
      const claim = await createClaim({
        subject: ['github:jason', 'dns:example.com', 'ap:@a@b.example', 'bluesky:x.bsky.social'][
          i % 4
        ]!,
        suite: suite.name,
        secretKey: suite.generateSecretKey(),
        now: NOW + i,
        ...(i % 3 ? { expiresAt: NOW + i + 1 + i * 1000 } : {}),
        ...(i % 7 === 0
          ? {
              primary: `ed25519:${Buffer.from(ed.getPublicKey(ed.generateSecretKey())).toString('hex')}`,
            }
          : {}),
        ...(i % 5 ? { ext } : {}),
      });
      const r = await checkClaim(JSON.parse(canonicalize(claim)), { now: NOW + i });
      assert.equal(r.reason, 'ok', `claim ${i}`);
      if (i % 5) {
        const changed = JSON.parse(canonicalize(claim)) as { ext: Record<string, unknown> };
        changed.ext['extra'] = i;
        assert.equal((await checkClaim(changed, { now: NOW + i })).reason, 'bad_signature');
      }
    }
  });
});
