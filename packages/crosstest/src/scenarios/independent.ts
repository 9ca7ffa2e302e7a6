/**
 * Independent implementations check what both KEZ sides made: @noble/curves
 * and the schnorr nostr-tools ships for nostr claims, OpenSSL (node:crypto)
 * and Chromium's WebCrypto for ed25519 claims, the Debian `zstd` CLI for the
 * compressed forms, and the `canonicalize` package for the JCS bytes. None of
 * them goes through @kez/core: the claims are taken apart by indep/decode.ts.
 */
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { schnorr } from '@noble/curves/secp256k1.js';
import canonicalize from 'canonicalize';
import { ENCODINGS } from '../context.js';
import type { Ctx, Made } from '../context.js';
import type { SuiteName } from '../browser/api.js';
import { claimSigningParts } from '../indep/claim-digest.js';
import { unwrap } from '../indep/decode.js';
import { ed25519StrictProblem } from '../indep/ed25519-strict.js';
import { frameHeader, zstdCliCompress } from '../indep/zstd-cli.js';
import { check, ScenarioError } from '../runner.js';
import type { Artifacts, Scenario } from '../runner.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();

/** Every claim of a suite both sides made (4 encodings × CLI and browser). */
async function allMade(ctx: Ctx, suite: SuiteName): Promise<Made[]> {
  return Promise.all(
    ENCODINGS.flatMap((e) => [ctx.cliClaim(suite, e), ctx.browserClaim(suite, e)]),
  );
}

const label = (m: Made) => `${m.by} ${m.suite} ${m.encoding}`;

/** Run `f` on each claim; collect every failure (one line each) instead of stopping at the first. */
async function eachClaim(
  claims: Made[],
  f: (m: Made, json: string) => Promise<string | undefined> | string | undefined,
): Promise<Artifacts> {
  const art: Artifacts = {};
  const bad: string[] = [];
  for (const m of claims) {
    art[label(m)] = m.encoded;
    try {
      const problem = await f(m, unwrap(m.encoded, m.encoding).json);
      if (problem) bad.push(`${label(m)}: ${problem}`);
    } catch (e) {
      bad.push(`${label(m)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (bad.length)
    throw new ScenarioError(`${bad.length}/${claims.length} failed — ${bad.join('; ')}`, art);
  return art;
}

interface SchnorrLike {
  verify(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean;
}

/** The schnorr nostr-tools itself signs and verifies events with: its own @noble/curves, resolved from its package. */
async function nostrToolsSchnorr(): Promise<{ schnorr: SchnorrLike; version: string }> {
  const ntEntry = fileURLToPath(import.meta.resolve('nostr-tools'));
  const req = createRequire(ntEntry);
  const file = req.resolve('@noble/curves/secp256k1.js');
  const mod = (await import(pathToFileURL(file).href)) as { schnorr: SchnorrLike };
  const pkg = JSON.parse(readFileSync(join(dirname(file), 'package.json'), 'utf8')) as {
    version: string;
  };
  return { schnorr: mod.schnorr, version: pkg.version };
}

export function independentScenarios(ctx: Ctx): Scenario[] {
  return [
    {
      name: 'indep/encodings-are-jcs',
      // Every artifact, taken apart without core, is byte-exact JCS per the
      // canonicalize package, and its SHA-256 is the claim id its maker reported.
      async run() {
        const claims = [...(await allMade(ctx, 'nostr')), ...(await allMade(ctx, 'ed25519'))];
        return eachClaim(claims, (m, json) => {
          const jcs = canonicalize(JSON.parse(json));
          if (jcs !== json)
            return `not JCS: ${json.slice(0, 80)}… vs canonicalize ${jcs?.slice(0, 80)}…`;
          const id = sha256(Buffer.from(json)).toString('hex');
          return id === m.id ? undefined : `SHA-256 ${id} is not the claim id ${m.id}`;
        });
      },
    },
    {
      name: 'indep/noble-schnorr',
      async run() {
        return eachClaim(await allMade(ctx, 'nostr'), (_m, json) => {
          const p = claimSigningParts(json);
          if (p.suite !== 'nostr') return `suite ${p.suite}`;
          return schnorr.verify(p.sig, sha256(p.input), p.publicKey)
            ? undefined
            : 'schnorr.verify(sig, sha256(prefix ‖ JCS), key) is false';
        });
      },
    },
    {
      name: 'indep/nostr-tools-schnorr',
      async run() {
        const { schnorr: nt, version } = await nostrToolsSchnorr();
        const { npubEncode, decode } = await import('nostr-tools/nip19');
        const art = await eachClaim(await allMade(ctx, 'nostr'), (_m, json) => {
          // claimSigningParts parses the text afresh: nothing verified earlier is trusted.
          const p = claimSigningParts(json);
          const npub = npubEncode(Buffer.from(p.publicKey).toString('hex'));
          const back = decode(npub);
          if (back.type !== 'npub' || back.data !== Buffer.from(p.publicKey).toString('hex'))
            return `nip19 npub round trip failed for ${npub}`;
          return nt.verify(p.sig, sha256(p.input), p.publicKey)
            ? undefined
            : `nostr-tools' schnorr (@noble/curves ${version}) rejects the signature`;
        });
        return { ...art, 'nostr-tools @noble/curves': version };
      },
    },
    {
      name: 'indep/node-crypto-ed25519',
      async run() {
        return eachClaim(await allMade(ctx, 'ed25519'), (_m, json) => {
          const p = claimSigningParts(json);
          if (p.suite !== 'ed25519') return `suite ${p.suite}`;
          const problem = ed25519StrictProblem(p.publicKey, p.sig);
          if (problem) return problem;
          const key = createPublicKey({
            key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(p.publicKey).toString('base64url') },
            format: 'jwk',
          });
          return nodeVerify(null, sha256(p.input), key, p.sig)
            ? undefined
            : 'crypto.verify is false';
        });
      },
    },
    {
      name: 'indep/webcrypto-ed25519',
      async run() {
        return eachClaim(await allMade(ctx, 'ed25519'), async (_m, json) => {
          const r = await ctx.browser.indep('webcryptoEd25519', json);
          return r.ok ? undefined : `Chromium WebCrypto: ${r.why}`;
        });
      },
    },
    {
      name: 'indep/zstd-cli-decompress',
      // `zstd -d` takes every compact and dns payload back to the exact JCS,
      // and every frame follows the encoder rule of SPEC §6.2.
      async run() {
        const made = [...(await allMade(ctx, 'nostr')), ...(await allMade(ctx, 'ed25519'))].filter(
          (m) => m.encoding === 'compact' || m.encoding === 'dns',
        );
        return eachClaim(made, (m, json) => {
          const { frame } = unwrap(m.encoded, m.encoding);
          const h = frameHeader(frame!);
          if (!h.contentSizePresent || h.checksum || h.dictionary)
            return `frame header breaks SPEC §6.2: ${JSON.stringify(h)}`;
          if (canonicalize(JSON.parse(json)) !== json) return 'decompressed bytes are not JCS';
          return sha256(Buffer.from(json)).toString('hex') === m.id
            ? undefined
            : 'not the claim id';
        });
      },
    },
    {
      name: 'indep/zstd-cli-compress-accepted',
      // A payload made by `zstd -19 --check` (another compressor, level and a
      // checksum) is accepted by both KEZ sides, in compact and in dns form.
      async run() {
        const art: Artifacts = {};
        for (const suite of ['nostr', 'ed25519'] as const) {
          const m = await ctx.cliClaim(suite, 'json');
          const frame = zstdCliCompress(Buffer.from(m.encoded));
          check(frameHeader(frame).checksum, 'zstd --check made no checksum');
          const compact = 'kez:z1:' + frame.toString('base64url');
          // Split at 100 bytes, not 255: decoders must accept any split (SPEC §6.4).
          const dns = (compact.match(/.{1,100}/g) ?? []).map((s) => `"${s}"`).join(' ');
          for (const [enc, text] of [
            ['compact', compact],
            ['dns', dns],
          ] as const) {
            art[`zstd -19 ${suite} ${enc}`] = text;
            const file = join(ctx.tmp, `zstd19-${suite}-${enc}.txt`);
            writeFileSync(file, text);
            // The CLI takes one form per suite (each start costs ~0.7 s of CPU); the browser takes all four.
            if ((suite === 'nostr') === (enc === 'compact')) {
              const v = await ctx.cli.run(['claim', 'verify', file, '--key', m.key]);
              check(
                v.code === 0,
                `kez claim verify (${suite} ${enc}) exited ${v.code}: ${v.stderr.trim()}`,
                art,
              );
            }
            const b = await ctx.browser.core('checkClaimText', text, {
              subject: m.subject,
              key: m.key,
              now: ctx.now(),
            });
            check(
              b.status === 'valid',
              `browser (${suite} ${enc}): ${b.status}/${b.reason} ${b.detail ?? ''}`,
              art,
            );
            check(b.id === m.id, `browser (${suite} ${enc}) claim id differs`, art);
          }
        }
        return art;
      },
    },
    {
      name: 'indep/zstd-cli-checksum-enforced',
      // SPEC §6.2: a present checksum MUST be verified. Flip one checksum bit.
      async run() {
        const m = await ctx.cliClaim('ed25519', 'json');
        const frame = zstdCliCompress(Buffer.from(m.encoded));
        frame[frame.length - 1]! ^= 0x01;
        const compact = 'kez:z1:' + frame.toString('base64url');
        const art = { 'bad checksum': compact };
        const file = join(ctx.tmp, 'zstd-bad-checksum.txt');
        writeFileSync(file, compact);
        const v = await ctx.cli.run(['claim', 'verify', file]);
        check(v.code === 2, `kez claim verify exited ${v.code}, not 2 (malformed)`, art);
        const b = await ctx.browser.core('checkClaimText', compact, {
          subject: m.subject,
          key: m.key,
          now: ctx.now(),
        });
        check(b.reason === 'malformed', `browser says ${b.status}/${b.reason}, not malformed`, art);
        return art;
      },
    },
  ];
}
