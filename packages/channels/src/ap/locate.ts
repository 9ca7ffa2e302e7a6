/**
 * Where an ap: proof lives (SPEC §7.5): WebFinger on the account's host names
 * the actor; the proof is in the actor's profile fields, its summary, or a post.
 * URLs only; pure.
 */
import { InputError } from '@kez/core';

export interface ApAccount {
  user: string;
  /** Host with optional :port, as in the identity. */
  host: string;
}

/** Split a normalized ap: id `@user@host[:port]`. */
export function apAccount(id: string): ApAccount {
  const m = /^@([^@]+)@([^@]+)$/.exec(id);
  if (!m) throw new InputError(`"${id}" is not of the form @user@host`);
  return { user: m[1]!, host: m[2]! };
}

/**
 * RFC 7033 WebFinger query for `acct:user@host`.
 *
 * @example
 * webfingerUrl('https', { user: 'alice', host: 'example.social' });
 * // 'https://example.social/.well-known/webfinger?resource=acct%3Aalice%40example.social'
 */
export function webfingerUrl(scheme: 'https' | 'http', a: ApAccount): string {
  return `${scheme}://${a.host}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${a.user}@${a.host}`)}`;
}

/** The Mastodon API base of the account's host. */
export function mastodonApiBase(scheme: 'https' | 'http', a: ApAccount): string {
  return `${scheme}://${a.host}/api/v1`;
}

/** Accept header for ActivityPub objects (ActivityPub §3.2). */
export const AP_ACCEPT =
  'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"';
