/**
 * Talking to sig-servers from `kez sigchain publish|pull`: which servers,
 * one guarded fetch (timeouts, byte caps, bounded redirects, private
 * addresses refused unless --allow-private; the servers the user names are
 * trusted hosts, as configured endpoints are in @kez/channels), and the
 * server's JSON error body `{error, message}` read into one line.
 */
import { Option } from 'commander';
import { ChannelError, eventId, parseJson } from '@kez/core';
import type { ChainEvent, ChainState } from '@kez/core';
import { createGuardedFetch } from '@kez/channels';
import type { GuardedFetch } from '@kez/channels';
import { USER_AGENT, createNodeTransport } from '@kez/channels/node';
import { channelConfig } from '../../channel-options.js';
import type { ChannelFlags } from '../../channel-options.js';
import type { Deps } from '../../deps.js';
import { UsageError } from '../../errors.js';

export interface ServerFlags extends Pick<ChannelFlags, 'allowPrivate' | 'timeout'> {
  server?: string[];
}

/** Largest bundle read from a server (SPEC §8.9: readers accept at least 1 MiB). */
export const MAX_SERVER_BUNDLE = 64 * 1024 * 1024;

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

export function serverOptions(): Option[] {
  return [
    new Option(
      '--server <url>',
      'sig-server base URL, repeatable (default: $KEZ_SIG_SERVERS, comma-separated)',
    ).argParser(collect),
    new Option(
      '--allow-private',
      'allow private, loopback and link-local addresses beyond the named servers',
    ),
    new Option('--timeout <ms>', 'per-request timeout in ms'),
  ];
}

/** The servers to use: --server flags, else $KEZ_SIG_SERVERS; each an http(s) URL without a trailing slash. */
export function serversFrom(opts: ServerFlags, deps: Deps): string[] {
  const raw = opts.server?.length
    ? opts.server
    : (deps.env.vars.KEZ_SIG_SERVERS ?? '').split(/[\s,]+/).filter(Boolean);
  if (!raw.length)
    throw new UsageError('no sig-server given', 'pass --server <url> or set KEZ_SIG_SERVERS');
  return raw.map((u) => {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new UsageError(`--server: "${u.slice(0, 80)}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`--server: "${u.slice(0, 80)}" is not an http(s) URL`);
    return url.href.replace(/\/+$/, '');
  });
}

export interface ServerClient {
  fetch: GuardedFetch;
  close(): void;
}

/** One guarded fetch for these servers; close() drops kept-alive sockets. */
export function serverClient(opts: ServerFlags, deps: Deps, servers: string[]): ServerClient {
  const cfg = channelConfig(opts, deps);
  const transport = createNodeTransport();
  const fetch = createGuardedFetch({
    transport,
    timeoutMs: cfg.timeoutMs,
    maxBytes: MAX_SERVER_BUNDLE,
    maxRedirects: cfg.maxRedirects,
    allowPrivate: cfg.allowPrivate,
    trustedHosts: new Set(servers.map((s) => new URL(s).host)),
    userAgent: USER_AGENT,
  });
  return { fetch, close: () => transport.close() };
}

/** A key ref is a-z, 0-9 and ':', all allowed in a path segment (RFC 3986 pchar): sent as is. */
export const chainUrl = (server: string, key: string) =>
  `${server}/v1/chains/${/^[a-z0-9:]+$/.test(key) ? key : encodeURIComponent(key)}`;

/** `{error, message}` of a sig-server answer, or a description of what came instead. */
export function serverError(status: number, body: Uint8Array): { error: string; message: string } {
  try {
    const j = parseJson(new TextDecoder().decode(body)) as { error?: unknown; message?: unknown };
    if (typeof j.error === 'string' && typeof j.message === 'string')
      return { error: j.error, message: j.message };
  } catch {
    // not JSON: fall through
  }
  return { error: 'http_error', message: `HTTP ${status}` };
}

/** JSON body of a 2xx answer; anything else is a ChannelError (the server misbehaved). */
export function jsonBody(url: string, res: { status: number; json(): unknown }): unknown {
  try {
    return res.json();
  } catch {
    throw new ChannelError('bad_response', `${url} answered ${res.status} without JSON`, url);
  }
}

/** The applied line of a processed chain, genesis first (fork evidence left out). */
export function primaryLine(state: ChainState): ChainEvent[] {
  if (!state.head) return [];
  const byId = new Map<string, ChainEvent>();
  for (const e of state.events)
    byId.set(eventId(e as unknown as ChainEvent), e as unknown as ChainEvent);
  const line: ChainEvent[] = [];
  let at: ChainEvent | undefined = byId.get(state.head.id);
  while (at) {
    line.push(at);
    at = at.prev === null ? undefined : byId.get(at.prev);
  }
  return line.reverse();
}
