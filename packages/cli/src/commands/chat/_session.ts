/**
 * What every `kez chat` command shares: the flags, the settings `kez chat
 * login` remembers in $KEZ_HOME/chat.json (flag > chat.json > default), the
 * log-in itself, and how chat failures become one `kez:` line and an exit
 * code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option } from 'commander';
import { ChannelError, InputError, parseKeyRef } from '@kez/core';
import { verifyIdentity } from '@kez/channels';
import { createNodeContext } from '@kez/channels/node';
import { Badges, ChatClient, ChatError, SigServerChains, createSigner } from '@kez/chat-server';
import type { Badge, ChainSource } from '@kez/chat-server';
import { channelConfig } from '../../channel-options.js';
import type { Deps } from '../../deps.js';
import { EXIT } from '../../exit-codes.js';
import type { ExitCode } from '../../exit-codes.js';
import { writeFileAtomic } from '../../files.js';
import { loadSecretKey } from '../../key-material.js';
import { KeyStore } from '../../key-store.js';
import { keyNameOption, passphraseFileOption } from '../../options.js';
import type { CommandResult } from '../../output.js';

export const DEFAULT_CHAT_SERVER = 'nats://127.0.0.1:4222';

export interface ChatOpts {
  server?: string;
  sigServer?: string[];
  key?: string;
  primary?: string;
  passphraseFile?: string;
}

/** Settings remembered by `kez chat login`. */
export interface ChatSettings {
  server: string;
  sig_servers: string[];
  key: string;
  primary?: string;
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

/** The flags of every chat command. */
export function chatOptions(): Option[] {
  return [
    new Option(
      '--server <url>',
      `NATS URL of the chat (default: from kez chat login, else ${DEFAULT_CHAT_SERVER})`,
    ),
    new Option(
      '--sig-server <url>',
      'sig-server for sigchains (repeatable; default: from kez chat login)',
    ).argParser(collect),
    keyNameOption('--key').default(undefined),
    new Option(
      '--primary <keyref>',
      'when --key is a device: the primary key whose sigchain lists it',
    ),
    passphraseFileOption(),
  ];
}

function settingsPath(deps: Deps): string {
  return join(deps.env.home, 'chat.json');
}

/** chat.json, or null when there is none. A broken file is an InputError naming it. */
export function readSettings(deps: Deps): Partial<ChatSettings> | null {
  const path = settingsPath(deps);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Partial<ChatSettings>;
  } catch {
    throw new InputError(`${path} is not valid JSON; run kez chat login again`);
  }
}

export function writeSettings(deps: Deps, s: ChatSettings): string {
  const path = settingsPath(deps);
  writeFileAtomic(path, JSON.stringify(s, null, 2) + '\n', 0o600);
  return path;
}

/** flag > chat.json > default. */
export function resolveSettings(opts: ChatOpts, deps: Deps): ChatSettings {
  const saved = readSettings(deps) ?? {};
  const server = opts.server ?? saved.server ?? DEFAULT_CHAT_SERVER;
  if (!/^(nats|tls|ws|wss):\/\/[^\s]+$|^[^\s:/]+:\d+$/.test(server))
    throw new InputError(`--server: "${server.slice(0, 80)}" is not a NATS URL (nats://host:port)`);
  const sigServers = opts.sigServer ?? saved.sig_servers ?? [];
  for (const u of sigServers)
    if (!/^https?:\/\/[^\s]+$/.test(u))
      throw new InputError(`--sig-server: "${u.slice(0, 80)}" is not an http(s) URL`);
  const out: ChatSettings = {
    server,
    sig_servers: sigServers,
    key: opts.key ?? saved.key ?? 'default',
  };
  const primary = opts.primary ?? saved.primary;
  if (primary !== undefined) out.primary = parseKeyRef(primary).text;
  return out;
}

/** A user named on the command line: a key ref, an npub, or a stored key's name. */
export function resolveUser(input: string, deps: Deps): string {
  try {
    return parseKeyRef(input).text;
  } catch (e) {
    const store = new KeyStore(deps.env.home);
    if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(input) && store.exists(input))
      return store.read(input).public;
    throw e instanceof InputError
      ? new InputError(
          `"${input.slice(0, 80)}" is not a user (a key ref, an npub or a stored key name)`,
        )
      : e;
  }
}

/** The log-in was refused by the chat server (its callout said no). */
class LoginRefused extends Error {}

export interface Session {
  client: ChatClient;
  settings: ChatSettings;
  chains: ChainSource | undefined;
}

/**
 * Log in with the configured key.
 * @example const { client } = await openSession(opts, deps)
 */
export async function openSession(opts: ChatOpts, deps: Deps): Promise<Session> {
  const settings = resolveSettings(opts, deps);
  const store = new KeyStore(deps.env.home);
  const key = await loadSecretKey(deps, store, settings.key, { file: opts.passphraseFile });
  const chains = settings.sig_servers.length
    ? new SigServerChains({ servers: settings.sig_servers })
    : undefined;
  try {
    const client = await ChatClient.connect({
      servers: settings.server,
      signer: createSigner(key.suite, key.secret),
      ...(settings.primary ? { primary: settings.primary } : {}),
      ...(chains ? { chains } : {}),
      name: 'kez chat',
    });
    return { client, settings, chains };
  } catch (e) {
    const msg = (e as Error).message;
    if (/Authorization Violation/i.test(msg))
      throw new LoginRefused(
        `the chat server at ${settings.server} refused the log-in of ${key.public}`,
      );
    throw new ChannelError(
      'network_error',
      `cannot reach the chat server: ${msg}`,
      settings.server,
    );
  }
}

/** Badges of senders, verified online with the channel settings (env and config.json). */
export function badgeSource(deps: Deps, chains: ChainSource | undefined): Badges | undefined {
  if (!chains) return undefined;
  const ctx = createNodeContext(channelConfig({}, deps));
  return new Badges({
    chains,
    verify: async (identity, key) => {
      const r = await verifyIdentity(identity, { ctx, key });
      return r.detail === undefined
        ? { status: r.status, reason: r.reason }
        : { status: r.status, reason: r.reason, detail: r.detail };
    },
  });
}

/**
 * Run `body` with a session and close it afterwards. A refused log-in or a
 * refused request prints one `kez:` line and ends with exit 1 or 2.
 */
export async function withSession(
  opts: ChatOpts,
  deps: Deps,
  body: (s: Session) => Promise<CommandResult>,
): Promise<CommandResult> {
  let session: Session | undefined;
  try {
    session = await openSession(opts, deps);
    return await body(session);
  } catch (e) {
    if (e instanceof LoginRefused)
      return failed(
        deps,
        EXIT.VERIFY_FAILED,
        `${e.message} (login_refused)`,
        'is the key revoked or rotated away? kez sigchain show',
      );
    if (e instanceof ChatError)
      return failed(
        deps,
        e.code === 'internal'
          ? EXIT.UNREACHABLE
          : e.code === 'login_refused'
            ? EXIT.VERIFY_FAILED
            : EXIT.USAGE,
        `${e.message} (${e.code})`,
      );
    throw e;
  } finally {
    await session?.client.close();
  }
}

function failed(deps: Deps, exitCode: ExitCode, message: string, hint?: string): CommandResult {
  deps.io.stderr.write(`kez: ${message}\n`);
  if (hint) deps.io.stderr.write(`hint: ${hint}\n`);
  return { data: { error: message }, human: () => '', exitCode };
}

/** How a user is shown: npub for nostr keys, a shortened key ref for ed25519. */
export function shortUser(userId: string): string {
  const [suite, hex] = userId.split(':') as [string, string];
  return `${suite}:${hex.slice(0, 8)}…${hex.slice(-4)}`;
}

/** Badges as text: `github:alice ✓`, a broken one `dns:x.org ⚠ revoked`. */
export function badgeText(badges: readonly Badge[] | undefined): string {
  if (!badges?.length) return '';
  return ` [${badges.map((b) => (b.status === 'valid' ? `${b.identity} ✓` : `${b.identity} ⚠ ${b.status}`)).join(', ')}]`;
}
