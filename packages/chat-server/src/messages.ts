/**
 * Chat events: messages, edits and deletes, each signed by its sender with
 * signing kind "chat-message" (SPEC §4.3) and checked by every receiver.
 *
 *   {"kez":"0.2","type":"chat-message","op":"message","from":"<user id>",
 *    "key":"<signing key>","room":"general","sent_at":1764000000123,
 *    "nonce":"<16 hex>","text":"hi","sig":"<128 hex>"}
 *
 * Exactly one of `room` and `to` (a user id: a direct message). `edit` carries
 * `target` (the edited event's id) and the new `text`; `delete` carries
 * `target`. An event's id is hex SHA-256 of its JCS, `sig` included (as claim
 * ids, SPEC §4.5). Receivers also check the subject it came on: the sender
 * token must be `from` (nats-server only lets a user publish under their own
 * token) and the room or recipient must match.
 */
import {
  InputError,
  KEZ_VERSION,
  canonicalize,
  fromHex,
  objectId,
  parseJson,
  parseKeyRef,
  randomBytes,
  signingDigest,
  toHex,
} from '@kez/core';
import type { KeyRef } from '@kez/core';
import { verifyDigest } from './crypto-hooks.js';
import type { SyncSigner } from './signer.js';
import { isRoom, parseSubject, userIdOf, userToken } from './subjects.js';

export const CHAT_OPS = ['message', 'edit', 'delete'] as const;
export type ChatOp = (typeof CHAT_OPS)[number];
/** Longest message text, in UTF-16 code units. */
export const MAX_TEXT = 4000;
/** Largest event accepted, bytes of JSON. */
export const MAX_EVENT_BYTES = 16 * 1024;

export interface ChatEvent {
  kez: '0.2';
  type: 'chat-message';
  op: ChatOp;
  /** The sender's user id. */
  from: string;
  /** The signing key: `from` itself, or its current key or a live device. */
  key: string;
  room?: string;
  /** Recipient user id of a direct message. */
  to?: string;
  /** Unix milliseconds, the sender's clock. */
  sent_at: number;
  /** 16 hex: two identical texts in one millisecond are still two events. */
  nonce: string;
  text?: string;
  /** Event id an edit or delete applies to. */
  target?: string;
  sig: string;
}

/** Where an event goes: a room or a user. */
export type Place = { room: string } | { to: string };

export type EventBody =
  | { op: 'message'; text: string }
  | { op: 'edit'; target: string; text: string }
  | { op: 'delete'; target: string };

const FIELDS = new Set([
  'kez',
  'type',
  'op',
  'from',
  'key',
  'room',
  'to',
  'sent_at',
  'nonce',
  'text',
  'target',
  'sig',
]);

/**
 * Build and sign an event.
 * @example signChatEvent(signer, userId, { room: 'general' }, { op: 'message', text: 'hi' }, Date.now())
 */
export function signChatEvent(
  signer: SyncSigner,
  from: string,
  place: Place,
  body: EventBody,
  nowMs: number,
): ChatEvent {
  const unsigned: Record<string, unknown> = {
    kez: KEZ_VERSION,
    type: 'chat-message',
    op: body.op,
    from,
    key: signer.key,
    sent_at: nowMs,
    nonce: toHex(randomBytes(8)),
    ...place,
  };
  if (body.op !== 'delete') unsigned.text = body.text;
  if (body.op !== 'message') unsigned.target = body.target;
  // Catch bad input before signing, with the same rules receivers apply.
  const draft = readShape({ ...unsigned, sig: '0'.repeat(128) });
  const sig = signer.sign(signingDigest('chat-message', unsigned));
  return { ...draft, sig: toHex(sig) };
}

/** An event's id: hex SHA-256 of its JCS (sig included). */
export function eventIdOf(event: ChatEvent): string {
  return objectId(event);
}

/** The bytes to publish. */
export function encodeChatEvent(event: ChatEvent): string {
  return canonicalize(event);
}

/**
 * Parse an event's JSON strictly (SPEC §4.1 rules). Throws InputError naming the problem.
 * @example readChatEvent(msg.string()).op
 */
export function readChatEvent(text: string): ChatEvent {
  if (text.length > MAX_EVENT_BYTES)
    throw new InputError(`chat event is larger than ${MAX_EVENT_BYTES} bytes`);
  return readShape(parseJson(text));
}

function readShape(v: unknown): ChatEvent {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new InputError('chat event must be a JSON object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!FIELDS.has(k)) throw new InputError(`chat event has an unknown field "${k}"`);
  if (o.kez !== KEZ_VERSION) throw new InputError(`chat event "kez" must be "${KEZ_VERSION}"`);
  if (o.type !== 'chat-message') throw new InputError('chat event "type" must be "chat-message"');
  if (!(CHAT_OPS as readonly unknown[]).includes(o.op))
    throw new InputError(`chat event "op" must be one of ${CHAT_OPS.join(', ')}`);
  const op = o.op as ChatOp;
  const from = keyRef(o.from, 'from');
  const key = keyRef(o.key, 'key');
  if (typeof o.sent_at !== 'number' || !Number.isSafeInteger(o.sent_at) || o.sent_at < 0)
    throw new InputError('chat event "sent_at" must be unix milliseconds');
  if (typeof o.nonce !== 'string' || !/^[0-9a-f]{16}$/.test(o.nonce))
    throw new InputError('chat event "nonce" must be 16 hex');
  if (typeof o.sig !== 'string' || !/^[0-9a-f]{128}$/.test(o.sig))
    throw new InputError('chat event "sig" must be 128 hex');
  const out: ChatEvent = {
    kez: KEZ_VERSION,
    type: 'chat-message',
    op,
    from,
    key,
    sent_at: o.sent_at,
    nonce: o.nonce,
    sig: o.sig,
  };
  if ((o.room === undefined) === (o.to === undefined))
    throw new InputError('chat event needs exactly one of "room" and "to"');
  if (o.room !== undefined) {
    if (!isRoom(o.room)) throw new InputError('chat event "room" is not a room name');
    out.room = o.room;
  } else out.to = keyRef(o.to, 'to');
  const wantsText = op !== 'delete';
  if (wantsText !== (o.text !== undefined))
    throw new InputError(`chat event "${op}" ${wantsText ? 'needs' : 'must not have'} "text"`);
  if (o.text !== undefined) {
    if (typeof o.text !== 'string' || o.text.length === 0 || o.text.length > MAX_TEXT)
      throw new InputError(`chat event "text" must be 1-${MAX_TEXT} characters`);
    out.text = o.text;
  }
  const wantsTarget = op !== 'message';
  if (wantsTarget !== (o.target !== undefined))
    throw new InputError(`chat event "${op}" ${wantsTarget ? 'needs' : 'must not have'} "target"`);
  if (o.target !== undefined) {
    if (typeof o.target !== 'string' || !/^[0-9a-f]{64}$/.test(o.target))
      throw new InputError('chat event "target" must be an event id (64 hex)');
    out.target = o.target;
  }
  return out;
}

// Key refs already found canonical and acceptable: a chat has few senders and
// many events, and the nostr key check (lift_x) costs more than a signature.
const goodKeys = new Map<string, KeyRef>();

function parsedKey(v: string): KeyRef {
  let ref = goodKeys.get(v);
  if (!ref) {
    ref = parseKeyRef(v);
    if (ref.text !== v) throw new InputError(`"${v.slice(0, 80)}" is not a canonical key ref`);
    if (goodKeys.size >= 10_000) goodKeys.clear();
    goodKeys.set(v, ref);
  }
  return ref;
}

function keyRef(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new InputError(`chat event "${field}" must be a key ref`);
  try {
    return parsedKey(v).text;
  } catch (e) {
    if (e instanceof InputError)
      throw new InputError(`chat event "${field}": ${e.message}`, e.code);
    throw e;
  }
}

/** Why a received event was not accepted. */
export type EventProblem = 'malformed' | 'wrong_subject' | 'bad_signature';

export type CheckedEvent =
  | { ok: true; event: ChatEvent; id: string }
  | { ok: false; problem: EventProblem; detail: string; from?: string };

/**
 * Everything a receiver can check from the event and its subject alone:
 * shape, subject agreement, signature by `key`. Whether `key` speaks for
 * `from` when they differ is the sender's sigchain's business (KeyBindings).
 * @example const c = await checkChatEvent(msg.subject, msg.string()); if (c.ok) show(c.event)
 */
export async function checkChatEvent(subject: string, text: string): Promise<CheckedEvent> {
  let event: ChatEvent;
  try {
    event = readChatEvent(text);
  } catch (e) {
    if (e instanceof InputError) return { ok: false, problem: 'malformed', detail: e.message };
    throw e;
  }
  const s = parseSubject(subject);
  const fromToken = userToken(event.from);
  const fits =
    (s.kind === 'room-event' && s.sender === fromToken && s.room === event.room) ||
    (s.kind === 'dm' &&
      s.from === fromToken &&
      event.to !== undefined &&
      userIdOf(s.to) === event.to);
  if (!fits)
    return {
      ok: false,
      problem: 'wrong_subject',
      detail: `event from ${event.from} arrived on ${subject}`,
      from: event.from,
    };
  const ref = parsedKey(event.key);
  const good = await verifyDigest(
    ref,
    fromHex(event.sig, 64, 'chat event signature'),
    signingDigest('chat-message', event),
  );
  if (!good)
    return {
      ok: false,
      problem: 'bad_signature',
      detail: `signature does not verify for ${event.key}`,
      from: event.from,
    };
  return { ok: true, event, id: eventIdOf(event) };
}
