/**
 * `@kez/channels/browser`: the Net seam for browsers. HTTP goes through the
 * page's `fetch` under the same guard (deadline, size cap, https only, no
 * private IP literals); TXT records through DNS-over-HTTPS (RFC 8484), the
 * only way a page can ask DNS. Needs `dohUrl` for dns: and bluesky handles.
 */
import { ChannelError } from '@kez/core';
import { configuredHosts } from './config.js';
import type { ChannelConfig } from './config.js';
import { createDohResolveTxt } from './net/doh.js';
import { createFetchTransport } from './net/fetch-transport.js';
import { createGuardedFetch } from './net/guarded-fetch.js';
import type { ChannelContext, Net, WebSocketConstructor } from './types.js';

// Everything else a page needs (plugins, verify, config, the guard) is pure: one browser entry.
export * from './index.js';
export { createFetchTransport } from './net/fetch-transport.js';

/**
 * @example
 * const net = createBrowserNet(resolveChannelConfig({ flags: { dohUrl: 'https://dns.example/dns-query' } }));
 */
export function createBrowserNet(config: ChannelConfig): Net {
  const fetch = createGuardedFetch({
    transport: createFetchTransport(globalThis.fetch.bind(globalThis)),
    timeoutMs: config.timeoutMs,
    maxBytes: config.maxBytes,
    maxRedirects: config.maxRedirects,
    allowPrivate: config.allowPrivate,
    trustedHosts: configuredHosts(config),
    allowHttp: config.apScheme === 'http',
  });
  const resolveTxt = config.dohUrl
    ? createDohResolveTxt(config.dohUrl, fetch)
    : async (name: string): Promise<string[][] | null> => {
        throw new ChannelError(
          'dns_error',
          `cannot look up ${name}: a browser needs a DNS-over-HTTPS URL (dohUrl)`,
          name,
        );
      };
  const ws = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  return { fetch, resolveTxt, ...(ws ? { webSocket: ws } : {}) };
}

/** A ChannelContext for a page, with the real clock. */
export function createBrowserContext(config: ChannelConfig): ChannelContext {
  return { net: createBrowserNet(config), config, now: () => Math.floor(Date.now() / 1000) };
}
