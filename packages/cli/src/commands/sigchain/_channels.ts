/**
 * `kez sigchain publish --nostr | --gist`: the chain where verifiers find it
 * besides sig-servers (SPEC §8.10) — a kind-30078 `kez-sigchain` event
 * signed by your nostr key, and the `kez-sigchain.jsonl` file of a public
 * gist of the token's user. The work is @kez/channels'; this is the CLI side.
 */
import { Option } from 'commander';
import { ChannelError, InputError } from '@kez/core';
import type { ChainState } from '@kez/core';
import { publishChainToGist, publishChainToNostr } from '@kez/channels';
import { createNodeContext } from '@kez/channels/node';
import { channelConfig } from '../../channel-options.js';
import type { Deps } from '../../deps.js';
import { loadSecretKey } from '../../key-material.js';
import { KeyStore } from '../../key-store.js';
import { passphraseFileOption } from '../../options.js';

export interface ChannelTargetFlags {
  nostr?: boolean;
  gist?: boolean;
  relay?: string[];
  githubToken?: string;
  githubApi?: string;
  githubRaw?: string;
  passphraseFile?: string;
}

/** One publish target's outcome. */
export interface ChannelTarget {
  target: string;
  ok: boolean;
  message: string;
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

export function channelTargetOptions(): Option[] {
  return [
    new Option('--nostr', 'also publish a kez-sigchain event signed by --key (a nostr key)'),
    new Option('--gist', "also write kez-sigchain.jsonl to a public gist of the token's user"),
    new Option(
      '--relay <url>',
      'nostr relay for --nostr, repeatable ($KEZ_NOSTR_RELAYS)',
    ).argParser(collect),
    new Option('--github-token <token>', 'GitHub token for --gist ($KEZ_GITHUB_TOKEN)'),
    new Option('--github-api <url>', 'GitHub REST API base ($KEZ_GITHUB_API)'),
    new Option('--github-raw <url>', 'raw gist file origin ($KEZ_GITHUB_RAW)'),
    passphraseFileOption(),
  ];
}

/** True when a channel target was asked for (then no sig-server is required). */
export const wantsChannels = (opts: ChannelTargetFlags) =>
  opts.nostr === true || opts.gist === true;

/**
 * Check the channel targets and unlock the nostr key (it may prompt: do this
 * before any spinner), then `publish(state)`. Network failures become failed
 * targets; bad input (no relay, not a nostr key, no token) throws.
 */
export async function prepareChannels(
  opts: ChannelTargetFlags & { key: string; allowPrivate?: boolean; timeout?: string },
  deps: Deps,
): Promise<{ publish(state: ChainState): Promise<ChannelTarget[]> }> {
  if (!wantsChannels(opts)) return { publish: async () => [] };
  const config = channelConfig(opts, deps);
  let nostrKey: Uint8Array | undefined;
  if (opts.nostr) {
    if (!config.nostrRelays.length)
      throw new InputError('--nostr needs a relay: pass --relay <url> or set KEZ_NOSTR_RELAYS');
    const key = await loadSecretKey(deps, new KeyStore(deps.env.home), opts.key, {
      file: opts.passphraseFile,
    });
    if (key.suite !== 'nostr')
      throw new InputError(`--nostr needs a nostr key; "${opts.key}" is ${key.suite}`);
    nostrKey = key.secret;
  }
  return {
    async publish(state) {
      const ctx = createNodeContext(config);
      ctx.now = () => deps.now();
      const out: ChannelTarget[] = [];
      const attempt = async (name: string, fn: () => Promise<ChannelTarget[]>) => {
        try {
          out.push(...(await fn()));
        } catch (e) {
          if (!(e instanceof ChannelError)) throw e;
          out.push({ target: name, ok: false, message: `${e.message} (${e.code})` });
        }
      };
      try {
        if (nostrKey) {
          const sk = nostrKey;
          await attempt('nostr', async () => {
            const r = await publishChainToNostr(state, sk, ctx);
            return r.targets.map((t) => ({
              target: t.target,
              ok: t.ok,
              message: t.ok ? `nostr event ${r.event}` : t.message || 'refused',
            }));
          });
        }
        if (opts.gist)
          await attempt('gist', async () => {
            const r = await publishChainToGist(state, ctx);
            const how = r.created ? 'created' : 'updated';
            return [{ target: r.location, ok: true, message: `${how} (github:${r.login})` }];
          });
      } finally {
        ctx.net.close();
      }
      return out;
    },
  };
}

/** The sig-servers to publish to: none when none is named and a channel target was asked. */
export function serversIfAny(
  opts: { server?: string[] },
  deps: Deps,
  serversFrom: (o: { server?: string[] }, d: Deps) => string[],
): string[] {
  if (!opts.server?.length && !deps.env.vars.KEZ_SIG_SERVERS?.trim()) return [];
  return serversFrom(opts, deps);
}
