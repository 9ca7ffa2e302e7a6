/**
 * NIP-01 events: strict shape check, id computation and BIP-340 signature
 * check, done here on a freshly parsed object (never nostr-tools' verifyEvent,
 * which caches its verdict on the object — notes/stack.md). Pure.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { fromHex, getSuite, InputError, toHex, utf8 } from '@kez/core';

export interface NostrEvent {
  id: string;
  pubkey: string;
  created_at: number;
  kind: number;
  tags: string[][];
  content: string;
  sig: string;
}

export type UnsignedEvent = Omit<NostrEvent, 'id' | 'sig' | 'pubkey'>;

const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;
const FIELDS = ['id', 'pubkey', 'created_at', 'kind', 'tags', 'content', 'sig'];

/**
 * Check that a parsed JSON value has the NIP-01 event shape: lowercase hex id,
 * pubkey and sig, integer created_at and kind (0–65535), tags an array of
 * arrays of strings, content a string. Throws InputError naming the field.
 */
export function parseEvent(value: unknown): NostrEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InputError('nostr event must be a JSON object');
  const o = value as Record<string, unknown>;
  for (const f of FIELDS) if (!(f in o)) throw new InputError(`nostr event has no "${f}"`);
  if (typeof o.id !== 'string' || !HEX64.test(o.id))
    throw new InputError('nostr event "id" must be 64 lowercase hex');
  if (typeof o.pubkey !== 'string' || !HEX64.test(o.pubkey))
    throw new InputError('nostr event "pubkey" must be 64 lowercase hex');
  if (typeof o.sig !== 'string' || !HEX128.test(o.sig))
    throw new InputError('nostr event "sig" must be 128 lowercase hex');
  if (typeof o.created_at !== 'number' || !Number.isSafeInteger(o.created_at) || o.created_at < 0)
    throw new InputError('nostr event "created_at" must be a non-negative integer');
  if (typeof o.kind !== 'number' || !Number.isInteger(o.kind) || o.kind < 0 || o.kind > 65535)
    throw new InputError('nostr event "kind" must be an integer 0–65535');
  if (
    !Array.isArray(o.tags) ||
    !o.tags.every((t) => Array.isArray(t) && t.every((x) => typeof x === 'string'))
  )
    throw new InputError('nostr event "tags" must be an array of arrays of strings');
  if (typeof o.content !== 'string') throw new InputError('nostr event "content" must be a string');
  return {
    id: o.id,
    pubkey: o.pubkey,
    created_at: o.created_at,
    kind: o.kind,
    tags: o.tags as string[][],
    content: o.content,
    sig: o.sig,
  };
}

// NIP-01: escape exactly \n \" \\ \r \t \b \f; every other character verbatim.
const NIP01_ESCAPES: Record<string, string> = {
  '\n': '\\n',
  '"': '\\"',
  '\\': '\\\\',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function nip01String(s: string): string {
  return '"' + s.replace(/[\n"\\\r\t\b\f]/g, (c) => NIP01_ESCAPES[c]!) + '"';
}

/** The NIP-01 serialization `[0,pubkey,created_at,kind,tags,content]` that the id hashes. */
export function serializeEvent(ev: Omit<NostrEvent, 'id' | 'sig'>): string {
  const tags = '[' + ev.tags.map((t) => '[' + t.map(nip01String).join(',') + ']').join(',') + ']';
  return `[0,${nip01String(ev.pubkey)},${ev.created_at},${ev.kind},${tags},${nip01String(ev.content)}]`;
}

/** Hex SHA-256 of the NIP-01 serialization. */
export function computeEventId(ev: Omit<NostrEvent, 'id' | 'sig'>): string {
  return toHex(sha256(utf8(serializeEvent(ev))));
}

/**
 * Implementations differ only for C0 control characters other than the seven
 * NIP-01 names: most use JSON.stringify (`\u0001`), NIP-01 says verbatim. Both
 * serializations are injective, so an id matching either binds the fields.
 */
function jsonEventId(ev: Omit<NostrEvent, 'id' | 'sig'>): string {
  const text = JSON.stringify([0, ev.pubkey, ev.created_at, ev.kind, ev.tags, ev.content]);
  return toHex(sha256(utf8(text)));
}

export type EventCheck = { ok: true } | { ok: false; problem: 'id' | 'signature' };

/** Recompute the id and verify the BIP-340 signature of the id by pubkey. Never throws. */
export async function checkEvent(ev: NostrEvent): Promise<EventCheck> {
  if (computeEventId(ev) !== ev.id && jsonEventId(ev) !== ev.id)
    return { ok: false, problem: 'id' };
  const ok = await getSuite('nostr').verify(
    fromHex(ev.sig, 64, 'sig'),
    fromHex(ev.id, 32, 'id'),
    fromHex(ev.pubkey, 32, 'pubkey'),
  );
  return ok ? { ok: true } : { ok: false, problem: 'signature' };
}

/** Sign an event with a nostr secret key (BIP-340, fresh aux randomness). */
export async function signEvent(
  unsigned: UnsignedEvent,
  secretKey: Uint8Array,
): Promise<NostrEvent> {
  const suite = getSuite('nostr');
  const pubkey = toHex(suite.getPublicKey(secretKey));
  const body = { ...unsigned, pubkey };
  const id = computeEventId(body);
  const sig = await suite.sign(fromHex(id, 32, 'id'), secretKey);
  return { id, ...body, sig: toHex(sig) };
}

/** First value of the first tag named `name` (e.g. the `d` tag of an addressable event). */
export function tagValue(ev: Pick<NostrEvent, 'tags'>, name: string): string | undefined {
  return ev.tags.find((t) => t[0] === name)?.[1];
}
