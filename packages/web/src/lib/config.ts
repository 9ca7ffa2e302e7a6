/**
 * The app's settings, read from `config.json` served beside the page (so a
 * deployment, or a test, points the app at its own peers). Channel endpoints
 * and limits use @kez/channels' own names and checks (`channels` holds a
 * ChannelConfig file object); the rest says where the app's servers are and
 * when to use the fetch relay.
 *
 *   {"sigServers": ["https://sig.example"], "natsWsUrl": "wss://chat.example/ws",
 *    "relay": {"url": "/relay", "hosts": ["sig.example"], "fallback": true, "dns": true},
 *    "channels": {"dohUrl": "https://dns.example/dns-query", "nostrRelays": ["wss://relay.example"]}}
 */
import { InputError } from '@kez/core';
import { resolveChannelConfig } from '@kez/channels/browser';
import type { ChannelConfig } from '@kez/channels/browser';

export interface RelaySettings {
  /** Absolute base URL of the relay (resolved against the page). */
  url: string;
  /** Hosts (`host` or `host:port`) always fetched through the relay; `*` = every host. */
  hosts: string[];
  /** Retry through the relay when a direct request fails to connect (CORS, mixed content). */
  fallback: boolean;
  /** Look TXT records up through the relay's resolver instead of DoH. */
  dns: boolean;
}

export interface AppConfig {
  channels: ChannelConfig;
  /** sig-server base URLs (no trailing slash); chains are self-authenticating, any may contribute. */
  sigServers: string[];
  /** kez-chat's NATS websocket (ws:// or wss://); chat is off without it. */
  natsWsUrl?: string;
  relay?: RelaySettings;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function httpUrl(raw: unknown, where: string, base: string): string {
  if (typeof raw !== 'string' || raw === '') throw new InputError(`${where} must be a URL`);
  let u: URL;
  try {
    u = new URL(raw, base);
  } catch {
    throw new InputError(`${where} is not a URL: "${raw.slice(0, 100)}"`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new InputError(`${where} must be an http(s) URL`);
  return u.href.replace(/\/+$/, '');
}

function strings(raw: unknown, where: string): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || !raw.every((x) => typeof x === 'string'))
    throw new InputError(`${where} must be a list of strings`);
  return raw.map((x: string) => x.trim()).filter((x) => x !== '');
}

function bool(raw: unknown, where: string, dflt: boolean): boolean {
  if (raw === undefined) return dflt;
  if (typeof raw !== 'boolean') throw new InputError(`${where} must be true or false`);
  return raw;
}

/**
 * Check and complete a parsed config.json. `pageUrl` resolves relative URLs
 * (the relay is usually `/relay`, on the page's own origin). Throws
 * InputError naming the bad setting.
 *
 * @example
 * parseAppConfig({ sigServers: ['http://127.0.0.1:8787'], relay: { url: '/relay' } }, location.href)
 */
export function parseAppConfig(raw: unknown, pageUrl: string): AppConfig {
  if (!isObj(raw)) throw new InputError('config.json must hold a JSON object');
  const channels = resolveChannelConfig({ file: raw.channels ?? {} });
  const own = strings(raw.sigServers, 'config.json "sigServers"').map((s, i) =>
    httpUrl(s, `config.json "sigServers"[${i}]`, pageUrl),
  );
  // Either place works: top level, or channels.sigServers as the CLI's config has it.
  const sigServers = [
    ...new Set([...own, ...channels.sigServers.map((s) => s.replace(/\/+$/, ''))]),
  ];
  const out: AppConfig = { channels: { ...channels, sigServers }, sigServers };
  if (raw.natsWsUrl !== undefined) {
    if (typeof raw.natsWsUrl !== 'string' || !/^wss?:\/\/[^\s]+$/.test(raw.natsWsUrl))
      throw new InputError('config.json "natsWsUrl" must be a ws:// or wss:// URL');
    out.natsWsUrl = raw.natsWsUrl;
  }
  if (raw.relay !== undefined) {
    if (!isObj(raw.relay)) throw new InputError('config.json "relay" must be an object');
    const r = raw.relay;
    out.relay = {
      url: httpUrl(r.url, 'config.json "relay.url"', pageUrl),
      hosts: strings(r.hosts, 'config.json "relay.hosts"').map((h) => h.toLowerCase()),
      fallback: bool(r.fallback, 'config.json "relay.fallback"', true),
      dns: bool(r.dns, 'config.json "relay.dns"', !out.channels.dohUrl),
    };
  }
  return out;
}

/**
 * Fetch and parse `config.json` next to the page.
 * @example const config = await loadAppConfig(fetch, new URL('config.json', location.href).href)
 */
export async function loadAppConfig(fetchFn: typeof fetch, url: string): Promise<AppConfig> {
  let res: Response;
  try {
    res = await fetchFn(url, { cache: 'no-store', credentials: 'same-origin' });
  } catch (e) {
    throw new InputError(`cannot load ${url}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new InputError(`cannot load ${url}: HTTP ${res.status}`);
  let raw: unknown;
  try {
    raw = await res.json();
  } catch {
    throw new InputError(`${url} is not JSON`);
  }
  return parseAppConfig(raw, url);
}
