/**
 * Which way each request goes — straight from the page, or through the fetch
 * relay — and a record of it, so every result can say whether it depended on
 * the relay (BRIEF §5: a relay can forge transport-bound proofs, never
 * signed ones).
 */
import { ChannelError } from '@kez/core';
import type { Transport } from '@kez/channels/browser';

/** One request the page made, and the way it went. */
export interface Hop {
  /** The origin URL (for TXT, the DNS name; for nostr, the relay's ws URL) asked for. */
  target: string;
  via: 'direct' | 'relay';
  /** Sent through the relay after the direct request failed to connect. */
  fallback?: boolean;
  kind: 'http' | 'txt' | 'ws';
}

export type HopListener = (hop: Hop) => void;

export interface RoutingOptions {
  direct: Transport;
  relay?: Transport;
  /** Hosts always sent through the relay (`host` or `host:port`, lower case); `*` = all. */
  relayHosts: readonly string[];
  /** Retry through the relay when the direct request fails with network_error. */
  fallback: boolean;
  onHop?: HopListener;
}

/**
 * True when `url` must go through the relay by configuration.
 * @example routesToRelay(new URL('https://sig.example/v1/chains/x'), ['sig.example']) // true
 */
export function routesToRelay(url: URL, hosts: readonly string[]): boolean {
  return hosts.includes('*') || hosts.includes(url.host) || hosts.includes(url.hostname);
}

/**
 * @example
 * const transport = createRoutingTransport({ direct, relay, relayHosts: ['*'], fallback: true, onHop: log });
 */
export function createRoutingTransport(opts: RoutingOptions): Transport {
  const { direct, relay } = opts;
  return async (req) => {
    const target = req.url.href;
    if (relay && routesToRelay(req.url, opts.relayHosts)) {
      opts.onHop?.({ target, via: 'relay', kind: 'http' });
      return relay(req);
    }
    try {
      const res = await direct(req);
      opts.onHop?.({ target, via: 'direct', kind: 'http' });
      return res;
    } catch (e) {
      // A page cannot tell CORS from a refused connection: both are network_error.
      const retry =
        relay &&
        opts.fallback &&
        req.method === 'GET' &&
        !req.signal.aborted &&
        e instanceof ChannelError &&
        e.code === 'network_error';
      if (!retry) throw e;
      opts.onHop?.({ target, via: 'relay', fallback: true, kind: 'http' });
      return relay(req);
    }
  };
}
