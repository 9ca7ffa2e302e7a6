/**
 * Bench (BRIEF §4/§9, issue #3): `kez verify id` over every channel at once
 * takes about as long as the slowest single channel, because the channels'
 * fetches run in parallel. One identity per channel is verified against local
 * peers — Knot (dns), the GitHub REST fixture, the Mastodon-shaped fixture
 * (ap), a real nostr relay and a real PLC + PDS (bluesky) when their packages
 * are installed — first one channel at a time, then all at once. Each line
 * shows a channel's median time alone and within the all-at-once run.
 *
 * Loopback answers in microseconds, which would make the bench measure only
 * CPU time; so each request (HTTP, DNS, WebSocket message) is also delayed by a
 * simulated round trip (BENCH_RTT_MS, default 40 ms), and the ratio is printed
 * with and without it.
 *
 * Every peer runs in a process of its own, as a real peer is another machine:
 * Knot and the relay (@kez/testkit), and the GitHub fixture, the Mastodon
 * fixture and the PLC + PDS each through peer-host.ts. Inside this process
 * their CPU (chiefly the PLC directory re-checking the DID's signed operation
 * log on every GET) took the verifier's one JS thread and was counted as
 * the verifier's time. They still share this machine's cores with it.
 *
 * The verifier runs with Node's primitives installed, as in the `kez`
 * executable: @kez/core-node (SHA-256, Ed25519) and @kez/channels/node (ECDSA).
 *
 *   node --import tsx --conditions=kez-source packages/channels/bench/parallel.bench.ts
 *   npm run bench -- parallel          (BENCH_ROUNDS, default 5; BENCH_RTT_MS, default 40)
 */
import '@kez/core-node/install';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClaim, encodeClaim, getSuite, npubEncode, parseIdentity, toHex } from '@kez/core';
import type { Claim, SuiteName } from '@kez/core';
import { PLUGINS, resolveChannelConfig, verifyIdentity } from '@kez/channels';
import type { ChannelConfig, ChannelContext, Net, WebSocketLike } from '@kez/channels';
import { createNodeNet } from '@kez/channels/node';
import type { NodeNet } from '@kez/channels/node';
import { median, startKnot, startNostrRelay } from '@kez/testkit';
import type { PeerRequest, PeerRole, PeerUrls } from './peer-host.js';

const RTT = Number(process.env.BENCH_RTT_MS ?? 40);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const now = () => Math.floor(Date.now() / 1000);

function keyOf(suite: SuiteName) {
  const s = getSuite(suite);
  const secretKey = s.generateSecretKey();
  return { suite, secretKey, ref: `${suite}:${toHex(s.getPublicKey(secretKey))}` };
}
const key = keyOf('ed25519');
const claimFor = (subject: string, k = key): Promise<Claim> =>
  createClaim({ subject, suite: k.suite, secretKey: k.secretKey, now: now() - 60 });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The same Net with `rtt` ms added to every request and WebSocket exchange. */
function withLatency(net: NodeNet, rtt: number): Net {
  if (rtt <= 0) return net;
  const out: Net = {
    fetch: async (url, req) => {
      await sleep(rtt);
      return net.fetch(url, req);
    },
    resolveTxt: async (name) => {
      await sleep(rtt);
      return net.resolveTxt(name);
    },
  };
  if (net.webSocket) {
    const Inner = net.webSocket;
    // Opening costs one round trip; each message in either direction half of one.
    out.webSocket = class DelayedWebSocket implements WebSocketLike {
      private readonly ws: WebSocketLike;
      onopen: WebSocketLike['onopen'] = null;
      onmessage: WebSocketLike['onmessage'] = null;
      onerror: WebSocketLike['onerror'] = null;
      onclose: WebSocketLike['onclose'] = null;
      constructor(url: string) {
        this.ws = new Inner(url);
        this.ws.onopen = (e) => void sleep(rtt).then(() => this.onopen?.(e));
        this.ws.onmessage = (e) => void sleep(rtt / 2).then(() => this.onmessage?.(e));
        this.ws.onerror = (e) => this.onerror?.(e);
        this.ws.onclose = (e) => void sleep(rtt / 2).then(() => this.onclose?.(e));
      }
      get readyState() {
        return this.ws.readyState;
      }
      send(data: string) {
        void sleep(rtt / 2).then(() => {
          if (this.ws.readyState === 1) this.ws.send(data);
        });
      }
      close(code?: number, reason?: string) {
        this.ws.close(code, reason);
      }
    };
  }
  return out;
}

interface Peers {
  identities: string[];
  config: ChannelConfig;
  stop(): Promise<void>;
}

/** One HTTP peer in its own process (peer-host.ts), driven over IPC. */
async function startPeerHost(role: PeerRole) {
  const child = fork(fileURLToPath(new URL('./peer-host.ts', import.meta.url)), [role], {
    execArgv: ['--import', 'tsx', '--conditions=kez-source'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  type Reply = { seq: number; ok: boolean; value?: unknown; error?: string };
  type Hello = { ready: boolean; urls?: PeerUrls; error?: string };
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let seq = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const urls = await new Promise<PeerUrls>((resolve, reject) => {
    void exited.then(() => reject(new Error(`${role} peer exited before it was ready`)));
    child.once('message', (m: Hello) =>
      m.ready ? resolve(m.urls!) : reject(new Error(`${role} peer: ${m.error}`)),
    );
  });
  child.on('message', (m: Reply) => {
    const w = waiting.get(m.seq);
    waiting.delete(m.seq);
    if (m.ok) w?.resolve(m.value);
    else w?.reject(new Error(`${role} peer: ${m.error}`));
  });
  void exited.then(() => {
    for (const w of waiting.values()) w.reject(new Error(`${role} peer exited`));
  });
  const call = <T>(req: PeerRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const n = ++seq;
      waiting.set(n, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ seq: n, ...req });
    });
  return {
    urls,
    call,
    stop: async () => {
      await call({ op: 'stop' }).catch(() => undefined);
      await exited;
    },
  };
}

async function startPeers(): Promise<Peers> {
  const stops: (() => Promise<void>)[] = [];
  const identities: string[] = [];
  const flags: Record<string, unknown> = { allowPrivate: true, apScheme: 'http' };
  // github
  const gh = await startPeerHost('github');
  stops.push(() => gh.stop());
  await gh.call({
    op: 'addGist',
    gist: {
      id: 'b0000000000000000001',
      owner: 'alice',
      description: 'KEZ identity proof',
      files: { 'kez-proof.md': await encodeClaim(await claimFor('github:alice'), 'markdown') },
    },
  });
  Object.assign(flags, { githubApi: gh.urls.githubApi, githubRaw: gh.urls.githubRaw });
  identities.push('github:alice');

  // ap (Mastodon-shaped)
  const masto = await startPeerHost('mastodon');
  stops.push(() => masto.stop());
  const apId = `ap:@alice@${masto.urls.mastodonHost}`;
  await masto.call({
    op: 'addMastodonAccount',
    username: 'alice',
    note: `KEZ: ${await encodeClaim(await claimFor(apId), 'compact')}`,
  });
  identities.push(apId);

  // dns (Knot)
  const dnsClaim = await encodeClaim(await claimFor('dns:alice.bench.test'), 'dns');
  const knot = await startKnot({
    origin: 'test',
    zone: `$TTL 60\n@ SOA ns1.test. h.test. 1 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\n_kez.alice.bench TXT ${dnsClaim}\n`,
  });
  stops.push(() => knot.stop());
  flags.dnsServers = [knot.server];
  identities.push('dns:alice.bench.test');

  // nostr (a real relay), when the nostr plugin is built in
  if (PLUGINS.nostr?.publish) {
    const relay = await startNostrRelay({ inMemory: true });
    stops.push(() => relay.stop());
    flags.nostrRelays = [relay.url];
    const nk = keyOf('nostr');
    const id = parseIdentity(`nostr:${npubEncode(getSuite('nostr').getPublicKey(nk.secretKey))}`);
    const cfg = resolveChannelConfig({ flags });
    const net = createNodeNet(cfg);
    await PLUGINS.nostr.publish(
      await claimFor(id.text, nk),
      id,
      { net, config: cfg, now },
      {
        nostrSecretKey: nk.secretKey,
      },
    );
    net.close();
    identities.push(id.text);
  }

  // bluesky (a real PLC + PDS), when @atproto/dev-env is installed
  if (PLUGINS.bluesky?.publish) {
    try {
      const atproto = await startPeerHost('atproto');
      stops.push(() => atproto.stop());
      const acct = await atproto.call<{ handle: string; appPassword: string }>({
        op: 'createAtprotoAccount',
        name: 'alice',
      });
      Object.assign(flags, {
        plcDirectory: atproto.urls.plcUrl,
        atprotoHandleUrl: atproto.urls.handleUrl,
      });
      const id = parseIdentity(`bluesky:${acct.handle}`);
      const cfg = resolveChannelConfig({
        flags: { ...flags, blueskyAppPassword: acct.appPassword },
      });
      const net = createNodeNet(cfg);
      await PLUGINS.bluesky.publish(await claimFor(id.text), id, { net, config: cfg, now });
      net.close();
      identities.push(id.text);
    } catch (e) {
      console.error(`bench: bluesky skipped (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  return {
    identities,
    config: resolveChannelConfig({ flags }),
    stop: async () => {
      for (const s of stops.reverse()) await s();
    },
  };
}

async function measure(peers: Peers, rtt: number) {
  const base = createNodeNet(peers.config);
  const ctx: ChannelContext = { net: withLatency(base, rtt), config: peers.config, now };
  const one = async (id: string) => {
    const t0 = performance.now();
    const r = await verifyIdentity(id, { ctx });
    if (r.status !== 'valid') throw new Error(`${id}: ${r.status}/${r.reason}: ${r.detail ?? ''}`);
    return performance.now() - t0;
  };
  // Warm-up (JIT, keep-alive sockets), alone and together, so both are measured in steady state.
  for (let i = 0; i < 2; i++) for (const id of peers.identities) await one(id);
  await Promise.all(peers.identities.map(one));
  const single: Record<string, number[]> = {};
  const within: Record<string, number[]> = {};
  const together: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const id of peers.identities) (single[id] ??= []).push(await one(id));
    const t0 = performance.now();
    const each = await Promise.all(peers.identities.map(one));
    together.push(performance.now() - t0);
    each.forEach((ms, i) => (within[peers.identities[i]!] ??= []).push(ms));
  }
  base.close();
  const channels = peers.identities.map((id) => ({
    id,
    alone: median(single[id]!),
    within: median(within[id]!),
  }));
  const slowest = Math.max(...channels.map((c) => c.alone));
  return { channels, slowest, together: median(together), ratio: median(together) / slowest };
}

const peers = await startPeers();
try {
  console.log(`kez verify id, ${peers.identities.length} channels, median of ${ROUNDS} rounds:`);
  for (const id of peers.identities) console.log(`  ${id}`);
  for (const rtt of [RTT, 0]) {
    const m = await measure(peers, rtt);
    console.log(`\nsimulated round trip ${rtt} ms per request:`);
    console.log(`  ${''.padEnd(12)} ${'alone'.padStart(10)} ${'in all-at-once'.padStart(16)}`);
    for (const c of m.channels)
      console.log(
        `  ${c.id.slice(0, c.id.indexOf(':')).padEnd(12)} ${c.alone.toFixed(1).padStart(7)} ms ${c.within.toFixed(1).padStart(13)} ms`,
      );
    console.log(`  ${'all at once'.padEnd(12)} ${m.together.toFixed(1).padStart(7)} ms`);
    console.log(
      `  ratio all-at-once / slowest single channel: ${m.ratio.toFixed(2)}` +
        (rtt > 0
          ? `  (target ≤ 1.2: ${m.ratio <= 1.2 ? 'met' : 'NOT met'})`
          : '  (CPU-bound on loopback)'),
    );
  }
} finally {
  await peers.stop();
}
