/**
 * Fetch the texts of a github: identity's proof gists (SPEC §7.2): list the
 * user's public gists (paginated, capped), then read each candidate file's
 * content from GET /gists/{id} (or its raw_url when the API truncated it).
 * Each text carries the gist's owner.login, which verify.ts compares with the
 * claimed user — a gist listed under a user is not proof that the user wrote it.
 */
import { ChannelError } from '@kez/core';
import type { Identity, ReasonCode } from '@kez/core';
import { transportBinding } from '../net/binding.js';
import type { ChannelContext, FetchOutcome, NetResponse, ProofText } from '../types.js';
import { gistUrl, githubHeaders, userGistsUrl } from './locate.js';
import type { Gist } from './match.js';
import {
  githubMessage,
  hasNextPage,
  proofFiles,
  rateLimitOf,
  readGist,
  readGistList,
} from './match.js';

/** Most gists whose files are read for one verification. */
const MAX_GISTS_READ = 20;

/** A failure to carry up as `failed`. */
class Failure {
  constructor(
    readonly reason: ReasonCode,
    readonly detail: string,
    readonly location: string,
  ) {}
}

async function get(ctx: ChannelContext, url: string): Promise<NetResponse | Failure> {
  try {
    return await ctx.net.fetch(url, { headers: githubHeaders(ctx.config.githubToken) });
  } catch (e) {
    if (e instanceof ChannelError) return new Failure(e.code, e.message, url);
    throw e;
  }
}

/** Map a non-200 answer to a failure: rate limits apart from other HTTP errors. */
function httpFailure(res: NetResponse, url: string): Failure {
  const limit = rateLimitOf(res.status, res.headers);
  if (limit) return new Failure('rate_limited', `GET ${url} → ${res.status}: ${limit.detail}`, url);
  let msg = '';
  try {
    msg = githubMessage(res.json());
  } catch {
    // not JSON: the status alone says enough
  }
  return new Failure('http_error', `GET ${url} → HTTP ${res.status}${msg ? `: ${msg}` : ''}`, url);
}

function asJson(res: NetResponse, url: string): unknown | Failure {
  try {
    return res.json();
  } catch (e) {
    if (e instanceof ChannelError) return new Failure(e.code, e.message, url);
    throw e;
  }
}

/** List the user's gists, page by page while the Link header says there is a next one. */
export async function listUserGists(
  user: string,
  ctx: ChannelContext,
): Promise<Gist[] | Failure | { absent: string }> {
  const all: Gist[] = [];
  for (let page = 1; page <= ctx.config.githubMaxPages; page++) {
    const url = userGistsUrl(ctx.config.githubApi, user, page);
    const res = await get(ctx, url);
    if (res instanceof Failure) return res;
    if (res.status === 404) return { absent: `GitHub user ${user} not found (GET ${url} → 404)` };
    if (res.status !== 200) return httpFailure(res, url);
    const body = asJson(res, url);
    if (body instanceof Failure) return body;
    const gists = readGistList(body);
    if (!gists) return new Failure('bad_response', `GET ${url}: not a list of gists`, url);
    all.push(...gists);
    if (!hasNextPage(res.headers.get('link')) || gists.length === 0) break;
  }
  return all;
}

/** The proof texts of one gist: its candidate files' full content. */
async function readGistTexts(listed: Gist, ctx: ChannelContext): Promise<ProofText[] | Failure> {
  const url = gistUrl(ctx.config.githubApi, listed.id);
  const res = await get(ctx, url);
  if (res instanceof Failure) return res;
  if (res.status === 404) return []; // deleted between the list and now
  if (res.status !== 200) return httpFailure(res, url);
  const body = asJson(res, url);
  if (body instanceof Failure) return body;
  const gist = readGist(body);
  if (!gist) return new Failure('bad_response', `GET ${url}: not a gist`, url);
  const texts: ProofText[] = [];
  for (const f of proofFiles(gist)) {
    let content = f.content;
    let from = url;
    // The API inlines up to 1 MB per file; beyond that, truncated: true and raw_url has it all.
    if ((content === undefined || f.truncated) && f.rawUrl) {
      const raw = await get(ctx, f.rawUrl);
      if (raw instanceof Failure) return raw;
      if (raw.status !== 200) return httpFailure(raw, f.rawUrl);
      content = raw.text();
      from = f.rawUrl;
    }
    if (content === undefined) continue;
    texts.push({
      text: content,
      location: `${gist.htmlUrl ?? url}#${f.filename}`,
      owner: gist.owner,
      ...(gist.owner === '' ? { ownerDetail: 'anonymous gist' } : {}),
      binding: transportBinding(from, 'GitHub REST API'),
    });
  }
  return texts;
}

export async function fetchGithubProofs(
  identity: Identity,
  ctx: ChannelContext,
): Promise<FetchOutcome> {
  const listed = await listUserGists(identity.id, ctx);
  if (listed instanceof Failure) return { type: 'failed', ...listed };
  const listUrl = userGistsUrl(ctx.config.githubApi, identity.id, 1);
  if ('absent' in listed) return { type: 'absent', location: listUrl, detail: listed.absent };
  const candidates = listed.filter((g) => proofFiles(g).length > 0).slice(0, MAX_GISTS_READ);
  if (candidates.length === 0)
    return {
      type: 'absent',
      location: listUrl,
      detail: `none of ${listed.length} public gist(s) of ${identity.id} has a KEZ proof file`,
    };
  const results = await Promise.all(candidates.map((g) => readGistTexts(g, ctx)));
  const texts = results.flatMap((r) => (r instanceof Failure ? [] : r));
  const firstFailure = results.find((r): r is Failure => r instanceof Failure);
  // A partial read still proves what it found; a total failure is unreachable, not "absent".
  if (texts.length === 0 && firstFailure) return { type: 'failed', ...firstFailure };
  if (texts.length === 0)
    return {
      type: 'absent',
      location: listUrl,
      detail: 'the proof gists disappeared while reading',
    };
  return { type: 'found', texts };
}
