/** The ap: channel, ActivityPub / Mastodon (SPEC §7.5). */
import type { ChannelPlugin } from '../types.js';
import { fetchApProofs } from './fetch.js';
import { publishAp } from './publish.js';

export { apAccount, webfingerUrl, mastodonApiBase } from './locate.js';
export { selfLink, stripHtml, readActor, actorOwner, readPosts } from './match.js';
export { fetchApProofs } from './fetch.js';
export { publishAp, FIELD_NAME } from './publish.js';

export const apPlugin: ChannelPlugin = {
  name: 'ap',
  fetchProofs: fetchApProofs,
  publish: (claim, identity, ctx, opts) => publishAp(claim, identity, ctx, opts),
};
