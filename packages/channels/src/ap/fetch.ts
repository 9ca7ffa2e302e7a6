/**
 * Fetch the texts of an ap: identity (SPEC §7.6): WebFinger → the actor it
 * names (Accept: application/activity+json) → profile fields, summary, then
 * pinned (featured) posts and the first outbox page (bounded). Every text
 * carries who really wrote it (match.ts actorOwner, a post's attributedTo),
 * so a WebFinger answer pointing at another actor is owner_mismatch, not valid.
 */
import { ChannelError } from '@kez/core';
import type { Identity, ReasonCode } from '@kez/core';
import { mayHoldClaim } from '../hint.js';
import { transportBinding } from '../net/binding.js';
import type { ChannelContext, FetchOutcome, NetResponse, ProofText } from '../types.js';
import { AP_ACCEPT, apAccount, webfingerUrl } from './locate.js';
import type { Post } from './match.js';
import {
  actorOwner,
  jrdSubject,
  readActor,
  readCollection,
  readPosts,
  selfLink,
  stripHtml,
} from './match.js';

type Failed = Extract<FetchOutcome, { type: 'failed' }>;

const failed = (reason: ReasonCode, detail: string, location: string): Failed => ({
  type: 'failed',
  reason,
  detail,
  location,
});

const isFailed = (v: unknown): v is Failed =>
  typeof v === 'object' && v !== null && (v as Failed).type === 'failed';

async function getJson(
  ctx: ChannelContext,
  url: string,
  accept: string,
): Promise<{ res: NetResponse; body?: unknown } | Failed> {
  let res: NetResponse;
  try {
    res = await ctx.net.fetch(url, { headers: { accept } });
  } catch (e) {
    if (e instanceof ChannelError) return failed(e.code, e.message, e.location ?? url);
    throw e;
  }
  if (res.status !== 200) return { res };
  try {
    return { res, body: res.json() };
  } catch (e) {
    if (e instanceof ChannelError) return failed(e.code, e.message, url);
    throw e;
  }
}

/** SPEC §7.1.1: 429 (or 403 with a retry signal) is a rate limit; other errors are http_error. */
function httpFailed(res: NetResponse, url: string): Failed {
  const limited = res.status === 429 || (res.status === 403 && res.headers.has('retry-after'));
  return failed(limited ? 'rate_limited' : 'http_error', `GET ${url} → HTTP ${res.status}`, url);
}

/** Posts of a collection (outbox or featured): its items, or its first page's. */
async function readCollectionPosts(
  ctx: ChannelContext,
  url: string,
  actorId: string,
): Promise<Post[] | Failed> {
  let r = await getJson(ctx, url, AP_ACCEPT);
  if (isFailed(r)) return r;
  if (r.res.status === 404 || r.res.status === 410) return []; // no such collection: no posts
  if (r.res.status !== 200) return httpFailed(r.res, url);
  let col = readCollection(r.body);
  if (!col.items && col.first) {
    const first = col.first;
    r = await getJson(ctx, first, AP_ACCEPT);
    if (isFailed(r)) return r;
    if (r.res.status !== 200) return httpFailed(r.res, first);
    col = readCollection(r.body);
  }
  return readPosts((col.items ?? []).slice(0, ctx.config.apOutboxItems), actorId);
}

export async function fetchApProofs(
  identity: Identity,
  ctx: ChannelContext,
): Promise<FetchOutcome> {
  const account = apAccount(identity.id);
  const wf = webfingerUrl(ctx.config.apScheme, account);
  const w = await getJson(ctx, wf, 'application/jrd+json, application/json');
  if (isFailed(w)) return w;
  if (w.res.status === 404 || w.res.status === 410)
    return {
      type: 'absent',
      location: wf,
      detail: `no account ${identity.id} (WebFinger → ${w.res.status})`,
    };
  if (w.res.status !== 200) return httpFailed(w.res, wf);
  const self = selfLink(w.body);
  if (!self) return failed('bad_response', `${wf}: no ActivityPub self link`, wf);

  const a = await getJson(ctx, self, AP_ACCEPT);
  if (isFailed(a)) return a;
  if (a.res.status === 404 || a.res.status === 410)
    return {
      type: 'absent',
      location: self,
      detail: `actor ${self} is gone (HTTP ${a.res.status})`,
    };
  if (a.res.status !== 200) return httpFailed(a.res, self);
  const actor = readActor(a.body);
  if (!actor) return failed('bad_response', `${self}: not an ActivityPub actor`, self);

  const who = actorOwner(account, self, actor, jrdSubject(w.body));
  const binding = transportBinding(a.res.url, 'ActivityPub actor');
  const text = (location: string, t: string): ProofText => ({
    text: t,
    location,
    binding,
    ...who,
  });
  const texts: ProofText[] = actor.fields.map((f) =>
    text(`${actor.id}#field:${f.name}`, stripHtml(f.value)),
  );
  const bio = stripHtml(actor.summary);
  if (bio) texts.push(text(`${actor.id}#summary`, bio));

  let failure: Failed | undefined;
  if (ctx.config.apOutboxItems > 0) {
    const lists = [actor.featured, actor.outbox].filter((u): u is string => u !== undefined);
    const got = await Promise.all(lists.map((u) => readCollectionPosts(ctx, u, actor.id)));
    const seen = new Set<string>();
    for (const posts of got) {
      if (isFailed(posts)) {
        failure ??= posts;
        continue;
      }
      for (const p of posts) {
        if (seen.has(p.location)) continue; // a pinned post is in the outbox too
        seen.add(p.location);
        // SPEC §7.6 step 4c: a post must be attributed to the actor itself.
        texts.push(
          p.attributedTo === actor.id
            ? text(p.location, p.text)
            : {
                ...text(p.location, p.text),
                owner: p.attributedTo || 'nobody',
                ownerDetail: `post attributed to ${p.attributedTo || 'nobody'}, not ${actor.id}`,
              },
        );
      }
    }
  }
  // SPEC §7.1: a failed fetch with no candidate found is `failed`, never `absent`.
  if (failure && !texts.some((t) => mayHoldClaim(t.text))) return failure;
  return { type: 'found', texts };
}
