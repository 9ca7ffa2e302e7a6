/**
 * Pure reading of WebFinger, ActivityPub actors and outboxes (SPEC §7.5):
 * the self link, the actor's profile texts with HTML stripped, the posts the
 * actor itself created, and whether the actor is the account claimed.
 */
import type { ApAccount } from './locate.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const AP_TYPES = [
  'application/activity+json',
  'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
];

/** The JRD `subject`, when present. */
export function jrdSubject(jrd: unknown): string | undefined {
  return isObject(jrd) && typeof jrd.subject === 'string' ? jrd.subject : undefined;
}

/** The JRD `self` link whose type is an ActivityPub media type, or undefined. */
export function selfLink(jrd: unknown): string | undefined {
  if (!isObject(jrd) || !Array.isArray(jrd.links)) return undefined;
  for (const l of jrd.links) {
    if (!isObject(l) || l.rel !== 'self' || typeof l.href !== 'string') continue;
    const type = typeof l.type === 'string' ? l.type.replace(/\s+/g, ' ').trim() : '';
    if (AP_TYPES.includes(type)) return l.href;
  }
  return undefined;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/**
 * Text content of an HTML fragment (profile field values, summaries and posts
 * are HTML): line breaks for <br> and block ends, tags dropped, entities decoded.
 *
 * @example
 * stripHtml('<p>proof: <span class="invisible">https://</span>x</p>'); // 'proof: https://x'
 */
export function stripHtml(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6])>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const cp =
          e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .trim();
}

export interface Actor {
  id: string;
  preferredUsername: string;
  summary: string;
  fields: { name: string; value: string }[];
  outbox?: string;
  /** Pinned posts (Mastodon's `featured` collection). */
  featured?: string;
}

/** Read an actor document; undefined when it lacks an id. */
export function readActor(v: unknown): Actor | undefined {
  if (!isObject(v) || typeof v.id !== 'string') return undefined;
  const fields: Actor['fields'] = [];
  const att = Array.isArray(v.attachment)
    ? v.attachment
    : isObject(v.attachment)
      ? [v.attachment]
      : [];
  for (const a of att) {
    if (isObject(a) && a.type === 'PropertyValue' && typeof a.value === 'string')
      fields.push({ name: typeof a.name === 'string' ? a.name : '', value: a.value });
  }
  const actor: Actor = {
    id: v.id,
    preferredUsername: typeof v.preferredUsername === 'string' ? v.preferredUsername : '',
    summary: typeof v.summary === 'string' ? v.summary : '',
    fields,
  };
  if (typeof v.outbox === 'string') actor.outbox = v.outbox;
  if (typeof v.featured === 'string') actor.featured = v.featured;
  return actor;
}

/**
 * Who the actor is, in ap: id form, and why it is not the claimed account
 * when it is not (SPEC §7.5): the actor id must be WebFinger's self link, its
 * preferredUsername the user, and its host the account's host.
 */
export function actorOwner(
  account: ApAccount,
  self: string,
  actor: Actor,
  subject?: string,
): { owner: string; ownerDetail?: string } {
  const acct = `acct:${account.user}@${account.host}`;
  if (subject !== undefined && subject.toLowerCase() !== acct)
    return { owner: subject, ownerDetail: `WebFinger subject ${subject} ≠ ${acct}` };
  let host = '';
  try {
    host = new URL(actor.id).host.toLowerCase();
  } catch {
    return { owner: actor.id, ownerDetail: `actor id "${actor.id}" is not a URL` };
  }
  const user = actor.preferredUsername.toLowerCase();
  const as = `@${user}@${host}`;
  if (actor.id !== self)
    return { owner: actor.id, ownerDetail: `actor id ${actor.id} ≠ WebFinger self link ${self}` };
  if (user !== account.user)
    return {
      owner: as,
      ownerDetail: `preferredUsername "${actor.preferredUsername}" ≠ "${account.user}"`,
    };
  if (host !== account.host)
    return { owner: as, ownerDetail: `actor host ${host} ≠ account host ${account.host}` };
  return { owner: `@${account.user}@${account.host}` };
}

export interface Post {
  /** The post's URL (or id). */
  location: string;
  text: string;
  /** Who the post is attributed to (actor id); compared with the actor by the caller. */
  attributedTo: string;
}

const idOf = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : isObject(v) && typeof v.id === 'string' ? v.id : undefined;

/**
 * Posts from outbox or featured items (SPEC §7.6 step 4c): a Note, or a
 * Create by the actor wrapping one. Boosts (Announce) are other people's
 * words and are skipped; a Note's attributedTo is kept for the owner check.
 */
export function readPosts(items: unknown[], actorId: string): Post[] {
  const out: Post[] = [];
  for (const it of items) {
    if (!isObject(it)) continue;
    let note: unknown = it;
    if (it.type === 'Create') {
      if (idOf(it.actor) !== actorId) continue;
      note = it.object;
    }
    if (!isObject(note) || note.type !== 'Note' || typeof note.content !== 'string') continue;
    const url = typeof note.url === 'string' ? note.url : (idOf(note) ?? actorId);
    out.push({
      location: url,
      text: stripHtml(note.content),
      attributedTo: idOf(note.attributedTo) ?? '',
    });
  }
  return out;
}

/** The items of an OrderedCollection(Page), or the URL of its first page. */
export function readCollection(v: unknown): { items?: unknown[]; first?: string } {
  if (!isObject(v)) return {};
  const items = Array.isArray(v.orderedItems)
    ? v.orderedItems
    : Array.isArray(v.items)
      ? v.items
      : undefined;
  if (items) return { items };
  if (isObject(v.first)) return readCollection(v.first);
  return typeof v.first === 'string' ? { first: v.first } : {};
}
