/**
 * Publish an ap: proof through the Mastodon client API (SPEC §7.5) with an
 * access token (KEZ_MASTODON_TOKEN): a profile field named "KEZ" holding the
 * compact claim (PATCH /api/v1/accounts/update_credentials fields_attributes),
 * or — since a compact claim (~330 chars) is longer than the 255 characters a
 * Mastodon field holds — a "KEZ: kez:z1:…" line in the bio (`note`, 500
 * chars), or a public post (POST /api/v1/statuses). The bio is the default
 * when no field fits: a post scrolls off the outbox's first page.
 */
import { ChannelError, InputError, encodeClaim } from '@kez/core';
import type { Claim, Identity } from '@kez/core';
import type { ChannelContext, NetResponse, PublishOptions, PublishResult } from '../types.js';
import { apAccount, mastodonApiBase } from './locate.js';

export const FIELD_NAME = 'KEZ';
/** Mastodon's limit for a local profile field value (Account::Field). */
export const FIELD_MAX_CHARS = 255;
/** Mastodon's default limits per status and for the bio. */
const STATUS_MAX_CHARS = 500;
const NOTE_MAX_CHARS = 500;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(res: NetResponse, what: string): never {
  let msg = '';
  try {
    const b = res.json();
    if (isObject(b) && typeof b.error === 'string') msg = b.error.slice(0, 200);
  } catch {
    // not JSON
  }
  if (res.status === 401 || res.status === 403)
    throw new InputError(
      `the Mastodon server refused the token (${what} → ${res.status}${msg ? `: ${msg}` : ''})`,
    );
  if (res.status === 422)
    throw new InputError(`the server refused the proof (${what} → 422${msg ? `: ${msg}` : ''})`);
  if (res.status === 429) throw new ChannelError('rate_limited', `${what} → 429`, res.url);
  throw new ChannelError(
    'http_error',
    `${what} → HTTP ${res.status}${msg ? `: ${msg}` : ''}`,
    res.url,
  );
}

/** The raw (unrendered) profile fields from verify_credentials' `source.fields`. */
function rawFields(account: Record<string, unknown>): { name: string; value: string }[] {
  const src =
    isObject(account.source) && Array.isArray(account.source.fields) ? account.source.fields : [];
  return src
    .filter(isObject)
    .map((f) => ({ name: String(f.name ?? ''), value: String(f.value ?? '') }));
}

/**
 * @example
 * await publishAp(claim, parseIdentity('ap:@alice@example.social'), ctx); // { location: 'https://example.social/@alice' }
 */
export async function publishAp(
  claim: Claim,
  identity: Identity,
  ctx: ChannelContext,
  opts: PublishOptions = {},
): Promise<PublishResult> {
  const token = ctx.config.mastodonToken;
  if (!token)
    throw new InputError(
      'publishing to a Mastodon server needs an access token: set KEZ_MASTODON_TOKEN or --mastodon-token',
    );
  const account = apAccount(identity.id);
  const api = mastodonApiBase(ctx.config.apScheme, account);
  const auth = { authorization: `Bearer ${token}`, accept: 'application/json' };

  const meUrl = `${api}/accounts/verify_credentials`;
  const me = await ctx.net.fetch(meUrl, { headers: auth });
  if (me.status !== 200) fail(me, `GET ${meUrl}`);
  const acc = me.json();
  if (!isObject(acc) || typeof acc.username !== 'string')
    throw new ChannelError('bad_response', `${meUrl}: not an account`, meUrl);
  if (acc.username.toLowerCase() !== account.user)
    throw new InputError(`the Mastodon token belongs to @${acc.username}, not ${identity.id}`);

  const compact = await encodeClaim(claim, 'compact');
  const target = opts.apTarget ?? (compact.length <= FIELD_MAX_CHARS ? 'field' : 'bio');
  const updateUrl = `${api}/accounts/update_credentials`;
  const update = async (form: URLSearchParams, what: string): Promise<PublishResult> => {
    const res = await ctx.net.fetch(updateUrl, {
      method: 'PATCH',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    if (res.status !== 200) fail(res, `PATCH ${updateUrl}`);
    const updated = res.json();
    const where = isObject(updated) && typeof updated.url === 'string' ? updated.url : updateUrl;
    return { location: `${where} (${what})` };
  };
  if (target === 'bio') {
    const src = isObject(acc.source) && typeof acc.source.note === 'string' ? acc.source.note : '';
    // Replace an earlier KEZ line rather than piling them up.
    const kept = src
      .split('\n')
      .filter((l) => !l.includes('kez:z1:'))
      .join('\n')
      .trimEnd();
    const note = `${kept}${kept ? '\n\n' : ''}KEZ: ${compact}`;
    if (note.length > NOTE_MAX_CHARS)
      throw new InputError(
        `the bio with the proof would be ${note.length} characters (limit ${NOTE_MAX_CHARS}); shorten it or use --ap-target post`,
      );
    return update(new URLSearchParams({ note }), 'bio');
  }
  if (target === 'field') {
    // Asked for explicitly, a long field is left to the server to accept (some allow more than Mastodon's 255).
    // update_credentials replaces the whole field list: keep the others, replace ours.
    const fields = rawFields(acc).filter((f) => f.name !== FIELD_NAME);
    fields.push({ name: FIELD_NAME, value: compact });
    const form = new URLSearchParams();
    fields.forEach((f, i) => {
      form.set(`fields_attributes[${i}][name]`, f.name);
      form.set(`fields_attributes[${i}][value]`, f.value);
    });
    return update(form, `profile field "${FIELD_NAME}"`);
  }
  const status = `KEZ identity proof for ${identity.text}: ${compact}`;
  if (status.length > STATUS_MAX_CHARS)
    throw new InputError(
      `the proof post would be ${status.length} characters (limit ${STATUS_MAX_CHARS})`,
    );
  const url = `${api}/statuses`;
  const res = await ctx.net.fetch(url, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ status, visibility: 'public' }),
  });
  if (res.status !== 200) fail(res, `POST ${url}`);
  const post = res.json();
  const where = isObject(post) && typeof post.url === 'string' ? post.url : url;
  return { location: where };
}
