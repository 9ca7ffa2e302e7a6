/**
 * Fetch the texts of an ap: identity (SPEC §7.5): WebFinger → the actor it
 * names (Accept: application/activity+json) → profile fields, summary, then
 * the first outbox page (bounded). Every text carries who the actor really is
 * (match.ts actorOwner), so a WebFinger answer pointing at another actor is
 * owner_mismatch, not valid.
 */
import { ChannelError } from '@kez/core';
import type { Identity, ReasonCode } from '@kez/core';
import { transportBinding } from '../net/binding.js';
import type { ChannelContext, FetchOutcome, NetResponse, ProofText } from '../types.js';
import { AP_ACCEPT, apAccount, webfingerUrl } from './locate.js';
import { actorOwner, actorPosts, readActor, readCollection, selfLink, stripHtml } from './match.js';

type Failed = Extract<FetchOutcome, { type: 'failed' }>;

const failed = (reason: ReasonCode, detail: string, location: string): Failed => ({
  type: 'failed',
  reason,
  detail,
  location,
});

async function getJson(
  ctx: ChannelContext,
  url: string,
  accept: string,
): Promise<{ res: NetResponse; body?: unknown } | Failed> {
  let res: NetResponse;
  try {
    res = await ctx.net.fetch(url, { headers: { accept } });
  } catch (e) {
    if (e instanceof ChannelError) return failed(e.code, e.message, url);
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

const isFailed = (v: unknown): v is Failed =>
  typeof v === 'object' && v !== null && (v as Failed).type === 'failed';

/** Up to `limit` of the actor's own posts from its outbox's first page. */
async function readOutbox(
  ctx: ChannelContext,
  outbox: string,
  actorId: string,
): Promise<{ location: string; text: string }[] | Failed> {
  let r = await getJson(ctx, outbox, AP_ACCEPT);
  if (isFailed(r)) return r;
  if (r.res.status !== 200)
    return failed('http_error', `GET ${outbox} → HTTP ${r.res.status}`, outbox);
  let col = readCollection(r.body);
  if (!col.items && col.first) {
    const first = col.first;
    r = await getJson(ctx, first, AP_ACCEPT);
    if (isFailed(r)) return r;
    if (r.res.status !== 200)
      return failed('http_error', `GET ${first} → HTTP ${r.res.status}`, first);
    col = readCollection(r.body);
  }
  return actorPosts((col.items ?? []).slice(0, ctx.config.apOutboxItems), actorId);
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
  if (w.res.status !== 200) return failed('http_error', `GET ${wf} → HTTP ${w.res.status}`, wf);
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
  if (a.res.status !== 200) return failed('http_error', `GET ${self} → HTTP ${a.res.status}`, self);
  const actor = readActor(a.body);
  if (!actor) return failed('bad_response', `${self}: not an ActivityPub actor`, self);

  const who = actorOwner(account, self, actor);
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
  if (actor.summary) texts.push(text(`${actor.id}#summary`, stripHtml(actor.summary)));

  if (actor.outbox && ctx.config.apOutboxItems > 0) {
    const posts = await readOutbox(ctx, actor.outbox, actor.id);
    if (isFailed(posts)) {
      // The profile alone may hold the proof; an outbox we cannot read only fails if nothing else is there.
      if (!texts.some((t) => t.text.includes('kez:'))) return posts;
    } else for (const p of posts) texts.push(text(p.location, p.text));
  }
  return { type: 'found', texts };
}
