/**
 * The only reader of process.env for the web server (style §6 rule 18):
 *
 *   KEZ_WEB_HOST    listen address (default 127.0.0.1)
 *   KEZ_WEB_PORT    port (default 8790)
 *   KEZ_WEB_ROOT    the built app (default: dist/app beside this package)
 *   KEZ_WEB_CONFIG  a JSON file served to the page as config.json
 *   KEZ_WEB_RELAY   0 to serve no fetch relay (default on)
 *
 * The relay's own guard reads the channel settings (KEZ_ALLOW_PRIVATE,
 * KEZ_DNS_SERVERS, KEZ_DOH_URL, KEZ_TIMEOUT_MS …) like the CLI does.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WebEnv {
  host: string;
  port: number;
  root: string;
  config: unknown;
  relay: boolean;
  /** Every KEZ_* variable, for the relay's channel config. */
  vars: Record<string, string | undefined>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** The page's config when no file is given: sig-server and chat on their default local ports. */
export const DEFAULT_PAGE_CONFIG = {
  sigServers: ['http://127.0.0.1:8420'],
  natsWsUrl: 'ws://127.0.0.1:9222',
  relay: { url: '/relay', hosts: ['127.0.0.1:8420'], fallback: true, dns: true },
  channels: {},
};

export function readWebEnv(env: Record<string, string | undefined> = process.env): WebEnv {
  const port = Number(env.KEZ_WEB_PORT ?? 8790);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`KEZ_WEB_PORT must be a port number, got "${env.KEZ_WEB_PORT}"`);
  let config: unknown = DEFAULT_PAGE_CONFIG;
  if (env.KEZ_WEB_CONFIG) {
    try {
      config = JSON.parse(readFileSync(env.KEZ_WEB_CONFIG, 'utf8'));
    } catch (e) {
      throw new Error(`cannot read KEZ_WEB_CONFIG ${env.KEZ_WEB_CONFIG}: ${(e as Error).message}`);
    }
  }
  return {
    host: env.KEZ_WEB_HOST || '127.0.0.1',
    port,
    // dist/server/env.js → dist/app; src/server/env.ts → dist/app
    root: env.KEZ_WEB_ROOT || join(here, '..', '..', 'dist', 'app'),
    config,
    relay: env.KEZ_WEB_RELAY !== '0',
    vars: env,
  };
}
