/**
 * sig-server benchmarks, each beside its baseline measured in the same run:
 *
 * 1. GET /v1/chains/{key}/head req/s vs a bare hono hello-world (same
 *    @hono/node-server, same autocannon settings), rounds interleaved.
 *    Target ≥ 0.8×. The sig-server runs with its rate limiter on (with a
 *    budget no client reaches, so its cost is counted) and logs at warn.
 * 2. Verified appends/s vs raw signature verifications/s of the same suite
 *    (core's suite.verify, 32 in flight, in this process). Appends are
 *    bundles of 100 events posted to fresh chains, 4 requests in flight;
 *    every event is checked by core validateChain and stored with
 *    synchronous=FULL before the answer. Target ≥ 0.7×. Also printed: single
 *    events appended one by one to a growing chain (one fsync'd commit each).
 *
 * Both servers run as child processes (SQLite in a temp dir); the load and
 * the raw verifications run here. Run alone:
 *   node --import tsx --conditions=kez-source packages/sig-server/bench/sig-server.bench.ts
 * Settings: KEZ_BENCH_SECONDS (per autocannon run, default 5), KEZ_BENCH_ROUNDS (default 2).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { ChainEvent, SuiteName } from '@kez/core';
import {
  createEvent,
  fromHex,
  getSuite,
  parseKeyRef,
  randomBytes,
  signingDigest,
  toHex,
} from '@kez/core';

const SECONDS = Number(process.env.KEZ_BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.KEZ_BENCH_ROUNDS ?? 2);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

interface Child {
  url: string;
  proc: ChildProcess;
}

function startChild(script: string, env: Record<string, string> = {}): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', '--conditions=kez-source', script], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, proc });
    });
    proc.once('exit', (code) => reject(new Error(`${script} exited (${code}) before listening`)));
  });
}

async function stopChild(c: Child): Promise<void> {
  const exited = new Promise((r) => c.proc.once('exit', r));
  c.proc.kill('SIGTERM');
  await exited;
}

function sigServer(dir: string): Promise<Child> {
  return startChild(here('../src/bin.ts'), {
    KEZ_SIG_PORT: '0',
    KEZ_SIG_DATA_DIR: dir,
    KEZ_SIG_LOG_LEVEL: 'warn',
    KEZ_SIG_RATE_PER_SECOND: '1000000',
    KEZ_SIG_RATE_BURST: '10000000',
    KEZ_SIG_MAX_CHAIN_LENGTH: '1000000',
  });
}

async function cannon(url: string): Promise<number> {
  const r = await autocannon({ url, connections: 16, pipelining: 1, duration: SECONDS });
  if (r.non2xx || r.errors) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return r.requests.average;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function post(url: string, body: string, type: string): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`append: ${res.status} ${text.slice(0, 200)}`);
  return (JSON.parse(text) as { appended: string[] }).appended.length;
}

function signer(suite: SuiteName) {
  const s = getSuite(suite);
  const sk = s.generateSecretKey();
  return { sk, suite };
}

async function chainOf(suite: SuiteName, n: number, now: number): Promise<ChainEvent[]> {
  const { sk } = signer(suite);
  const out: ChainEvent[] = [];
  for (let i = 0; i < n; i++) {
    const prev = out.at(-1) ?? null;
    out.push(
      await createEvent(prev, { op: 'revoke', target: toHex(randomBytes(32)) }, sk, suite, now),
    );
  }
  return out;
}

/** Raw verifications/s of every event signature, `inFlight` at a time, as the validator runs them. */
async function rawVerify(events: ChainEvent[], inFlight = 32): Promise<number> {
  const jobs = events.map((e) => {
    const k = parseKeyRef(e.signer);
    return {
      suite: getSuite(k.suite),
      pk: k.publicKey,
      sig: fromHex(e.sig, 64, 'sig'),
      digest: signingDigest('event', e),
    };
  });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < jobs.length) {
        const j = jobs[next++]!;
        if (!(await j.suite.verify(j.sig, j.digest, j.pk)))
          throw new Error('raw: a signature did not verify');
      }
    }),
  );
  return jobs.length / ((performance.now() - t0) / 1000);
}

/** Events/s appended as 100-event bundles to fresh chains, `inFlight` requests at a time. */
async function bundleAppends(base: string, chains: ChainEvent[][], inFlight = 4): Promise<number> {
  let next = 0;
  let events = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < chains.length) {
        const c = chains[next++]!;
        const body = c.map((e) => JSON.stringify(e) + '\n').join('');
        events += await post(
          `${base}/v1/chains/${encodeURIComponent(c[0]!.chain)}/events`,
          body,
          'application/jsonl',
        );
      }
    }),
  );
  return events / ((performance.now() - t0) / 1000);
}

/** Events/s appended one request per event to one growing chain. */
async function singleAppends(base: string, chain: ChainEvent[]): Promise<number> {
  const url = `${base}/v1/chains/${encodeURIComponent(chain[0]!.chain)}/events`;
  const t0 = performance.now();
  for (const e of chain) await post(url, JSON.stringify(e), 'application/json');
  return chain.length / ((performance.now() - t0) / 1000);
}

async function main() {
  console.log(
    `sig-server bench: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}, ${SECONDS} s runs, ${ROUNDS} rounds`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'kez-sig-bench-'));
  const sig = await sigServer(dir);
  const hello = await startChild(here('./hello-server.ts'));
  let ok = true;
  try {
    // 1. head vs hello-world
    const now = Math.floor(Date.now() / 1000);
    const c = await chainOf('ed25519', 3, now);
    await post(
      `${sig.url}/v1/chains/${encodeURIComponent(c[0]!.chain)}/events`,
      c.map((e) => JSON.stringify(e) + '\n').join(''),
      'application/jsonl',
    );
    const headUrl = `${sig.url}/v1/chains/${encodeURIComponent(c[0]!.chain)}/head`;
    await cannon(headUrl); // warm-up
    const heads: number[] = [];
    const hellos: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      hellos.push(await cannon(`${hello.url}/`));
      heads.push(await cannon(headUrl));
    }
    const headRatio = median(heads) / median(hellos);
    console.log(
      `GET head            ${fmt(median(heads))} req/s   (rounds ${heads.map(fmt).join(', ')})`,
    );
    console.log(
      `hono hello-world    ${fmt(median(hellos))} req/s   (rounds ${hellos.map(fmt).join(', ')})`,
    );
    console.log(
      `head / hello-world  ${headRatio.toFixed(2)}×   (target ≥ 0.80) ${headRatio >= 0.8 ? 'met' : 'MISSED'}`,
    );
    ok &&= headRatio >= 0.8;

    // 2. verified appends vs raw verifications, per suite
    for (const [suite, chains, per] of [
      ['ed25519', 24, 100],
      ['nostr', 8, 100],
    ] as const) {
      const rounds: { raw: number; app: number }[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const batch = await Promise.all(
          Array.from({ length: chains }, () => chainOf(suite, per, now)),
        );
        const raw = await rawVerify(batch.flat());
        const app = await bundleAppends(sig.url, batch);
        rounds.push({ raw, app });
      }
      const raw = median(rounds.map((x) => x.raw));
      const app = median(rounds.map((x) => x.app));
      const ratio = app / raw;
      console.log(
        `${suite.padEnd(8)} verified appends ${fmt(app)} events/s (bundles of ${per})   raw verifications ${fmt(raw)}/s   ratio ${ratio.toFixed(2)}×   (target ≥ 0.70) ${ratio >= 0.7 ? 'met' : 'MISSED'}`,
      );
      ok &&= ratio >= 0.7;
      const single = await chainOf(suite, suite === 'nostr' ? 100 : 200, now);
      const one = await singleAppends(sig.url, single);
      console.log(
        `${suite.padEnd(8)} single-event appends to one growing chain ${fmt(one)} events/s   ratio ${(one / raw).toFixed(2)}× (one fsync'd commit and a whole-chain validation each)`,
      );
    }
  } finally {
    await stopChild(sig);
    await stopChild(hello);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(ok ? 'all targets met' : 'some targets missed (see above)');
}

await main();
