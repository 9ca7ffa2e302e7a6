/**
 * The page's Net (the seam every channel fetches through): @kez/channels'
 * guard — deadline, size cap, redirect limit, no private IP literals — over a
 * transport that goes straight to the origin or through the fetch relay, and
 * TXT lookups over DoH or the relay. One Net per verification, so its hop
 * log belongs to one result.
 */
import { ChannelError } from '@kez/core';
import {
  configuredHosts,
  createDohResolveTxt,
  createFetchTransport,
  createGuardedFetch,
} from '@kez/channels/browser';
import type { Net, WebSocketConstructor } from '@kez/channels/browser';
import type { AppConfig } from '../config.js';
import { createRelayResolveTxt, createRelayTransport } from './relay-transport.js';
import { createRoutingTransport } from './routing-transport.js';
import type { HopListener } from './routing-transport.js';

export interface WebNetOptions {
  /** The platform fetch (injected for tests). */
  fetchFn?: typeof fetch;
  /** Told about every request and the way it went. */
  onHop?: HopListener;
  /** WebSocket for nostr relays (default: the page's). */
  webSocket?: WebSocketConstructor;
}

/** Hosts the app was configured with: allowed even on private addresses (SPEC §7.1.2). */
function trustedHosts(config: AppConfig): Set<string> {
  const hosts = configuredHosts(config.channels);
  for (const u of [...config.sigServers, ...(config.relay ? [config.relay.url] : [])])
    hosts.add(new URL(u).host);
  return hosts;
}

/**
 * @example
 * const hops: Hop[] = [];
 * const net = createWebNet(config, { onHop: (h) => hops.push(h) });
 */
export function createWebNet(config: AppConfig, opts: WebNetOptions = {}): Net {
  const cfg = config.channels;
  const fetchFn = opts.fetchFn ?? globalThis.fetch.bind(globalThis);
  const direct = createFetchTransport(fetchFn);
  const relay = config.relay ? createRelayTransport(config.relay.url, fetchFn) : undefined;
  const guard = {
    timeoutMs: cfg.timeoutMs,
    maxBytes: cfg.maxBytes,
    maxRedirects: cfg.maxRedirects,
    allowPrivate: cfg.allowPrivate,
    trustedHosts: trustedHosts(config),
    allowHttp: cfg.apScheme === 'http',
  };
  const fetch = createGuardedFetch({
    ...guard,
    transport: createRoutingTransport({
      direct,
      ...(relay ? { relay } : {}),
      relayHosts: config.relay?.hosts ?? [],
      fallback: config.relay?.fallback ?? false,
      ...(opts.onHop ? { onHop: opts.onHop } : {}),
    }),
  });
  let resolveTxt: Net['resolveTxt'];
  if (config.relay?.dns) {
    const viaRelay = createRelayResolveTxt(
      config.relay.url,
      createGuardedFetch({ ...guard, transport: direct }),
    );
    resolveTxt = (name) => {
      opts.onHop?.({ target: name, via: 'relay', kind: 'txt' });
      return viaRelay(name);
    };
  } else if (cfg.dohUrl) {
    const doh = createDohResolveTxt(cfg.dohUrl, fetch);
    resolveTxt = (name) => {
      opts.onHop?.({ target: name, via: 'direct', kind: 'txt' });
      return doh(name);
    };
  } else {
    resolveTxt = async (name) => {
      throw new ChannelError(
        'dns_error',
        `cannot look up ${name}: configure a DoH URL or the fetch relay`,
        name,
      );
    };
  }
  const ws = opts.webSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!ws) return { fetch, resolveTxt };
  const onHop = opts.onHop;
  // nostr relays are reached over the page's own WebSocket: always direct.
  const webSocket = onHop
    ? (function (url: string) {
        onHop({ target: url, via: 'direct', kind: 'ws' });
        return new ws(url);
      } as unknown as WebSocketConstructor)
    : ws;
  return { fetch, resolveTxt, webSocket };
}
