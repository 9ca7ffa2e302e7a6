/**
 * `@kez/channels/node`: the Node implementation of the Net seam (guarded
 * node:http fetch, node:dns or DoH TXT lookups) and the config loader that
 * reads `$KEZ_HOME/config.json`. Importing it installs OpenSSL's ECDSA for
 * atproto commit signatures (off the event loop; checked against known
 * answers before use, bluesky/did-key.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, parseJson } from '@kez/core';
import { useEcdsaVerify } from './bluesky/did-key.js';
import { nodeEcdsaVerify } from './bluesky/node-ecdsa.js';
import { configuredHosts, resolveChannelConfig } from './config.js';
import type { ChannelConfig, ConfigSources } from './config.js';
import { createDohResolveTxt } from './net/doh.js';
import { createGuardedFetch } from './net/guarded-fetch.js';
import { createNodeResolveTxt } from './net/node-dns.js';
import { createNodeTransport } from './net/node-transport.js';
import { createNodeWebSocket } from './nostr/node-websocket.js';
import type { ChannelContext, Net } from './types.js';

export { createNodeTransport } from './net/node-transport.js';
export { createNodeResolveTxt } from './net/node-dns.js';
export { createNodeWebSocket } from './nostr/node-websocket.js';
export { createFileCacheStore } from './cache-file.js';
export { nodeEcdsaVerify } from './bluesky/node-ecdsa.js';

useEcdsaVerify(nodeEcdsaVerify);

/** A Net that also owns sockets: `close()` drops idle keep-alive connections. */
export interface NodeNet extends Net {
  close(): void;
}

export const USER_AGENT = 'kez/0.2 (+identity proof verifier)';

/**
 * @example
 * const net = createNodeNet(resolveChannelConfig({ env: process.env }));
 * const res = await net.fetch('https://api.github.com/users/octocat/gists');
 */
export function createNodeNet(config: ChannelConfig): NodeNet {
  const transport = createNodeTransport();
  const fetch = createGuardedFetch({
    transport,
    timeoutMs: config.timeoutMs,
    maxBytes: config.maxBytes,
    maxRedirects: config.maxRedirects,
    allowPrivate: config.allowPrivate,
    trustedHosts: configuredHosts(config),
    allowHttp: config.apScheme === 'http',
    userAgent: USER_AGENT,
  });
  const resolveTxt = config.dohUrl
    ? createDohResolveTxt(config.dohUrl, fetch)
    : createNodeResolveTxt({ servers: config.dnsServers, timeoutMs: config.timeoutMs });
  const webSocket = createNodeWebSocket({
    allowPrivate: config.allowPrivate,
    trusted: config.nostrRelays,
    maxPayload: config.maxBytes,
    handshakeTimeoutMs: config.timeoutMs,
  });
  return { fetch, resolveTxt, webSocket, close: () => transport.close() };
}

/** A ChannelContext on Node with the real clock. */
export function createNodeContext(config: ChannelConfig): ChannelContext & { net: NodeNet } {
  return { net: createNodeNet(config), config, now: () => Math.floor(Date.now() / 1000) };
}

/** Read `$KEZ_HOME/config.json`; a missing file is an empty config, a broken one an InputError. */
export function readConfigFile(home: string | undefined): unknown {
  if (!home) return undefined;
  const path = join(home, 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return parseJson(text);
  } catch (e) {
    throw new InputError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * flag > env > `$KEZ_HOME/config.json` > default.
 *
 * @example
 * loadChannelConfig({ flags: { allowPrivate: true }, env: process.env, home: process.env.KEZ_HOME });
 */
export function loadChannelConfig(
  opts: { flags?: ConfigSources['flags']; env?: ConfigSources['env']; home?: string } = {},
): ChannelConfig {
  return resolveChannelConfig({
    ...(opts.flags ? { flags: opts.flags } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    file: readConfigFile(opts.home),
  });
}
