/**
 * The local stack the end-to-end tests run the page against, all real and
 * on loopback: a nostr relay, Knot DNS, a sig-server, nats-server (JetStream,
 * websocket, auth_callout) with the chat-server, and the web server with the
 * fetch relay. Plus the people: Alice (a nostr key: her npub proof on the
 * relay, a dns claim published and then revoked in her sigchain) and Bob (an
 * ed25519 key: one dns proof that holds, one that is missing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  claimId,
  createClaim,
  createEvent,
  encodeClaim,
  exportBundle,
  formatKeyRef,
  getSuite,
  npubEncode,
  nsecEncode,
  parseIdentity,
  toHex,
} from '@kez/core';
import type { ChainEvent, Claim, SuiteName } from '@kez/core';
import { nostrChannel, resolveChannelConfig } from '@kez/channels';
import { createNodeContext, createNodeNet } from '@kez/channels/node';
import {
  SILENT,
  generateChatKeys,
  publicKeys,
  renderLocalNatsConfig,
  startChatServer,
} from '@kez/chat-server';
import type { ChatServer } from '@kez/chat-server';
import { startSigServer } from '@kez/sig-server';
import type { SigServer } from '@kez/sig-server';
import { startDnsdist, startKnot, startNatsServer, startNostrRelay } from '@kez/testkit';
import type { Dnsdist, Knot, NatsServer, NostrRelay } from '@kez/testkit';
import { startWebServer } from '../src/server/index.js';
import type { WebServer } from '../src/server/index.js';

export const ZONE = 'kez.test';

export interface Person {
  suite: SuiteName;
  secret: Uint8Array;
  key: string;
  /** What a person pastes into the Keys page. */
  secretText: string;
  /** How the explorer is asked about the key. */
  shown: string;
}

export interface Stack {
  web: WebServer;
  /** The same app configured for DNS over DoH (dnsdist in front of Knot) instead of the relay. */
  webDoh: WebServer;
  doh: Dnsdist;
  relay: NostrRelay;
  knot: Knot;
  sig: SigServer;
  nats: NatsServer;
  chat: ChatServer;
  alice: Person & { npub: string; nostrIdentity: string; dnsIdentity: string };
  bob: Person & { goodDns: string; brokenDns: string };
  stop(): Promise<void>;
}

function person(suite: SuiteName): Person {
  const s = getSuite(suite);
  const secret = s.generateSecretKey();
  const pub = s.getPublicKey(secret);
  const key = formatKeyRef(suite, pub);
  return {
    suite,
    secret,
    key,
    secretText: suite === 'nostr' ? nsecEncode(secret) : toHex(secret),
    shown: suite === 'nostr' ? npubEncode(pub) : key,
  };
}

async function claim(p: Person, subject: string, now: number): Promise<Claim> {
  return createClaim({ subject, suite: p.suite, secretKey: p.secret, now });
}

/** A chain of events signed by `p`, one after the other. */
async function chain(
  p: Person,
  fields: Parameters<typeof createEvent>[1][],
  now: number,
): Promise<ChainEvent[]> {
  const out: ChainEvent[] = [];
  for (const f of fields)
    out.push(await createEvent(out[out.length - 1] ?? null, f, p.secret, p.suite, now));
  return out;
}

async function publishChain(sig: SigServer, events: ChainEvent[]): Promise<void> {
  const res = await fetch(`${sig.url}/v1/chains/${encodeURIComponent(events[0]!.chain)}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/jsonl' },
    body: exportBundle(events),
  });
  if (!res.ok) throw new Error(`sig-server refused a chain: ${res.status} ${await res.text()}`);
}

/** Start everything; `appRoot` is the built app. */
export async function startStack(appRoot: string): Promise<Stack> {
  const now = Math.floor(Date.now() / 1000);
  const alice = person('nostr');
  const bob = person('ed25519');
  const aliceNpub = alice.shown;
  const aliceDns = `dns:alice.${ZONE}`;
  const bobDns = `dns:bob.${ZONE}`;
  const bobBroken = `dns:bobby.${ZONE}`;

  const aliceNostrClaim = await claim(alice, `nostr:${aliceNpub}`, now);
  const aliceDnsClaim = await claim(alice, aliceDns, now);
  const bobDnsClaim = await claim(bob, bobDns, now);
  const bobBrokenClaim = await claim(bob, bobBroken, now);

  const chatKeys = generateChatKeys();
  const storeDir = mkdtempSync(join(tmpdir(), 'kez-web-e2e-'));
  const started: { stop(): Promise<void> }[] = [];
  const track = <T extends { stop(): Promise<void> }>(p: T): T => {
    started.push(p);
    return p;
  };
  try {
    const [relay, knot, sig, nats] = await Promise.all([
      startNostrRelay({ inMemory: true }).then(track),
      startKnot({
        origin: ZONE,
        zone: `$ORIGIN ${ZONE}.\n$TTL 60\n@ SOA ns.${ZONE}. admin.${ZONE}. 1 60 60 600 60\n@ NS ns.${ZONE}.\nns A 127.0.0.1\n`,
      }).then(track),
      startSigServer({
        env: {},
        config: {
          host: '127.0.0.1',
          port: 0,
          dataDir: join(storeDir, 'sig'),
          logLevel: 'silent',
          rateLimit: null,
        },
      }).then((s) => track({ ...s, stop: () => s.close() })),
      startNatsServer({
        config: (p) =>
          renderLocalNatsConfig({
            keys: publicKeys(chatKeys),
            port: p.port,
            httpPort: p.httpPort,
            wsPort: p.wsPort,
            storeDir: p.storeDir,
          }),
      }).then(track),
    ]);
    const doh = track(await startDnsdist({ upstreamPort: knot.port }));
    const chat = track(
      await startChatServer({
        env: {},
        natsUrl: nats.url,
        ...chatKeys,
        sigServers: [sig.url],
        chainTtl: 0,
        log: SILENT,
      }),
    );

    // Alice: her npub proof on the relay, published by KEZ's own nostr publisher.
    const pubCtx = createNodeContext(
      resolveChannelConfig({ flags: { nostrRelays: [relay.url], allowPrivate: true } }),
    );
    await nostrChannel.publishNostrProof(
      aliceNostrClaim,
      parseIdentity(aliceNostrClaim.subject),
      pubCtx,
      { nostrSecretKey: alice.secret },
    );
    pubCtx.net.close();
    // Her dns proof in the zone, then revoked in her sigchain.
    await knot.setTxt(`_kez.alice`, [await encodeClaim(aliceDnsClaim, 'compact')]);
    await publishChain(
      sig,
      await chain(
        alice,
        [
          { op: 'add', claim: aliceNostrClaim },
          { op: 'add', claim: aliceDnsClaim },
          { op: 'revoke', target: claimId(aliceDnsClaim), reason: 'moved away' },
        ],
        now,
      ),
    );
    // Bob: one dns proof in the zone; the other claim's proof was never published.
    await knot.setTxt(`_kez.bob`, [await encodeClaim(bobDnsClaim, 'compact')]);
    await publishChain(
      sig,
      await chain(
        bob,
        [
          { op: 'add', claim: bobDnsClaim },
          { op: 'add', claim: bobBrokenClaim },
        ],
        now,
      ),
    );

    // The relay's guard allows loopback (test peers) and asks Knot for TXT records.
    const relayNet = createNodeNet(
      resolveChannelConfig({ flags: { allowPrivate: true, dnsServers: [knot.server] } }),
    );
    const web = await startWebServer({
      root: appRoot,
      relay: { net: relayNet },
      config: {
        sigServers: [sig.url],
        natsWsUrl: nats.wsUrl,
        // The sig-server sends no CORS headers: its host goes through the relay; so does DNS.
        relay: { url: '/relay', hosts: [new URL(sig.url).host], fallback: true, dns: true },
        channels: { nostrRelays: [relay.url], allowPrivate: true, timeoutMs: 5000 },
      },
    });
    started.push({ stop: async () => (relayNet.close(), web.close()) });
    // The same page with TXT over DoH, straight from the browser (dnsdist sends CORS headers).
    const webDoh = await startWebServer({
      root: appRoot,
      relay: { net: relayNet },
      config: {
        sigServers: [sig.url],
        relay: { url: '/relay', hosts: [new URL(sig.url).host], fallback: false, dns: false },
        channels: {
          dohUrl: doh.url,
          nostrRelays: [relay.url],
          allowPrivate: true,
          timeoutMs: 5000,
        },
      },
    });
    started.push({ stop: () => webDoh.close() });

    return {
      web,
      webDoh,
      doh,
      relay,
      knot,
      sig,
      nats,
      chat,
      alice: {
        ...alice,
        npub: aliceNpub,
        nostrIdentity: `nostr:${aliceNpub}`,
        dnsIdentity: aliceDns,
      },
      bob: { ...bob, goodDns: bobDns, brokenDns: bobBroken },
      async stop() {
        for (const p of started.reverse()) await p.stop().catch(() => undefined);
        rmSync(storeDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    for (const p of started.reverse()) await p.stop().catch(() => undefined);
    rmSync(storeDir, { recursive: true, force: true });
    throw e;
  }
}
