/**
 * The channel registry (atproto's `plugins.ts`): one plugin per channel name,
 * all behind the one ChannelPlugin interface.
 */
import { InputError } from '@kez/core';
import type { Channel } from '@kez/core';
import { apPlugin } from './ap/index.js';
import { blueskyPlugin } from './bluesky/index.js';
import { dnsPlugin } from './dns/index.js';
import { githubPlugin } from './github/index.js';
import { nostrPlugin } from './nostr/index.js';
import type { ChannelPlugin } from './types.js';

export const PLUGINS: Partial<Record<Channel, ChannelPlugin>> = {
  dns: dnsPlugin,
  github: githubPlugin,
  ap: apPlugin,
  nostr: nostrPlugin,
  bluesky: blueskyPlugin,
};

/**
 * The plugin of a channel. Throws InputError when the channel has none.
 *
 * @example
 * getPlugin('github').fetchProofs(parseIdentity('github:alice'), ctx);
 */
export function getPlugin(channel: Channel): ChannelPlugin {
  const p = PLUGINS[channel];
  if (!p) throw new InputError(`no plugin for channel "${channel}" in this build`);
  return p;
}
