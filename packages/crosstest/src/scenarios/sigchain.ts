/**
 * Sigchains (SPEC §8), both suites: built with the kez CLI → read and shown in
 * Chromium, built in Chromium → imported, shown and exported by the CLI, the
 * JSONL bundle byte-identical from both sides; every SPEC §12.2 vector reproduced in Chromium; and the
 * bundles checked line by line without core (canonicalize, SHA-256 links,
 * signatures by noble and OpenSSL over the SPEC §4.3 prefixes).
 */
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { schnorr } from '@noble/curves/secp256k1.js';
import canonicalize from 'canonicalize';
import { repoRoot } from '../bundle.js';
import { chainProblem } from '../chain-build.js';
import { cliBuildChain, cliReadChain } from '../cli-chain.js';
import type { BuiltChain } from '../chain-build.js';
import { memo, SUITES } from '../context.js';
import type { Ctx } from '../context.js';
import type { SuiteName } from '../browser/api.js';
import { check, ScenarioError } from '../runner.js';
import type { Scenario } from '../runner.js';

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

/** SPEC §4.3 prefixes, copied as hex from its table. */
const PREFIX_HEX = {
  event: '4b455a2d76302e322f6576656e740a',
  'rotate-countersign': '4b455a2d76302e322f726f746174652d636f756e7465727369676e0a',
};

function verifyIndependently(
  keyRef: string,
  sigHex: string,
  kind: keyof typeof PREFIX_HEX,
  body: object,
): boolean {
  const [suite, pkHex] = keyRef.split(':') as [string, string];
  const jcs = canonicalize(body);
  if (jcs === undefined) return false;
  const digest = sha256(Buffer.concat([Buffer.from(PREFIX_HEX[kind], 'hex'), Buffer.from(jcs)]));
  const sig = Buffer.from(sigHex, 'hex');
  const pk = Buffer.from(pkHex, 'hex');
  if (suite === 'nostr') return schnorr.verify(sig, digest, pk);
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: pk.toString('base64url') },
    format: 'jwk',
  });
  return nodeVerify(null, digest, key, sig);
}

/** The bundle rules of SPEC §8.9 and the links of §8.4, checked with no KEZ code at all. */
function bundleProblem(bundle: string): string | undefined {
  if (!bundle.endsWith('\n') || bundle.includes('\r')) return 'lines must end with LF, no CR';
  const lines = bundle.slice(0, -1).split('\n');
  let prevId: string | null = null;
  for (const [i, line] of lines.entries()) {
    const e = JSON.parse(line) as Record<string, unknown>;
    if (canonicalize(e) !== line) return `line ${i + 1} is not JCS`;
    if (e.seq !== i + 1) return `line ${i + 1} has seq ${String(e.seq)}`;
    if (e.prev !== prevId) return `line ${i + 1}: prev is not SHA-256 of line ${i}`;
    const { sig, ...unsigned } = e;
    if (!verifyIndependently(String(e.signer), String(sig), 'event', unsigned))
      return `line ${i + 1}: event signature does not verify`;
    if (e.op === 'rotate') {
      const { countersig, ...body } = unsigned;
      if (!verifyIndependently(String(e.new_key), String(countersig), 'rotate-countersign', body))
        return `line ${i + 1}: countersignature does not verify`;
    }
    prevId = sha256(line).toString('hex');
  }
  return undefined;
}

interface VectorCase {
  comment: string;
  now: number;
  chain: string;
  events: string[];
  claims?: string[];
  bundle: string;
  expect: { state: unknown; unapplied: unknown; dropped: unknown; claims: unknown };
}

export function sigchainScenarios(ctx: Ctx): Scenario[] {
  const cliChain = memo(
    (s) => s,
    (suite: SuiteName) => cliBuildChain(ctx, suite),
  );
  const browserChain = memo(
    (s) => s,
    (suite: SuiteName) => ctx.browser.core('buildChain', suite, ctx.now()),
  );
  const out: Scenario[] = [];
  for (const suite of SUITES) {
    out.push({
      name: `sigchain/cli-to-browser/${suite}`,
      async run() {
        const b: BuiltChain = await cliChain(suite);
        const art = { 'kez sigchain export': b.bundle };
        const r = await ctx.browser.core('readChain', b.bundle, b.chain, ctx.now());
        const problem = chainProblem(r.summary, b);
        check(!problem, `browser state: ${problem}`, { ...art, 'browser shows': r.shown });
        check(
          r.shown.includes(b.expect.claimId) && r.shown.includes(b.expect.rotatedTo),
          'the page does not show the state',
          art,
        );
        check(r.bundle === b.bundle, 'browser re-export is not byte-identical to the CLI bundle', {
          ...art,
          'browser export': r.bundle,
        });
        return { ...art, 'browser shows': r.shown };
      },
    });
    out.push({
      name: `sigchain/browser-to-cli/${suite}`,
      async run() {
        const b = await browserChain(suite);
        const art = { 'browser bundle': b.bundle };
        const r = await cliReadChain(ctx, b.bundle, b.chain, `browser-${suite}`);
        const problem = chainProblem(r.summary, b);
        check(!problem, `kez sigchain show: ${problem}`, art);
        const mine = await ctx.browser.core('readChain', b.bundle, b.chain, ctx.now());
        check(isDeepStrictEqual(r.summary, mine.summary), 'CLI and browser states differ', {
          ...art,
          cli: JSON.stringify(r.summary),
          browser: JSON.stringify(mine.summary),
        });
        check(
          r.bundle === b.bundle,
          'kez sigchain export is not byte-identical to the browser bundle',
          {
            ...art,
            'kez sigchain export': r.bundle,
          },
        );
        return art;
      },
    });
  }
  out.push({
    name: 'indep/sigchain-bundles',
    // Both sides' bundles, line by line, without KEZ code.
    async run() {
      const bundles = await Promise.all(SUITES.flatMap((s) => [cliChain(s), browserChain(s)]));
      const bad = bundles.map((b, i) => [i, bundleProblem(b.bundle)] as const).filter(([, p]) => p);
      if (bad.length)
        throw new ScenarioError(
          bad.map(([i, p]) => `${i % 2 ? 'browser' : 'cli'} ${SUITES[i >> 1]}: ${p}`).join('; '),
        );
      return Object.fromEntries(
        bundles.map((b, i) => [`${i % 2 ? 'browser' : 'cli'} ${SUITES[i >> 1]}`, b.bundle]),
      );
    },
  });
  out.push({
    name: 'sigchain/vectors-in-browser',
    // Every SPEC §12.2 vector processed by core in Chromium: state, unapplied,
    // dropped, claim verdicts, and the bundle reproduced byte for byte.
    async run() {
      const dir = join(repoRoot, 'test-vectors/sigchain');
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort();
      const bad: string[] = [];
      for (const f of files) {
        const c = JSON.parse(readFileSync(join(dir, f), 'utf8')) as VectorCase;
        const r = await ctx.browser.core('runSigchainVector', {
          now: c.now,
          chain: c.chain,
          events: c.events,
          ...(c.claims && { claims: c.claims }),
        });
        for (const k of ['state', 'unapplied', 'dropped', 'claims'] as const)
          if (!isDeepStrictEqual(r[k], c.expect[k])) bad.push(`${f}: ${k} differs`);
        if (r.bundle !== c.bundle) bad.push(`${f}: bundle differs`);
      }
      check(files.length >= 30, `only ${files.length} sigchain vectors`);
      if (bad.length)
        throw new ScenarioError(`${bad.length} mismatches — ${bad.slice(0, 4).join('; ')}`);
      return { vectors: `${files.length} files` };
    },
  });
  return out;
}
