/**
 * validateChain on 100,000-event ed25519 chains, beside the raw primitive core
 * runs on in Node (node:crypto's Ed25519 verify, installed by @kez/core-node)
 * over the same signatures, in the same process, interleaved, so machine noise
 * hits both alike. Rates are per CPU-second of this process, as in
 * claims.bench.ts; wall-clock rates are printed beside them.
 *
 * Two chains: `single` (one signature per event: revokes, with an add_device
 * every 1,000th event — each new key costs a strict key check: a scalar
 * multiplication in noble, ~3 ms, as much as ~17 verifications) and `add` (every event adds a claim: two signatures
 * per event, the event's and the claim's). The ratio is signatures checked per
 * second inside validateChain ÷ raw verifications per second; for `single`
 * that is also events/s ÷ raw/s. Target ≥ 0.85.
 *
 * Run alone: node --import tsx --conditions=kez-source packages/core/bench/sigchain.bench.ts
 * Events: KEZ_BENCH_EVENTS (default 100000). Chains are built with node:crypto
 * (not measured) and cached in the OS temp directory.
 */
import '@kez/core-node/install';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fromHex, parseKeyRef, signingDigest, validateChain, type ChainEvent } from '@kez/core';
import { buildChain, median } from '@kez/testkit';

const EVENTS = Number(process.env.KEZ_BENCH_EVENTS ?? 100_000);
const CONCURRENCY = 32;
const ROUNDS = 2;

type Triple = [sig: Uint8Array, digest: Uint8Array, key: KeyObject];

function loadChain(kind: 'single' | 'add'): ChainEvent[] {
  const file = join(tmpdir(), `kez-bench-sigchain-v2-${kind}-${EVENTS}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ChainEvent[];
  const t = performance.now();
  const { events } = buildChain(EVENTS, (i) =>
    kind === 'add' ? 'add' : i % 1000 === 0 ? 'add_device' : 'revoke',
  );
  writeFileSync(file, JSON.stringify(events));
  console.error(
    `built ${kind} chain of ${EVENTS} in ${((performance.now() - t) / 1000).toFixed(0)} s`,
  );
  return events;
}

/** Every signature validateChain checks in this chain, decoded and digested ahead (not measured). */
function triples(events: ChainEvent[]): Triple[] {
  const keys = new Map<string, KeyObject>();
  const keyOf = (ref: string) => {
    let k = keys.get(ref);
    if (!k) {
      const x = Buffer.from(parseKeyRef(ref).publicKey).toString('base64url');
      k = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
      keys.set(ref, k);
    }
    return k;
  };
  const out: Triple[] = [];
  for (const e of events) {
    out.push([fromHex(e.sig, 64, 'sig'), signingDigest('event', e), keyOf(e.signer)]);
    if (e.op === 'add')
      out.push([
        fromHex(e.claim.sig, 64, 'sig'),
        signingDigest('claim', e.claim),
        keyOf(e.claim.key),
      ]);
  }
  return out;
}

function rawVerifyAll(ts: Triple[]): Promise<void> {
  let bad = 0;
  for (const [sig, digest, key] of ts) if (!verify(null, digest, key, sig)) bad++;
  if (bad) throw new Error(`raw: ${bad} signatures did not verify`);
  return Promise.resolve();
}

/** [CPU-seconds, wall-seconds] of one call. */
async function measure(fn: () => Promise<void>): Promise<[number, number]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return [(c.user + c.system) / 1e6, (performance.now() - t0) / 1000];
}

export interface BenchRow {
  chain: string;
  events: number;
  signatures: number;
  validate_events_per_s: number;
  validate_sigs_per_s: number;
  raw_verifies_per_s: number;
  ratio: number;
  wall_ratio: number;
}

export async function run(): Promise<{ name: string; rows: BenchRow[] }> {
  const rows: BenchRow[] = [];
  for (const kind of ['single', 'add'] as const) {
    const events = loadChain(kind);
    const ts = triples(events);
    const now = events[events.length - 1]!.created_at + 60;
    const chain = events[0]!.chain;
    const raw: [number, number][] = [];
    const val: [number, number][] = [];
    const validate = async () => {
      const s = await validateChain(events, { now, chain, concurrency: CONCURRENCY });
      if (s.end.kind !== 'complete' || s.head?.seq !== events.length)
        throw new Error(`validate: chain ended ${s.end.kind} at ${s.head?.seq}`);
    };
    const ratios: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate the order (ABBA): a slow spell of the machine lands on each side alike.
      if (r % 2 === 1) val.push(await measure(validate));
      raw.push(await measure(() => rawVerifyAll(ts)));
      if (r % 2 === 0) val.push(await measure(validate));
      // Per round, the raw and the validation run side by side over the same signatures:
      // signatures/s inside validateChain ÷ raw/s is the ratio of their CPU times.
      ratios.push(raw[r]![0] / val[r]![0]);
    }
    const rawCpu = ts.length / median(raw.map((x) => x[0]));
    const rawWall = ts.length / median(raw.map((x) => x[1]));
    const evCpu = events.length / median(val.map((x) => x[0]));
    const evWall = events.length / median(val.map((x) => x[1]));
    const perEvent = ts.length / events.length;
    rows.push({
      chain: kind,
      events: events.length,
      signatures: ts.length,
      validate_events_per_s: Math.round(evCpu),
      validate_sigs_per_s: Math.round(evCpu * perEvent),
      raw_verifies_per_s: Math.round(rawCpu),
      ratio: +(ratios.reduce((a, b) => a + b, 0) / ratios.length).toFixed(3),
      wall_ratio: +((evWall * perEvent) / rawWall).toFixed(3),
    });
  }
  return { name: 'sigchain validateChain vs raw Ed25519 verify', rows };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { name, rows } = await run();
  console.log(`${name} (${EVENTS} events per chain, ${CONCURRENCY} in flight, per CPU-second)`);
  for (const r of rows)
    console.log(
      `  ${r.chain.padEnd(6)} validateChain ${r.validate_events_per_s} events/s = ` +
        `${r.validate_sigs_per_s} sigs/s | raw verify ${r.raw_verifies_per_s}/s | ` +
        `ratio ${r.ratio.toFixed(2)} (mean of per-round ratios; wall ${r.wall_ratio.toFixed(2)}; target >= 0.85)`,
    );
}
