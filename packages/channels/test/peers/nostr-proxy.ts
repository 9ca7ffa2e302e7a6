// A misbehaving relay for tests: a `ws` server on loopback that forwards every
// message between a client and a real upstream relay, letting a test rewrite
// what the client asks (e.g. swap the author of a REQ, so the real relay
// answers with another account's events) or what the relay sends back (e.g.
// alter an event's content while keeping its id and signature).
import { WebSocket, WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';

/** A message as parsed JSON; return the (possibly changed) message, or undefined to drop it. */
export type Rewrite = (msg: unknown[]) => unknown[] | undefined;

export interface NostrProxy {
  url: string;
  /** Applied to each client → relay message. */
  toRelay: Rewrite;
  /** Applied to each relay → client message. */
  toClient: Rewrite;
  stop(): Promise<void>;
}

const pass: Rewrite = (m) => m;

export async function startNostrProxy(upstream: string): Promise<NostrProxy> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const proxy: NostrProxy = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    toRelay: pass,
    toClient: pass,
    stop: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
  const relay = (from: WebSocket, to: WebSocket, rewrite: () => Rewrite) => {
    from.on('message', (data) => {
      const out = rewrite()(JSON.parse(String(data)) as unknown[]);
      if (out && to.readyState === WebSocket.OPEN) to.send(JSON.stringify(out));
    });
  };
  wss.on('connection', (client) => {
    const up = new WebSocket(upstream);
    const pending: string[] = [];
    client.on('message', (data) => {
      if (up.readyState !== WebSocket.OPEN) pending.push(String(data));
    });
    up.on('open', () => {
      for (const p of pending) {
        const out = proxy.toRelay(JSON.parse(p) as unknown[]);
        if (out) up.send(JSON.stringify(out));
      }
      relay(client, up, () => proxy.toRelay);
    });
    relay(up, client, () => proxy.toClient);
    up.on('close', () => client.close());
    up.on('error', () => client.terminate());
    client.on('close', () => up.close());
  });
  return proxy;
}
