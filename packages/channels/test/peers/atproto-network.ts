// A real AT Protocol network on loopback for tests: @atproto/dev-env 0.3.215's
// TestNetworkNoAppView (an in-memory PLC directory and the official PDS
// 0.4.217), plus a small "handle web server" that answers
// `/.well-known/atproto-did` as each handle's own domain would. In production
// that is https://<handle>/…; here a URL template with the handle in the path
// (`http://127.0.0.1:PORT/{handle}/.well-known/atproto-did`), answered from a
// map the test sets, or else by the PDS (which picks the handle by
// X-Forwarded-Host, as behind a reverse proxy).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestNetworkNoAppView } from '@atproto/dev-env';

export interface AtprotoAccount {
  did: string;
  handle: string;
  /** An app password made for KEZ (com.atproto.server.createAppPassword). */
  appPassword: string;
  /** A logged-in @atproto/api client of the account, for setting up records. */
  agent: ReturnType<TestNetworkNoAppView['pds']['getClient']>;
}

export interface AtprotoNetwork {
  plcUrl: string;
  pdsUrl: string;
  /** Template for ChannelConfig.atprotoHandleUrl. */
  handleUrl: string;
  /** Make the handle's web server answer this DID (whatever the DID document says). */
  setHandleDid(handle: string, did: string | undefined): void;
  createAccount(name: string): Promise<AtprotoAccount>;
  /** Stop the PDS only (the PLC directory and handle server stay up). */
  stopPds(): Promise<void>;
  stop(): Promise<void>;
}

let serial = 0;

export async function startAtprotoNetwork(): Promise<AtprotoNetwork> {
  const net = await TestNetworkNoAppView.create({});
  const pdsUrl = net.pds.url;
  const overrides = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const m = /^\/([a-z0-9.-]+)\/\.well-known\/atproto-did$/.exec(req.url ?? '');
    if (!m) return res.writeHead(404).end('not found');
    const handle = m[1]!;
    const fixed = overrides.get(handle);
    if (fixed) return res.writeHead(200, { 'content-type': 'text/plain' }).end(fixed);
    fetch(`${pdsUrl}/.well-known/atproto-did`, { headers: { 'x-forwarded-host': handle } })
      .then(async (r) =>
        res.writeHead(r.status, { 'content-type': 'text/plain' }).end(await r.text()),
      )
      .catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let pdsStopped = false;

  return {
    plcUrl: net.plc.url,
    pdsUrl,
    handleUrl: `http://127.0.0.1:${port}/{handle}/.well-known/atproto-did`,
    setHandleDid(handle, did) {
      if (did) overrides.set(handle, did);
      else overrides.delete(handle);
    },
    async createAccount(name) {
      const agent = net.pds.getClient();
      const handle = `${name}${++serial}.test`;
      await agent.createAccount({
        handle,
        email: `${name}${serial}@example.test`,
        password: 'hunter22',
      });
      const app = await agent.api.com.atproto.server.createAppPassword({ name: 'kez' });
      return { did: agent.session!.did, handle, appPassword: app.data.password, agent };
    },
    async stopPds() {
      pdsStopped = true;
      await net.pds.close();
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (pdsStopped) await net.plc.close();
      else await net.close();
    },
  };
}
