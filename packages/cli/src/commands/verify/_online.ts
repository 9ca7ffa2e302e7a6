/**
 * What the online verify commands share: the channel context, the sigchain
 * resolver (SPEC §8.10) behind verify's chain hook, and the result cache in
 * $KEZ_HOME/cache/verify (SPEC §9.8) with `--no-cache`.
 */
import { join } from 'node:path';
import { Option } from 'commander';
import { ChainResolver, verifyCached } from '@kez/channels';
import type { CacheOptions, CachedVerifyResult, ChannelContext } from '@kez/channels';
import { createFileCacheStore, createNodeContext } from '@kez/channels/node';
import type { Identity } from '@kez/core';
import { channelConfig } from '../../channel-options.js';
import type { ChannelFlags } from '../../channel-options.js';
import type { Deps } from '../../deps.js';

export interface OnlineFlags extends ChannelFlags {
  /** commander's `--no-cache` sets this to false. */
  cache?: boolean;
}

/** `--no-cache`: check everything now (the new results are still stored for next time). */
export function noCacheOption(): Option {
  return new Option(
    '--no-cache',
    'do not reuse cached results: fetch every proof now (results are still stored)',
  );
}

export interface Online {
  ctx: ChannelContext;
  chains: ChainResolver;
  cache: CacheOptions;
  /** verifyCached with this run's context, chain hook and cache. */
  verify(identity: Identity, key?: string): Promise<CachedVerifyResult>;
  close(): void;
}

/**
 * Open the network side of one command run.
 * @example const on = openOnline(opts, deps, { identities: [identity] }); try { … } finally { on.close(); }
 */
export function openOnline(
  opts: OnlineFlags,
  deps: Deps,
  lookup: { identities?: Identity[]; expand?: boolean } = {},
): Online {
  const ctx = createNodeContext(channelConfig(opts, deps));
  ctx.now = () => deps.now();
  const chains = new ChainResolver(ctx, lookup);
  const cache: CacheOptions = {
    store: createFileCacheStore(join(deps.env.home, 'cache', 'verify')),
    noCache: opts.cache === false,
  };
  const hook = chains.hook();
  return {
    ctx,
    chains,
    cache,
    verify: (identity, key) =>
      verifyCached(identity, { ctx, chain: hook, ...(key === undefined ? {} : { key }) }, cache),
    close: () => ctx.net.close(),
  };
}
