/**
 * Bench (BRIEF §4/§9, issue #3): `kez verify id` over every channel at once
 * takes about as long as the slowest single channel, because the channels'
 * fetches run in parallel. One identity per channel is verified against local
 * peers — Knot (dns), the GitHub REST fixture, the Mastodon-shaped fixture
 * (ap), a real nostr relay and a real PLC + PDS (bluesky) when their packages
 * are installed — first one channel at a time, then all at once.
 *
 * Loopback answers in microseconds, which would make the bench measure only
 * CPU time; so each request (HTTP, DNS, WebSocket message) is also delayed by a
 * simulated round trip (BENCH_RTT_MS, default 40 ms), and the ratio is printed
 * with and without it.
 *
 *   node --import tsx --conditions=kez-source packages/channels/bench/parallel.bench.ts
 */
import { createClaim, encodeClaim, getSuite, npubEncode, parseIdentity, toHex } from '@kez/core';
import type { Claim, SuiteName } from '@kez/core';
import { PLUGINS, resolveChannelConfig, verifyIdentity } from '@kez/channels';
import type { ChannelConfig, ChannelContext, Net, WebSocketLike } from '@kez/channels';
import { createNodeNet } from '@kez/channels/node';
import type { NodeNet } from '@kez/channels/node';
import { startKnot, startNostrRelay } from '@kez/testkit';
import { startGithubFixture } from '../test/peers/github-fixture.js';
import { startMastodonFixture } from '../test/peers/mastodon-fixture.js';

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
  const Inner = net.webSocket;
  if (Inner) {
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

async function startPeers(): Promise<Peers> {
  const stops: (() => Promise<void>)[] = [];
  const identities: string[] = [];
  const flags: Record<string, unknown> = { allowPrivate: true, apScheme: 'http' };

  // github
  const gh = await startGithubFixture();
  stops.push(() => gh.stop());
  gh.gists.push({
    id: 'b0000000000000000001',
    owner: 'alice',
    description: 'KEZ identity proof',
    files: { 'kez-proof.md': await encodeClaim(await claimFor('github:alice'), 'markdown') },
  });
  Object.assign(flags, { githubApi: gh.url, githubRaw: gh.rawUrl });
  identities.push('github:alice');

  // ap (Mastodon-shaped)
  const masto = await startMastodonFixture();
  stops.push(() => masto.stop());
  const apId = `ap:@alice@${masto.host}`;
  masto.addAccount('alice', { note: `KEZ: ${await encodeClaim(await claimFor(apId), 'compact')}` });
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
      const { startAtprotoNetwork } = await import('../test/peers/atproto-network.js');
      const network = await startAtprotoNetwork();
      stops.push(() => network.stop());
      const acct = await network.createAccount('alice');
      Object.assign(flags, { plcDirectory: network.plcUrl, atprotoHandleUrl: network.handleUrl });
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(peers: Peers, rtt: number) {
  const base = createNodeNet(peers.config);
  const ctx: ChannelContext = { net: withLatency(base, rtt), config: peers.config, now };
  const one = async (id: string) => {
    const t0 = performance.now();
    const r = await verifyIdentity(id, { ctx });
    if (r.status !== 'valid') throw new Error(`${id}: ${r.status}/${r.reason}: ${r.detail ?? ''}`);
    return performance.now() - t0;
  };
  for (const id of peers.identities) await one(id); // warm-up: JIT, sockets, caches
  const single: Record<string, number[]> = {};
  const together: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const id of peers.identities) (single[id] ??= []).push(await one(id));
    const t0 = performance.now();
    await Promise.all(peers.identities.map(one));
    together.push(performance.now() - t0);
  }
  base.close();
  const singles = Object.fromEntries(Object.entries(single).map(([id, xs]) => [id, median(xs)]));
  const slowest = Math.max(...Object.values(singles));
  return { singles, slowest, together: median(together), ratio: median(together) / slowest };
}

const peers = await startPeers();
try {
  console.log(`kez verify id, ${peers.identities.length} channels, median of ${ROUNDS} rounds`);
  for (const rtt of [RTT, 0]) {
    const m = await measure(peers, rtt);
    console.log(`\nsimulated round trip ${rtt} ms per request:`);
    for (const [id, ms] of Object.entries(m.singles))
      console.log(`  ${id.padEnd(48)} ${ms.toFixed(1).padStart(8)} ms alone`);
    console.log(`  ${'all at once'.padEnd(48)} ${m.together.toFixed(1).padStart(8)} ms`);
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
