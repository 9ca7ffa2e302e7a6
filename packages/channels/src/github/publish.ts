/**
 * Publish a github: proof (SPEC §7.2): create, or update in place, the
 * user's public gist holding `kez-proof.md` with the claim's Markdown fence.
 * Needs a token (KEZ_GITHUB_TOKEN / --github-token) belonging to the claimed user.
 */
import { ChannelError, InputError, displayKey, encodeClaim, parseKeyRef } from '@kez/core';
import type { Claim, Identity } from '@kez/core';
import type { ChannelContext, NetResponse, PublishResult } from '../types.js';
import { listUserGists } from './fetch.js';
import { PROOF_FILENAME, gistUrl, githubHeaders } from './locate.js';
import { findProofGist, githubMessage, rateLimitOf, readGist } from './match.js';

export const PROOF_DESCRIPTION = 'KEZ identity proof';

/** The file's text: a line for people, then the fence verifiers read. */
export async function proofMarkdown(claim: Claim): Promise<string> {
  const key = displayKey(parseKeyRef(claim.key));
  return (
    `This gist links ${claim.subject} to the key ${key} (a KEZ identity proof).\n` +
    `Check it with: kez verify id ${claim.subject}\n\n` +
    (await encodeClaim(claim, 'markdown'))
  );
}

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

async function send(
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

/**
 * @example
 * await publishGithub(claim, parseIdentity('github:alice'), ctx); // { location: 'https://gist.github.com/…' }
 */
export async function publishGithub(
  claim: Claim,
  identity: Identity,
  ctx: ChannelContext,
): Promise<PublishResult> {
  const token = ctx.config.githubToken;
  if (!token)
    throw new InputError(
      'publishing to GitHub needs a token: set KEZ_GITHUB_TOKEN or --github-token',
    );
  const api = ctx.config.githubApi;
  // The token must be the claimed user's, or the proof would sit under someone else.
  const me = await send(ctx, 'GET', `${api}/user`, token);
  if (me.status !== 200) fail(me, `GET ${api}/user`);
  const login = (me.json() as { login?: unknown }).login;
  if (typeof login !== 'string' || login.toLowerCase() !== identity.id)
    throw new InputError(
      `the GitHub token belongs to ${typeof login === 'string' ? login : 'an unknown user'}, not ${identity.id}`,
    );
  const listed = await listUserGists(identity.id, ctx);
  if (!Array.isArray(listed)) {
    if ('absent' in listed) throw new InputError(listed.absent);
    throw new ChannelError(listed.reason, listed.detail, listed.location);
  }
  const existing = findProofGist(listed.filter((g) => g.owner === identity.id));
  const files = { [PROOF_FILENAME]: { content: await proofMarkdown(claim) } };
  const res = existing
    ? await send(ctx, 'PATCH', gistUrl(api, existing.id), token, {
        description: PROOF_DESCRIPTION,
        files,
      })
    : await send(ctx, 'POST', `${api}/gists`, token, {
        description: PROOF_DESCRIPTION,
        public: true,
        files,
      });
  const ok = existing ? 200 : 201;
  if (res.status !== ok) fail(res, `${existing ? 'PATCH' : 'POST'} ${res.url}`);
  const gist = readGist(res.json());
  if (!gist)
    throw new ChannelError('bad_response', `${res.url}: the answer is not a gist`, res.url);
  return {
    location: `${gist.htmlUrl ?? gistUrl(api, gist.id)}#${PROOF_FILENAME}`,
    targets: [{ target: gist.id, ok: true, message: existing ? 'updated' : 'created' }],
  };
}
