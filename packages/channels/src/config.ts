/**
 * ChannelConfig: every remote endpoint and every network limit a channel uses,
 * in one object (SPEC §7.6, style §6.10). Tests point the endpoints at local
 * peers; production uses the defaults.
 *
 * Precedence (style §6.18): flag > env (`KEZ_*`) > `$KEZ_HOME/config.json` > default.
 * This module is pure: callers hand in the env and the parsed file (node.ts
 * reads them), so browsers can build a config too.
 */
import { InputError } from '@kez/core';

export interface ChannelConfig {
  /** GitHub REST API base, no trailing slash. */
  githubApi: string;
  /** Optional GitHub token: raises the rate limit, required to publish. */
  githubToken?: string;
  /** Origin raw gist files must come from (SPEC §7.3). */
  githubRaw: string;
  /** Most pages of a user's gist list read (100 gists a page). */
  githubMaxPages: number;
  /** Most raw gist files fetched for one verification (SPEC §7.3). */
  githubMaxRawFetches: number;
  /** DNS servers (`ip` or `ip:port`, IPv6 as `[::1]:53`); empty = the system's. */
  dnsServers: string[];
  /** RFC 8484 DoH endpoint; when set, TXT lookups go over HTTPS instead of UDP/TCP. */
  dohUrl?: string;
  /** nostr relays (ws:// or wss://). */
  nostrRelays: string[];
  /** sig-servers asked for a key's sigchain (SPEC §8.10): `GET {server}/v1/chains/{keyref}`. */
  sigServers: string[];
  /** PLC directory base (did:plc → DID document). */
  plcDirectory: string;
  /** Bluesky AppView base, for the post fallback. */
  bskyAppView: string;
  /** PDS to use instead of the one the DID document names (tests, mirrors). */
  bskyPds?: string;
  /** Where a handle's `/.well-known/atproto-did` is fetched; `{handle}` is replaced (default https://{handle}/…). */
  atprotoHandleUrl?: string;
  /** Scheme used to reach ActivityPub hosts: `https` in production, `http` for loopback tests. */
  apScheme: 'https' | 'http';
  /** Most outbox items read when looking for a proof in posts. */
  apOutboxItems: number;
  /** Mastodon access token for publishing. */
  mastodonToken?: string;
  /** Bluesky app password for publishing. */
  blueskyAppPassword?: string;
  /** Per-request deadline, ms (connect + headers + body + redirects). */
  timeoutMs: number;
  /** Deadline for all requests of one identity's verification, ms (SPEC §7.1.1). */
  verifyTimeoutMs: number;
  /** Response-size cap for API JSON (lists, actors, WebFinger, outbox pages), bytes. */
  maxBytes: number;
  /** Size cap for a claim-bearing document (gist file, TXT, post), bytes (SPEC §6.6). */
  maxDocumentBytes: number;
  /** Redirects followed before too_many_redirects. */
  maxRedirects: number;
  /** Allow requests to private, loopback, link-local, ULA and CGNAT addresses (tests). */
  allowPrivate: boolean;
}

export const DEFAULT_CHANNEL_CONFIG: Readonly<ChannelConfig> = Object.freeze({
  githubApi: 'https://api.github.com',
  githubRaw: 'https://gist.githubusercontent.com',
  githubMaxPages: 10,
  githubMaxRawFetches: 100,
  dnsServers: [],
  nostrRelays: [],
  sigServers: [],
  plcDirectory: 'https://plc.directory',
  bskyAppView: 'https://public.api.bsky.app',
  apScheme: 'https',
  apOutboxItems: 20,
  timeoutMs: 10_000,
  verifyTimeoutMs: 30_000,
  maxBytes: 1024 * 1024,
  maxDocumentBytes: 64 * 1024,
  maxRedirects: 5,
  allowPrivate: false,
});

type Kind = 'url' | 'string' | 'list' | 'int' | 'bool' | 'scheme';

/** Each setting: its env var, its config-file key (same as the field) and how to parse it. */
const SETTINGS: { [K in keyof ChannelConfig]-?: { env: string; kind: Kind } } = {
  githubApi: { env: 'KEZ_GITHUB_API', kind: 'url' },
  githubToken: { env: 'KEZ_GITHUB_TOKEN', kind: 'string' },
  githubRaw: { env: 'KEZ_GITHUB_RAW', kind: 'url' },
  githubMaxPages: { env: 'KEZ_GITHUB_MAX_PAGES', kind: 'int' },
  githubMaxRawFetches: { env: 'KEZ_GITHUB_MAX_RAW_FETCHES', kind: 'int' },
  dnsServers: { env: 'KEZ_DNS_SERVERS', kind: 'list' },
  dohUrl: { env: 'KEZ_DOH_URL', kind: 'url' },
  nostrRelays: { env: 'KEZ_NOSTR_RELAYS', kind: 'list' },
  sigServers: { env: 'KEZ_SIG_SERVERS', kind: 'list' },
  plcDirectory: { env: 'KEZ_PLC_DIRECTORY', kind: 'url' },
  bskyAppView: { env: 'KEZ_BSKY_APPVIEW', kind: 'url' },
  bskyPds: { env: 'KEZ_BSKY_PDS', kind: 'url' },
  atprotoHandleUrl: { env: 'KEZ_ATPROTO_HANDLE_URL', kind: 'string' },
  apScheme: { env: 'KEZ_AP_SCHEME', kind: 'scheme' },
  apOutboxItems: { env: 'KEZ_AP_OUTBOX_ITEMS', kind: 'int' },
  mastodonToken: { env: 'KEZ_MASTODON_TOKEN', kind: 'string' },
  blueskyAppPassword: { env: 'KEZ_BLUESKY_APP_PASSWORD', kind: 'string' },
  timeoutMs: { env: 'KEZ_TIMEOUT_MS', kind: 'int' },
  verifyTimeoutMs: { env: 'KEZ_VERIFY_TIMEOUT_MS', kind: 'int' },
  maxBytes: { env: 'KEZ_MAX_BYTES', kind: 'int' },
  maxDocumentBytes: { env: 'KEZ_MAX_DOCUMENT_BYTES', kind: 'int' },
  maxRedirects: { env: 'KEZ_MAX_REDIRECTS', kind: 'int' },
  allowPrivate: { env: 'KEZ_ALLOW_PRIVATE', kind: 'bool' },
};

/** The env var that sets each field (for help texts and docs). */
export const CHANNEL_ENV: { readonly [K in keyof ChannelConfig]-?: string } = Object.fromEntries(
  Object.entries(SETTINGS).map(([k, v]) => [k, v.env]),
) as { [K in keyof ChannelConfig]-?: string };

function parseValue(kind: Kind, raw: unknown, where: string): unknown {
  switch (kind) {
    case 'string':
      if (typeof raw !== 'string' || raw === '') throw new InputError(`${where} must be a string`);
      return raw;
    case 'url': {
      if (typeof raw !== 'string') throw new InputError(`${where} must be a URL`);
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw new InputError(`${where} is not a URL: "${raw.slice(0, 100)}"`);
      }
      if (u.protocol !== 'https:' && u.protocol !== 'http:')
        throw new InputError(`${where} must be an http(s) URL`);
      return raw.replace(/\/+$/, '');
    }
    case 'list': {
      const items = Array.isArray(raw)
        ? raw
        : typeof raw === 'string'
          ? raw.split(/[,\s]+/)
          : undefined;
      if (!items || !items.every((x) => typeof x === 'string'))
        throw new InputError(`${where} must be a list of strings (comma-separated)`);
      return items.map((x: string) => x.trim()).filter((x: string) => x !== '');
    }
    case 'int': {
      const n = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
        throw new InputError(`${where} must be a non-negative integer`);
      return n;
    }
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string') {
        const s = raw.trim().toLowerCase();
        if (['1', 'true', 'yes', 'on'].includes(s)) return true;
        if (['0', 'false', 'no', 'off', ''].includes(s)) return false;
      }
      throw new InputError(`${where} must be true or false`);
    }
    case 'scheme':
      if (raw !== 'https' && raw !== 'http') throw new InputError(`${where} must be https or http`);
      return raw;
  }
}

export interface ConfigSources {
  /** Command-line values (already named like the fields); undefined entries are ignored. */
  flags?: Partial<Record<keyof ChannelConfig, unknown>>;
  /** Environment, e.g. process.env. */
  env?: Record<string, string | undefined>;
  /** Parsed `$KEZ_HOME/config.json`; only the known keys are read (other tools share the file). */
  file?: unknown;
}

/**
 * Build a ChannelConfig from its sources. Throws InputError naming the bad
 * setting and where it came from.
 *
 * @example
 * resolveChannelConfig({ flags: { allowPrivate: true }, env: process.env });
 */
export function resolveChannelConfig(sources: ConfigSources = {}): ChannelConfig {
  const out: Record<string, unknown> = { ...DEFAULT_CHANNEL_CONFIG };
  let file: Record<string, unknown> = {};
  if (sources.file !== undefined) {
    if (typeof sources.file !== 'object' || sources.file === null || Array.isArray(sources.file))
      throw new InputError('config.json must hold a JSON object');
    file = sources.file as Record<string, unknown>;
  }
  for (const [key, { env, kind }] of Object.entries(SETTINGS)) {
    const flag = sources.flags?.[key as keyof ChannelConfig];
    const envValue = sources.env?.[env];
    if (flag !== undefined) out[key] = parseValue(kind, flag, `flag for ${key}`);
    else if (envValue !== undefined && envValue !== '')
      out[key] = parseValue(kind, envValue, `$${env}`);
    else if (file[key] !== undefined)
      out[key] = parseValue(kind, file[key], `config.json "${key}"`);
  }
  const cfg = out as unknown as ChannelConfig;
  if (cfg.timeoutMs < 1) throw new InputError('timeout must be at least 1 ms');
  if (cfg.maxBytes < 1024 || cfg.maxDocumentBytes < 1024)
    throw new InputError('size caps must be at least 1024 bytes');
  if (cfg.verifyTimeoutMs < 1)
    throw new InputError('the verification timeout must be at least 1 ms');
  return cfg;
}

/**
 * Hosts (`host[:port]`) of the endpoints the user configured: SPEC §7.1.2
 * allows a configured endpoint even on a private address (a local resolver,
 * a test peer); redirects from it are still checked.
 */
export function configuredHosts(cfg: ChannelConfig): Set<string> {
  const out = new Set<string>();
  const urls = [
    cfg.githubApi,
    cfg.githubRaw,
    cfg.dohUrl,
    cfg.plcDirectory,
    cfg.bskyAppView,
    ...cfg.nostrRelays,
    ...cfg.sigServers,
  ];
  for (const u of urls) {
    if (!u) continue;
    try {
      out.add(new URL(u).host);
    } catch {
      // not a URL (validated elsewhere)
    }
  }
  return out;
}
