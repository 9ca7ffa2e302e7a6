/**
 * Writing to GitHub with a user's token — who the token belongs to, that
 * user's gists, and one gist file created or updated in place. Shared by the
 * github: proof (publish.ts) and the chain's gist (../chain/gist.ts).
 */
import { ChannelError, InputError } from '@kez/core';
import type { ChannelContext, NetResponse } from '../types.js';
import { listUserGists } from './fetch.js';
import { gistUrl, githubHeaders } from './locate.js';
import type { Gist } from './match.js';
import { githubMessage, rateLimitOf, readGist } from './match.js';

/** A failed answer as the error a user can act on: rate limit, refused token, or HTTP status. */
function fail(res: NetResponse, what: string): never {
  let msg = '';
  try {
    msg = githubMessage(res.json());
  } catch {
    // not JSON
  }
  const limit = rateLimitOf(res.status, res.headers);
  if (limit) throw new ChannelError('rate_limited', `${what}: ${limit.detail}`, res.url);
  if (res.status === 401)
    throw new InputError(`GitHub refused the token (${what} → 401${msg ? `: ${msg}` : ''})`);
  throw new ChannelError(
    'http_error',
    `${what} → HTTP ${res.status}${msg ? `: ${msg}` : ''}`,
    res.url,
  );
}

function send(
  ctx: ChannelContext,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  token: string,
  body?: unknown,
): Promise<NetResponse> {
  const headers = githubHeaders(token);
  if (body !== undefined) headers['content-type'] = 'application/json';
  return ctx.net.fetch(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** The login of the token's user, as GitHub spells it. */
export async function tokenLogin(ctx: ChannelContext, token: string): Promise<string> {
  const api = ctx.config.githubApi;
  const me = await send(ctx, 'GET', `${api}/user`, token);
  if (me.status !== 200) fail(me, `GET ${api}/user`);
  const login = (me.json() as { login?: unknown }).login;
  if (typeof login !== 'string')
    throw new ChannelError('bad_response', `GET ${api}/user: no login`);
  return login;
}

/** `user`'s gists (lower-case login); a user GitHub does not know is an InputError. */
export async function gistsOf(user: string, ctx: ChannelContext): Promise<Gist[]> {
  const listed = await listUserGists(user, ctx);
  if (Array.isArray(listed)) return listed;
  if ('absent' in listed) throw new InputError(listed.absent);
  throw new ChannelError(listed.reason, listed.detail, listed.location);
}

/**
 * Put `files` in the gist `existing` (PATCH), or in a new public gist (POST).
 * @example await writeGist(ctx, token, undefined, 'KEZ sigchain', { 'kez-sigchain.jsonl': { content } })
 */
export async function writeGist(
  ctx: ChannelContext,
  token: string,
  existing: Gist | undefined,
  description: string,
  files: Record<string, { content: string }>,
): Promise<Gist> {
  const api = ctx.config.githubApi;
  const res = existing
    ? await send(ctx, 'PATCH', gistUrl(api, existing.id), token, { description, files })
    : await send(ctx, 'POST', `${api}/gists`, token, { description, public: true, files });
  if (res.status !== (existing ? 200 : 201)) fail(res, `${existing ? 'PATCH' : 'POST'} ${res.url}`);
  const gist = readGist(res.json());
  if (!gist)
    throw new ChannelError('bad_response', `${res.url}: the answer is not a gist`, res.url);
  return gist;
}
