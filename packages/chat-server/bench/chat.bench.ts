/**
 * kez-chat against raw NATS, in one run on one nats-server:
 *   1. publish→deliver latency at 1,000 msg/s: signed, checked kez-chat events
 *      vs plain NATS pub/sub (target: p50 ≤ 1.5×)
 *   2. log-in time through auth_callout vs a user/password connect (target ≤ 4×)
 *   3. signed messages per second (sign, verify, and end to end)
 *   4. a burst of 2,000 simultaneous log-ins: when did the last one get in (target ≤ 60 s)
 * The chat-server and the sig-server run as their own processes (their bins),
 * as in production. Interleaved rounds; medians reported.
 * Run alone: node --import tsx --conditions=kez-source packages/chat-server/bench/chat.bench.ts
 * Options (env): BENCH_BURST=2000, BENCH_SECONDS=4 (per latency round), BENCH_ROUNDS=3,
 * BENCH_PARTS=1,2,3,4, BENCH_RATE=1000 (msg/s of the latency test).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNatsServer, repoRoot } from '@kez/testkit';
import { toHex } from '@kez/core';
import {
  ChatClient,
  checkChatEvent,
  encodeChatEvent,
  generateChatKeys,
  generateSigner,
  keysEnvFile,
  publicKeys,
  renderLocalNatsConfig,
  roomEventSubject,
  signChatEvent,
  signLogin,
  userToken,
} from '../src/index.js';
import type { SyncSigner } from '../src/index.js';

const BURST = Number(process.env.BENCH_BURST ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const PARTS = new Set((process.env.BENCH_PARTS ?? '1,2,3,4').split(',').map(Number));

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};
const median = (xs: number[]) => q(xs, 0.5);
const ms = (x: number) => `${x.toFixed(2)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

// ---------------------------------------------------------------- the stack
const keys = generateChatKeys();
const nats = await startNatsServer({
  config: (p) =>
    renderLocalNatsConfig({
      keys: publicKeys(keys),
      port: p.port,
      httpPort: p.httpPort,
      storeDir: p.storeDir,
      plainUsers: [{ user: 'bench', password: 'bench' }],
      authTimeout: 10,
    }),
});
const sigDir = mkdtempSync(join(tmpdir(), 'kez-chat-bench-sig-'));
/** Start one of our servers as its own process, from its TypeScript source. */
function spawnServer(entry: string, env: Record<string, string>) {
  return spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=kez-source', join(repoRoot, entry)],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}
// The sig-server in its own process too: in a burst it answers one lookup per new key.
const sigProc = spawnServer('packages/sig-server/src/bin.ts', {
  KEZ_SIG_HOST: '127.0.0.1',
  KEZ_SIG_PORT: '0',
  KEZ_SIG_DATA_DIR: sigDir,
  KEZ_SIG_RATE_PER_SECOND: '0',
  KEZ_SIG_LOG_LEVEL: 'error',
});
const sigUrl = await new Promise<string>((resolve, reject) => {
  let out = '';
  sigProc.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]!);
  });
  sigProc.on('exit', (code) => reject(new Error(`sig-server exited (${code})`)));
});
const envFile = Object.fromEntries(
  keysEnvFile(keys)
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('=') as [string, string]),
);
const chat = spawnServer('packages/chat-server/src/bin.ts', {
  ...envFile,
  NATS_URL: nats.url,
  KEZ_SIG_SERVERS: sigUrl,
  KEZ_LOG_LEVEL: 'info',
  KEZ_CHAT_JWT_TTL: '3600',
});
await new Promise<void>((resolve, reject) => {
  let err = '';
  chat.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    if (err.includes('"msg":"ready"')) resolve();
  });
  chat.on('exit', (code) => reject(new Error(`chat-server exited (${code}): ${err}`)));
});

async function cleanup() {
  chat.kill('SIGTERM');
  await new Promise((r) => chat.once('exit', r));
  sigProc.kill('SIGTERM');
  await new Promise((r) => sigProc.once('exit', r));
  await nats.stop();
  rmSync(sigDir, { recursive: true, force: true });
}

console.log(
  `kez-chat bench — ${cpus().length} cores (${cpus()[0]?.model.trim()}), load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(
      ' ',
    )}, Node ${process.version}, nats-server ${nats.logs().match(/Version:\s+(\S+)/)?.[1] ?? '?'}`,
);

// ------------------------------------------------------ the two chat users
const alice = await ChatClient.connect({ servers: nats.url, signer: generateSigner('ed25519') });
const bobKey = generateSigner('ed25519');
const bob = await ChatClient.connect({ servers: nats.url, signer: bobKey });
await alice.createRoom('bench');
await bob.join('bench');
const rawPub = await connect({ servers: nats.url, user: 'bench', pass: 'bench' });
const nowAbs = () => performance.timeOrigin + performance.now();
// A stream ack that takes over 5 s (an overloaded machine) is counted, not fatal.
let ackFailures = 0;

// ------------------------------------------------------ 1. latency at 1,000/s
interface Round {
  /** publish → arrival at the receiver (kez-chat: a signed event on its room subject). */
  transport: number[];
  /** kez-checked only: the send call (sign) → the event checked at the receiver. */
  full: number[];
  lost: number;
}

/** One paced round: a receiver in a worker thread, this thread sends at RATE for SECONDS. */
async function round(mode: 'kez' | 'kez-checked' | 'raw'): Promise<Round> {
  const n = RATE * SECONDS;
  // A worker does not inherit tsx's loader: register it, then load the receiver.
  const entry = JSON.stringify(new URL('./_receiver.ts', import.meta.url).href);
  const worker = new Worker(
    `import('tsx/esm/api').then((t) => { t.register(); return import(${entry}); });`,
    {
      eval: true,
      execArgv: ['--conditions=kez-source'],
      workerData: {
        mode,
        url: nats.url,
        n,
        room: 'bench',
        suite: bobKey.suite,
        secretHex: toHex(bobKey.secret),
      },
    },
  );
  const result = new Promise<{ arrived: Float64Array; checked: Float64Array }>(
    (resolve, reject) => {
      worker.on('message', (m: { arrived?: Float64Array; checked?: Float64Array }) => {
        if (m.arrived) resolve({ arrived: m.arrived, checked: m.checked! });
      });
      worker.on('error', reject);
    },
  );
  await new Promise<void>((r) => worker.on('message', (m: { ready?: boolean }) => m.ready && r()));
  const called = new Float64Array(n);
  const published = new Float64Array(n);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const wait = t0 + (i * 1000) / RATE - performance.now();
    // Always yield: a sender behind schedule that never awaits would keep
    // nats.js from writing anything to the socket until the loop ends.
    if (wait > 1) await sleep(wait);
    else await new Promise((r) => setImmediate(r));
    called[i] = nowAbs();
    if (mode !== 'raw') {
      const p = alice.prepare({ room: 'bench' }, { op: 'message', text: `bench ${i}` });
      published[i] = nowAbs();
      alice.publishPrepared(p).catch(() => ackFailures++);
    } else {
      published[i] = called[i]!;
      rawPub.publish('bench.raw', `${i}`);
    }
  }
  const r = await result;
  await worker.terminate();
  const transport: number[] = [];
  const full: number[] = [];
  let lost = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(r.arrived[i]!)) lost++;
    else transport.push(r.arrived[i]! - published[i]!);
    if (mode === 'kez-checked' && !Number.isNaN(r.checked[i]!))
      full.push(r.checked[i]! - called[i]!);
  }
  return { transport, full, lost };
}

async function latency() {
  const raw50: number[] = [];
  const raw99: number[] = [];
  const tr50: number[] = [];
  const tr99: number[] = [];
  const full50: number[] = [];
  const full99: number[] = [];
  let lost = 0;
  await round('raw'); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    const raw = await round('raw');
    const kez = await round('kez');
    const checked = await round('kez-checked');
    raw50.push(q(raw.transport, 0.5));
    raw99.push(q(raw.transport, 0.99));
    tr50.push(q(kez.transport, 0.5));
    tr99.push(q(kez.transport, 0.99));
    full50.push(q(checked.full, 0.5));
    full99.push(q(checked.full, 0.99));
    lost += raw.lost + kez.lost + checked.lost;
  }
  const ratio = median(tr50) / median(raw50);
  const fullRatio = median(full50) / median(raw50);
  console.log(
    `\n1. publish→deliver at ${RATE} msg/s, ${SECONDS} s × ${ROUNDS} rounds, receiver in a worker thread (median of rounds)`,
  );
  console.log(
    `   raw NATS pub/sub, publish → arrival            p50 ${ms(median(raw50))}  p99 ${ms(median(raw99))}`,
  );
  console.log(
    `   kez-chat signed event, publish → arrival       p50 ${ms(median(tr50))}  p99 ${ms(median(tr99))}   ` +
      `ratio p50 ${ratio.toFixed(2)}× (target ≤ 1.5×) ${ratio <= 1.5 ? 'MET' : 'MISSED'}`,
  );
  console.log(
    `   kez-chat send call (sign) → checked on arrival p50 ${ms(median(full50))}  p99 ${ms(median(full99))}   ` +
      `ratio p50 ${fullRatio.toFixed(2)}× (includes one signature and one strict verification)`,
  );
  console.log(`   lost ${lost}; stream acks later than 5 s: ${ackFailures}`);
}

// ------------------------------------------------------ 2. log-in time
async function loginTime() {
  const sameKey = generateSigner('ed25519');
  async function calloutConnect(signer: SyncSigner): Promise<number> {
    const t = performance.now();
    const nc = await connect({
      servers: nats.url,
      authenticator: (nonce?: string) => ({
        ...signLogin(signer, nonce!, Math.floor(Date.now() / 1000)),
      }),
    });
    const d = performance.now() - t;
    await nc.close();
    return d;
  }
  async function plainConnect(): Promise<number> {
    const t = performance.now();
    const nc = await connect({ servers: nats.url, user: 'bench', pass: 'bench' });
    const d = performance.now() - t;
    await nc.close();
    return d;
  }
  const N = 60;
  const plain: number[] = [];
  const warm: number[] = [];
  const cold: number[] = [];
  for (let i = 0; i < 5; i++) {
    await plainConnect();
    await calloutConnect(sameKey);
  }
  const fresh = Array.from({ length: N * ROUNDS }, () => generateSigner('ed25519'));
  for (let r = 0; r < ROUNDS; r++)
    for (let i = 0; i < N; i++) {
      plain.push(await plainConnect());
      warm.push(await calloutConnect(sameKey));
      cold.push(await calloutConnect(fresh[r * N + i]!));
    }
  const loginRatio = median(warm) / median(plain);
  console.log(`\n2. log-in (connect until ready), ${N * ROUNDS} each, interleaved`);
  console.log(
    `   user/password (no callout)        p50 ${ms(median(plain))}  p90 ${ms(q(plain, 0.9))}`,
  );
  console.log(
    `   KEZ key via auth_callout, returning p50 ${ms(median(warm))}  p90 ${ms(q(warm, 0.9))}   ` +
      `ratio ${loginRatio.toFixed(2)}× (target ≤ 4×) ${loginRatio <= 4 ? 'MET' : 'MISSED'}`,
  );
  console.log(
    `   KEZ key via auth_callout, new key   p50 ${ms(median(cold))}  p90 ${ms(q(cold, 0.9))}   ` +
      `ratio ${(median(cold) / median(plain)).toFixed(2)}× (a key never seen: sigchain fetch + strict key checks)`,
  );
}

// ------------------------------------------------------ 3. signed messages/s
async function signedRate() {
  const signers = { ed25519: generateSigner('ed25519'), nostr: generateSigner('nostr') };
  console.log('\n3. signed messages per second (per CPU-second of this process)');
  for (const [suite, s] of Object.entries(signers)) {
    const c0 = process.cpuUsage();
    const evs = [];
    const t = performance.now();
    while (performance.now() - t < 1000)
      evs.push(
        signChatEvent(
          s,
          s.key,
          { room: 'bench' },
          { op: 'message', text: 'hello world' },
          Date.now(),
        ),
      );
    const signCpu = process.cpuUsage(c0);
    const subj = roomEventSubject('bench', userToken(s.key));
    const texts = evs.map(encodeChatEvent);
    const c1 = process.cpuUsage();
    let ok = 0;
    for (const x of texts) if ((await checkChatEvent(subj, x)).ok) ok++;
    const verCpu = process.cpuUsage(c1);
    const perSec = (n: number, c: NodeJS.CpuUsage) => Math.round((n * 1e6) / (c.user + c.system));
    console.log(
      `   ${suite.padEnd(8)} sign ${perSec(evs.length, signCpu)}/s   check (parse + subject + signature) ${perSec(ok, verCpu)}/s`,
    );
  }
  {
    // End to end, flat out: alice signs and publishes, bob receives and checks every one.
    let got = 0;
    const w = bob.watch({ room: 'bench' }, (it) => {
      if (it.kind === 'event') got++;
    });
    await w.ready;
    const t = performance.now();
    const pubs: Promise<unknown>[] = [];
    let sent = 0;
    while (performance.now() - t < 3000) {
      pubs.push(alice.send({ room: 'bench' }, `flat ${sent++}`));
      if (pubs.length >= 256) await Promise.all(pubs.splice(0));
    }
    await Promise.all(pubs);
    const until = performance.now() + 5000;
    while (got < sent && performance.now() < until) await sleep(10);
    const secs = (performance.now() - t) / 1000;
    console.log(
      `   end to end (sign → JetStream-acked publish → deliver → check): ${Math.round(got / secs)} msg/s delivered and checked (${got}/${sent})`,
    );
    w.stop();
  }
}

// ------------------------------------------------------ 4. burst of log-ins
async function burst() {
  {
    const burstSigners = Array.from({ length: BURST }, (_, i) =>
      generateSigner(i % 2 ? 'nostr' : 'ed25519'),
    );
    const conns: NatsConnection[] = [];
    const inAt: number[] = [];
    let retries = 0;
    const t0 = performance.now();
    await Promise.all(
      burstSigners.map(async (s) => {
        // Retry with backoff and jitter when a log-in times out (the documented client behaviour).
        for (let attempt = 0; ; attempt++) {
          try {
            const nc = await connect({
              servers: nats.url,
              reconnect: false,
              timeout: 20_000,
              authenticator: (nonce?: string) => ({
                ...signLogin(s, nonce!, Math.floor(Date.now() / 1000)),
              }),
            });
            conns.push(nc);
            inAt.push(performance.now() - t0);
            return;
          } catch (e) {
            if (performance.now() - t0 > 120_000) throw e;
            retries++;
            await sleep(Math.min(5000, 250 * 2 ** attempt) * (0.5 + Math.random()));
          }
        }
      }),
    );
    const last = Math.max(...inAt) / 1000;
    console.log(
      `\n4. burst: ${BURST} simultaneous log-ins (ed25519 and nostr, all new keys), one chat-server`,
    );
    console.log(
      `   all ${inAt.length} in; the last got in after ${last.toFixed(2)} s (target ≤ 60 s) ${last <= 60 ? 'MET' : 'MISSED'}; ` +
        `half in by ${(median(inAt) / 1000).toFixed(2)} s; ${retries} retries; ${Math.round(inAt.length / last)} log-ins/s`,
    );
    await Promise.all(conns.map((c) => c.close()));
  }
}

try {
  if (PARTS.has(1)) await latency();
  if (PARTS.has(2)) await loginTime();
  if (PARTS.has(3)) await signedRate();
  if (PARTS.has(4) && BURST > 0) await burst();
  await Promise.all([alice.close(), bob.close(), rawPub.close()]);
} finally {
  await cleanup();
}
