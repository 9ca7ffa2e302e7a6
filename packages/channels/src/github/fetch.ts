/**
 * Fetch the texts of a github: identity's proof gists (SPEC §7.3): list the
 * user's public gists (paginated, capped), then read candidate files from
 * their raw_url — kez-proof.* first, the rest only if no proof was found.
 * Each text carries the gist's owner.login, which verify.ts compares with
 * the claimed user: a gist listed under a user is not proof the user wrote it.
 */
import { ChannelError } from '@kez/core';
import type { Identity, ReasonCode } from '@kez/core';
import { mayHoldClaim } from '../hint.js';
import { transportBinding } from '../net/binding.js';
import type { ChannelContext, FetchOutcome, NetResponse, ProofText } from '../types.js';
import { githubHeaders, userGistsUrl } from './locate.js';
import type { Gist, GistFile } from './match.js';
import {
  candidateFiles,
  checkRawUrl,
  githubMessage,
  hasNextPage,
  isProofFileName,
  rateLimitOf,
  readGistList,
} from './match.js';

/** Raw files fetched at once. */
const PARALLEL = 8;

/** A failure to carry up as `failed`. */
export class Failure {
  constructor(
    readonly reason: ReasonCode,
    readonly detail: string,
    readonly location: string,
  ) {}
}

/** Map a non-2xx answer to a failure: rate limits apart from other HTTP errors (SPEC §7.1.1). */
export function httpFailure(res: NetResponse, what: string): Failure {
  const limit = rateLimitOf(res.status, res.headers);
  if (limit)
    return new Failure('rate_limited', `${what} → ${res.status}: ${limit.detail}`, res.url);
  let msg = '';
  try {
    msg = githubMessage(res.json());
  } catch {
    // not JSON: the status alone says enough
  }
  return new Failure('http_error', `${what} → HTTP ${res.status}${msg ? `: ${msg}` : ''}`, res.url);
}

async function get(
  ctx: ChannelContext,
  url: string,
  opts: { token?: string; maxBytes?: number } = {},
): Promise<NetResponse | Failure> {
  try {
    return await ctx.net.fetch(url, {
      headers: githubHeaders(opts.token),
      ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }),
    });
  } catch (e) {
    if (e instanceof ChannelError) return new Failure(e.code, e.message, e.location ?? url);
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
    const res = await get(
      ctx,
      url,
      ctx.config.githubToken ? { token: ctx.config.githubToken } : {},
    );
    if (res instanceof Failure) return res;
    if (res.status === 404) return { absent: `GitHub user ${user} not found (GET ${url} → 404)` };
    if (res.status !== 200) return httpFailure(res, `GET ${url}`);
    let body: unknown;
    try {
      body = res.json();
    } catch (e) {
      if (e instanceof ChannelError) return new Failure(e.code, e.message, url);
      throw e;
    }
    const gists = readGistList(body);
    if (!gists) return new Failure('bad_response', `GET ${url}: not a list of gists`, url);
    all.push(...gists);
    if (!hasNextPage(res.headers.get('link')) || gists.length === 0) break;
  }
  return all;
}

/** One raw file as a proof text. */
async function readRaw(
  gist: Gist,
  file: GistFile,
  ctx: ChannelContext,
): Promise<ProofText | Failure | undefined> {
  const url = file.rawUrl!;
  const bad = checkRawUrl(url, ctx.config.githubRaw, gist.owner);
  if (bad) return new Failure('bad_response', bad, url);
  const res = await get(ctx, url, { maxBytes: ctx.config.maxDocumentBytes });
  if (res instanceof Failure) return res;
  if (res.status === 404) return undefined; // deleted between the list and now
  if (res.status !== 200) return httpFailure(res, `GET ${url}`);
  return {
    text: res.text(),
    location: url,
    owner: gist.owner,
    ...(gist.owner === '' ? { ownerDetail: 'anonymous gist' } : {}),
    binding: transportBinding(url, 'GitHub gist'),
  };
}

async function readAll(
  items: { gist: Gist; file: GistFile }[],
  ctx: ChannelContext,
): Promise<(ProofText | Failure | undefined)[]> {
  const out: (ProofText | Failure | undefined)[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await readRaw(items[i]!.gist, items[i]!.file, ctx);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return out;
}

export async function fetchGithubProofs(
  identity: Identity,
  ctx: ChannelContext,
): Promise<FetchOutcome> {
  const listed = await listUserGists(identity.id, ctx);
  if (listed instanceof Failure) return { type: 'failed', ...listed };
  const listUrl = userGistsUrl(ctx.config.githubApi, identity.id, 1);
  if ('absent' in listed) return { type: 'absent', location: listUrl, detail: listed.absent };
  const files = candidateFiles(listed, ctx.config.maxDocumentBytes).slice(
    0,
    ctx.config.githubMaxRawFetches,
  );
  if (files.length === 0)
    return {
      type: 'absent',
      location: listUrl,
      detail: `${identity.id} has no public gist file that could hold a proof (${listed.length} gist(s) listed)`,
    };
  const proofFirst = files.filter((f) => isProofFileName(f.file.filename));
  const rest = files.slice(proofFirst.length);
  const results = await readAll(proofFirst, ctx);
  // SPEC §7.3: once a kez-proof.* file holds a valid proof, the other files need not be fetched.
  let stop = false;
  if (ctx.probe)
    for (const r of results)
      if (r && !(r instanceof Failure) && (await ctx.probe(r))) {
        stop = true;
        break;
      }
  if (!stop) results.push(...(await readAll(rest, ctx)));
  const texts = results.filter((r): r is ProofText => r !== undefined && !(r instanceof Failure));
  const failure = results.find((r): r is Failure => r instanceof Failure);
  // SPEC §7.1: a fetch that failed with no candidate found is `failed`, never `absent`.
  if (failure && !texts.some((t) => mayHoldClaim(t.text))) return { type: 'failed', ...failure };
  if (texts.length === 0)
    return {
      type: 'absent',
      location: listUrl,
      detail: 'the gist files disappeared while reading',
    };
  return { type: 'found', texts };
}
