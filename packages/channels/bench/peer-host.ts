/**
 * One of the bench's HTTP peers in a process of its own (argv[2]): `github`
 * (the GitHub REST fixture), `mastodon` (the Mastodon-shaped fixture) or
 * `atproto` (PLC directory + PDS from @atproto/dev-env). Real peers are other
 * machines; run inside the bench's process they took the verifier's one JS
 * thread (the PLC directory re-checks a DID's whole signed operation log on
 * every GET), and in one shared process they queued behind each other, so the
 * bench counted their CPU as the verifier's. The nostr relay and Knot already
 * run as child processes (@kez/testkit).
 *
 * Driven by parallel.bench.ts over the IPC channel of child_process.fork:
 * it sends `{ ready: true, urls }` once listening, then answers each request
 * `{ seq, op, ... }` with `{ seq, ok, value | error }`.
 */
import { startGithubFixture } from '../test/peers/github-fixture.js';
import type { FixtureGist } from '../test/peers/github-fixture.js';
import { startMastodonFixture } from '../test/peers/mastodon-fixture.js';
import type { AtprotoNetwork } from '../test/peers/atproto-network.js';

export type PeerRole = 'github' | 'mastodon' | 'atproto';

export type PeerRequest =
  | { op: 'addGist'; gist: FixtureGist }
  | { op: 'addMastodonAccount'; username: string; note: string }
  | { op: 'createAtprotoAccount'; name: string }
  | { op: 'stop' };

export interface PeerUrls {
  /** github */
  githubApi?: string;
  githubRaw?: string;
  /** mastodon: `127.0.0.1:PORT` */
  mastodonHost?: string;
  /** atproto */
  plcUrl?: string;
  handleUrl?: string;
}

interface Running {
  urls: PeerUrls;
  handle(req: PeerRequest): Promise<unknown>;
  stop(): Promise<void>;
}

async function start(role: PeerRole): Promise<Running> {
  if (role === 'github') {
    const gh = await startGithubFixture();
    return {
      urls: { githubApi: gh.url, githubRaw: gh.rawUrl },
      handle: async (req) => {
        if (req.op !== 'addGist') throw new Error(`github peer: no ${req.op}`);
        gh.gists.push(req.gist);
        return null;
      },
      stop: () => gh.stop(),
    };
  }
  if (role === 'mastodon') {
    const masto = await startMastodonFixture();
    return {
      urls: { mastodonHost: masto.host },
      handle: async (req) => {
        if (req.op !== 'addMastodonAccount') throw new Error(`mastodon peer: no ${req.op}`);
        masto.addAccount(req.username, { note: req.note });
        return null;
      },
      stop: () => masto.stop(),
    };
  }
  const { startAtprotoNetwork } = await import('../test/peers/atproto-network.js');
  const net: AtprotoNetwork = await startAtprotoNetwork();
  return {
    urls: { plcUrl: net.plcUrl, handleUrl: net.handleUrl },
    handle: async (req) => {
      if (req.op !== 'createAtprotoAccount') throw new Error(`atproto peer: no ${req.op}`);
      const a = await net.createAccount(req.name);
      return { did: a.did, handle: a.handle, appPassword: a.appPassword };
    },
    stop: () => net.stop(),
  };
}

const send = (m: unknown) => process.send!(m);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

// The bench's process going away (killed, crashed) takes the peer with it.
process.on('disconnect', () => process.exit(0));

const role = process.argv[2] as PeerRole;
let peer: Running;
try {
  peer = await start(role);
} catch (e) {
  send({ ready: false, error: message(e) });
  process.exit(1);
}
process.on('message', (m: { seq: number } & PeerRequest) => {
  const done = m.op === 'stop' ? peer.stop() : peer.handle(m);
  done.then(
    (value) => {
      send({ seq: m.seq, ok: true, value: value ?? null });
      if (m.op === 'stop') process.disconnect();
    },
    (e: unknown) => send({ seq: m.seq, ok: false, error: message(e) }),
  );
});
send({ ready: true, urls: peer.urls });
