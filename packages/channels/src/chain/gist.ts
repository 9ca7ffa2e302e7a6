/**
 * A chain in a GitHub user's public gists (SPEC §8.10): a file named
 * `kez-sigchain.jsonl`, found from a `github:` identity the key claims. Only
 * gists the user owns count (SPEC §7.3 rules: owner.login, raw URL under the
 * owner's path on the raw origin). Every such file is read and merged.
 */
import { InputError, exportBundle } from '@kez/core';
import type { ChainState, Json } from '@kez/core';
import type { ChannelContext } from '../types.js';
import { listUserGists } from '../github/fetch.js';
import { SIGCHAIN_FILENAME, gistUrl, userGistsUrl } from '../github/locate.js';
import { checkRawUrl } from '../github/match.js';
import { gistsOf, tokenLogin, writeGist } from '../github/write.js';
import { bundleResult, getForChain, httpFailed } from './fetch-bundle.js';
import type { SourceResult } from './types.js';

/** Chain files read for one user. */
const MAX_FILES = 4;
export const CHAIN_GIST_DESCRIPTION = 'KEZ sigchain';

/**
 * Read the `kez-sigchain.jsonl` files of `login`'s public gists.
 * @example await fetchFromGist('alice', ctx)
 */
export async function fetchFromGist(login: string, ctx: ChannelContext): Promise<SourceResult> {
  const listUrl = userGistsUrl(ctx.config.githubApi, login, 1);
  const listed = await listUserGists(login, ctx);
  if (!Array.isArray(listed)) {
    if ('absent' in listed)
      return { type: 'none', kind: 'gist', location: listUrl, detail: listed.absent };
    return { type: 'failed', kind: 'gist', ...listed };
  }
  const files = listed
    .filter((g) => g.public && g.owner === login)
    .flatMap((g) =>
      g.files
        .filter((f) => f.filename === SIGCHAIN_FILENAME && f.rawUrl)
        .map((f) => ({ gist: g, url: f.rawUrl! })),
    )
    .slice(0, MAX_FILES);
  if (files.length === 0)
    return {
      type: 'none',
      kind: 'gist',
      location: listUrl,
      detail: `${login} has no public gist file ${SIGCHAIN_FILENAME}`,
    };
  const events: Json[] = [];
  let failure: SourceResult | undefined;
  for (const { gist, url } of files) {
    const bad = checkRawUrl(url, ctx.config.githubRaw, gist.owner);
    if (bad) {
      failure ??= {
        type: 'failed',
        kind: 'gist',
        location: url,
        reason: 'bad_response',
        detail: bad,
      };
      continue;
    }
    const res = await getForChain(ctx, 'gist', url);
    if ('type' in res) {
      failure ??= res;
      continue;
    }
    if (res.status === 404) continue; // deleted between the list and now
    if (res.status !== 200) {
      failure ??= httpFailed('gist', res, `GET ${url}`);
      continue;
    }
    const r = bundleResult('gist', url, res.body);
    if (r.type === 'found') events.push(...r.events);
    else failure ??= r;
  }
  if (events.length === 0 && failure) return failure;
  return { type: 'found', kind: 'gist', location: files[0]!.url, events };
}

/**
 * Write the chain as `kez-sigchain.jsonl` in a public gist of the token's
 * user (created, or updated in place). Readers find it from the chain's
 * `github:` claim of that user.
 * @example await publishChainToGist(state, ctx) // { location: 'https://gist.github.com/…', login: 'alice' }
 */
export async function publishChainToGist(
  state: ChainState,
  ctx: ChannelContext,
): Promise<{ location: string; login: string; created: boolean }> {
  if (state.events.length === 0) throw new InputError('the chain is empty: nothing to publish');
  const token = ctx.config.githubToken;
  if (!token)
    throw new InputError(
      'publishing to a gist needs a token: set KEZ_GITHUB_TOKEN or --github-token',
    );
  const user = (await tokenLogin(ctx, token)).toLowerCase();
  const listed = await gistsOf(user, ctx);
  const existing = listed.find(
    (g) => g.owner === user && g.files.some((f) => f.filename === SIGCHAIN_FILENAME),
  );
  const files = { [SIGCHAIN_FILENAME]: { content: exportBundle(state.events) } };
  const gist = await writeGist(ctx, token, existing, CHAIN_GIST_DESCRIPTION, files);
  return {
    location: `${gist.htmlUrl ?? gistUrl(ctx.config.githubApi, gist.id)}#${SIGCHAIN_FILENAME}`,
    login: user,
    created: !existing,
  };
}
