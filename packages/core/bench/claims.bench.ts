/**
 * Claim verifications/s per suite beside the raw primitive's verifications/s,
 * measured in the same process, interleaved, so machine noise hits both alike.
 * Run alone: node --import tsx --conditions=kez-source packages/core/bench/claims.bench.ts
 */
import '@kez/core-node/install';
import { createPublicKey, verify } from 'node:crypto';
import { schnorr } from '@noble/curves/secp256k1.js';
import {
  checkClaim,
  createClaim,
  fromHex,
  getSuite,
  parseKeyRef,
  signingDigest,
  type Claim,
  type SuiteName,
} from '@kez/core';
import { median } from '@kez/testkit';

const NOW = 1764000000;

/**
 * Operations per CPU-second of this process (all its threads, so WebCrypto's
 * thread pool counts): on a shared machine wall time also measures the neighbours.
 */
async function opsPerSecond(fn: () => Promise<unknown>, ms: number): Promise<number> {
  const end = performance.now() + ms;
  let n = 0;
  const c0 = process.cpuUsage();
  // Eight in flight, as a verifier checking a graph or a chain keeps several going.
  const lane = async () => {
    while (performance.now() < end) {
      await fn();
      n++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  const c = process.cpuUsage(c0);
  return (n * 1e6) / (c.user + c.system);
}

/**
 * The primitive alone, over a precomputed digest and decoded key/signature: for
 * ed25519 the one core runs on Node (node:crypto's synchronous verify, installed
 * by @kez/core-node) and, for reference, WebCrypto's.
 */
async function rawVerifiers(
  suite: SuiteName,
  claim: Claim,
): Promise<{ name: string; fn: () => Promise<boolean> }[]> {
  const pk = parseKeyRef(claim.key).publicKey;
  const sig = fromHex(claim.sig, 64, 'sig');
  const digest = signingDigest('claim', claim);
  if (suite === 'nostr')
    return [{ name: 'noble schnorr.verify', fn: async () => schnorr.verify(sig, digest, pk) }];
  const keyObject = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(pk).toString('base64url') },
    format: 'jwk',
  });
  const subtle = globalThis.crypto.subtle;
  const key = await subtle.importKey(
    'raw',
    pk as Uint8Array<ArrayBuffer>,
    { name: 'Ed25519' },
    false,
    ['verify'],
  );
  return [
    { name: 'node:crypto verify', fn: async () => verify(null, digest, keyObject, sig) },
    {
      name: 'WebCrypto Ed25519',
      fn: () =>
        subtle.verify(
          { name: 'Ed25519' },
          key,
          sig as Uint8Array<ArrayBuffer>,
          digest as Uint8Array<ArrayBuffer>,
        ),
    },
  ];
}

export async function run(ms = 6000): Promise<string[]> {
  const lines: string[] = [];
  for (const suite of ['nostr', 'ed25519'] as const) {
    const claim = await createClaim({
      subject: 'github:jason',
      suite,
      secretKey: getSuite(suite).generateSecretKey(),
      now: NOW,
      expiresAt: NOW + 86400,
    });
    // A fresh copy per round, as a verifier gets from parsing; checkClaim does the whole offline check.
    const full = async () => {
      const r = await checkClaim({ ...claim }, { now: NOW + 1, subject: 'github:jason' });
      if (r.status !== 'valid') throw new Error('bench claim did not verify');
    };
    const raws = await rawVerifiers(suite, claim);
    for (const r of raws) if (!(await r.fn())) throw new Error(`${r.name} did not verify`);
    // Each raw primitive is paired with the full check in its own phase of short rounds, in
    // alternating order (ABBA), so what one run leaves behind (garbage, a busy thread pool)
    // lands on both sides alike; the median of per-round ratios resists a shared machine's noise.
    const rounds = 24;
    const slice = ms / rounds / 2;
    for (const [i, raw] of raws.entries()) {
      const rawRates: number[] = [];
      const fullRates: number[] = [];
      const ratios: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const fullFirst = round % 2 === 1;
        const f0 = fullFirst ? await opsPerSecond(full, slice) : 0;
        const r = await opsPerSecond(raw.fn, slice);
        const f = fullFirst ? f0 : await opsPerSecond(full, slice);
        rawRates.push(r);
        fullRates.push(f);
        ratios.push(f / r);
      }
      // The first raw is the primitive core runs on: the target applies to it.
      const target = i === 0 ? '(target ≥ 0.90)' : '(reference)';
      lines.push(
        `claim verify  ${suite.padEnd(8)} ${median(fullRates).toFixed(0).padStart(7)} claims/cpu-s   raw ${raw.name.padEnd(20)} ${median(rawRates).toFixed(0).padStart(7)} /cpu-s   ratio ${median(ratios).toFixed(2)} ${target}`,
      );
    }
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const l of await run()) console.log(l);
}
