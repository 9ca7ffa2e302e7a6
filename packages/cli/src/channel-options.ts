/**
 * The endpoint and network flags every online command shares, and the
 * ChannelConfig they make: flag > env (KEZ_*) > $KEZ_HOME/config.json >
 * default (SPEC §7.1.1, style §6 rule 18). Each flag names a ChannelConfig
 * field of @kez/channels.
 */
import { Option } from 'commander';
import { CHANNEL_ENV, DEFAULT_CHANNEL_CONFIG } from '@kez/channels';
import type { ChannelConfig } from '@kez/channels';
import { loadChannelConfig } from '@kez/channels/node';
import type { Deps } from './deps.js';

export interface ChannelFlags {
  allowPrivate?: boolean;
  timeout?: string;
  githubApi?: string;
  githubRaw?: string;
  githubToken?: string;
  dnsServer?: string[];
  dohUrl?: string;
  relay?: string[];
  sigServer?: string[];
  plcDirectory?: string;
  apScheme?: string;
  mastodonToken?: string;
  blueskyAppPassword?: string;
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];
const env = (field: keyof ChannelConfig) => ` ($${CHANNEL_ENV[field]})`;

/**
 * Fresh Option objects for the shared flags.
 * @example channelOptions().forEach((o) => cmd.addOption(o))
 */
export function channelOptions(): Option[] {
  const d = DEFAULT_CHANNEL_CONFIG;
  return [
    new Option(
      '--allow-private',
      'allow requests to private, loopback and link-local addresses (local tests)' +
        env('allowPrivate'),
    ),
    new Option(
      '--timeout <ms>',
      `per-request timeout in ms (default ${d.timeoutMs})` + env('timeoutMs'),
    ),
    new Option(
      '--github-api <url>',
      `GitHub REST API base (default ${d.githubApi})` + env('githubApi'),
    ),
    new Option(
      '--github-raw <url>',
      `raw gist file origin (default ${d.githubRaw})` + env('githubRaw'),
    ),
    new Option(
      '--github-token <token>',
      'GitHub token: higher rate limit; needed to publish' + env('githubToken'),
    ),
    new Option(
      '--dns-server <ip[:port]>',
      'DNS server, repeatable (default: the system resolver)' + env('dnsServers'),
    ).argParser(collect),
    new Option(
      '--doh-url <url>',
      'resolve TXT over DNS-over-HTTPS (RFC 8484) at this URL' + env('dohUrl'),
    ),
    new Option(
      '--relay <url>',
      'nostr relay (ws:// or wss://), repeatable' + env('nostrRelays'),
    ).argParser(collect),
    new Option(
      '--sig-server <url>',
      'sig-server asked for sigchains (GET {url}/v1/chains/{key}), repeatable' + env('sigServers'),
    ).argParser(collect),
    new Option(
      '--plc-directory <url>',
      `PLC directory (default ${d.plcDirectory})` + env('plcDirectory'),
    ),
    new Option(
      '--ap-scheme <scheme>',
      'scheme for ActivityPub hosts (http only for local tests)' + env('apScheme'),
    ).choices(['https', 'http']),
    new Option(
      '--mastodon-token <token>',
      'Mastodon access token, to publish' + env('mastodonToken'),
    ),
    new Option(
      '--bluesky-app-password <password>',
      'Bluesky app password, to publish' + env('blueskyAppPassword'),
    ),
  ];
}

/**
 * The ChannelConfig of one run. Bad values are InputError (exit 2), naming the setting.
 * @example const config = channelConfig(opts, deps)
 */
export function channelConfig(opts: ChannelFlags, deps: Pick<Deps, 'env'>): ChannelConfig {
  const flags: Partial<Record<keyof ChannelConfig, unknown>> = {
    allowPrivate: opts.allowPrivate ? true : undefined,
    timeoutMs: opts.timeout,
    githubApi: opts.githubApi,
    githubRaw: opts.githubRaw,
    githubToken: opts.githubToken,
    dnsServers: opts.dnsServer,
    dohUrl: opts.dohUrl,
    nostrRelays: opts.relay,
    sigServers: opts.sigServer,
    plcDirectory: opts.plcDirectory,
    apScheme: opts.apScheme,
    mastodonToken: opts.mastodonToken,
    blueskyAppPassword: opts.blueskyAppPassword,
  };
  return loadChannelConfig({ flags, env: deps.env.vars, home: deps.env.home });
}
