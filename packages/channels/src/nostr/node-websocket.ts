/**
 * Node's WebSocket for nostr relays: `ws` (Node 20 has no global WebSocket)
 * with the SPEC §7.1.2 private-address rule applied at connect time — IP
 * literals checked up front, names through a lookup hook that checks every
 * resolved address — and a frame size cap. Node-only: import it from
 * `@kez/channels/node`, never from the browser entry.
 */
import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import WebSocket from 'ws';
import { ChannelError } from '@kez/core';
import { isIpLiteral, isPrivateAddress } from '../net/address.js';
import type { WebSocketConstructor } from '../types.js';

export interface NodeWebSocketOptions {
  allowPrivate: boolean;
  /** Relay URLs the user configured: allowed even on a private address (SPEC §7.1.2). */
  trusted?: string[];
  /** Largest frame accepted, bytes (ws closes the connection beyond it). */
  maxPayload?: number;
  /** Opening handshake deadline, ms. */
  handshakeTimeoutMs?: number;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

function privateError(host: string, address: string): ChannelError {
  return new ChannelError(
    'private_address',
    `refusing relay ${host}: it resolves to ${address}, a private or loopback address (allow with --allow-private)`,
    host,
  );
}

function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad)
      return callback(privateError(hostname, bad.address) as unknown as NodeJS.ErrnoException, []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * @example
 * const net = { ...createNodeNet(cfg), webSocket: createNodeWebSocket({ allowPrivate: cfg.allowPrivate, trusted: cfg.nostrRelays }) };
 */
export function createNodeWebSocket(opts: NodeWebSocketOptions): WebSocketConstructor {
  const trusted = new Set((opts.trusted ?? []).map(hostOf).filter((h): h is string => !!h));
  const maxPayload = opts.maxPayload ?? 1024 * 1024;
  const handshakeTimeout = opts.handshakeTimeoutMs ?? 10_000;
  return class GuardedWebSocket extends WebSocket {
    constructor(url: string) {
      const u = new URL(url);
      const allow = opts.allowPrivate || trusted.has(u.host.toLowerCase());
      const host = u.hostname.replace(/^\[|\]$/g, '');
      if (!allow && isIpLiteral(host) && isPrivateAddress(host)) throw privateError(u.host, host);
      super(url, {
        maxPayload,
        handshakeTimeout,
        ...(allow ? {} : { lookup: guardedLookup as unknown as typeof dns.lookup }),
      });
    }
  };
}
