/**
 * Every NATS subject, stream and bucket name kez-chat uses — built here and
 * nowhere else (style §6 rule 19), so the permissions a user JWT grants
 * (auth-callout/permissions.ts) and the subjects clients publish on can never
 * drift apart.
 *
 * A user appears in subjects as a *user token*: their user id (a key ref,
 * `ed25519:<hex>` or `nostr:<hex>`) with the `:` turned into `_`, which is
 * valid both as a subject token and as a JetStream KV key.
 *
 *   kez.chat.room.<room>.m.<sender>   signed chat events (message, edit, delete) — stored
 *   kez.chat.room.<room>.s            server notices (created, joined, left, topic) — stored
 *   kez.chat.room.<room>.p.<sender>   presence — not stored
 *   kez.chat.dm.<to>.<from>           signed direct messages — stored
 *   kez.chat.api.<sender>.<op>        requests to the chat-server (queue group)
 *   kez.chat.inbox.<key>.>            replies to requests of the key that logged in
 *
 * The inbox carries the signing key's token, not the user id's: a client
 * knows its key before it connects, and learns its user id (the chain id,
 * when its key has a sigchain) from NATS itself ($SYS.REQ.USER.INFO).
 */
import { InputError, isSuiteName } from '@kez/core';

const ROOT = 'kez.chat';

/** JetStream stream holding room events, room notices and DMs. */
export const CHAT_STREAM = 'KEZ_CHAT';
/** JetStream KV bucket holding rooms and memberships. */
export const ROOMS_BUCKET = 'KEZ_CHAT_ROOMS';
/** Queue group shared by every chat-server's API handlers. */
export const API_QUEUE = 'kez-chat-api';
/** Queue group shared by every chat-server's auth_callout responders. */
export const CALLOUT_QUEUE = 'kez-chat-callout';
/** NATS's own "who am I" request: answers with the JWT name, which is the user id. */
export const USER_INFO_SUBJECT = '$SYS.REQ.USER.INFO';
/** Where nats-server sends auth_callout requests (fixed by NATS). */
export const AUTH_CALLOUT_SUBJECT = '$SYS.REQ.USER.AUTH';

const ROOM_RE = /^[a-z0-9][a-z0-9-]{0,31}$/;
const TOKEN_RE = /^(ed25519|nostr)_[0-9a-f]{64}$/;

/** The API operations a user may call (the last token of an api subject). */
export const API_OPS = [
  'create',
  'join',
  'leave',
  'list',
  'topic',
  'members',
  'history',
  'whoami',
] as const;
export type ApiOp = (typeof API_OPS)[number];

/**
 * A room name: 1–32 of `a-z 0-9 -`, starting with a letter or digit.
 * @example checkRoom('general') // 'general'
 */
export function checkRoom(room: string): string {
  if (typeof room !== 'string' || !ROOM_RE.test(room))
    throw new InputError(
      `"${String(room).slice(0, 40)}" is not a room name (1-32 of a-z, 0-9, "-", not starting with "-")`,
    );
  return room;
}

export function isRoom(room: unknown): room is string {
  return typeof room === 'string' && ROOM_RE.test(room);
}

/**
 * The subject token of a user id (a canonical key ref).
 * @example userToken('ed25519:ab…') // 'ed25519_ab…'
 */
export function userToken(userId: string): string {
  const i = userId.indexOf(':');
  const token = `${userId.slice(0, i)}_${userId.slice(i + 1)}`;
  if (i <= 0 || !TOKEN_RE.test(token))
    throw new InputError(`"${userId.slice(0, 80)}" is not a canonical key ref`);
  return token;
}

/**
 * The user id a subject token stands for; null when the token is not one.
 * @example userIdOf('nostr_3bf0…') // 'nostr:3bf0…'
 */
export function userIdOf(token: string): string | null {
  if (!TOKEN_RE.test(token)) return null;
  const i = token.indexOf('_');
  const suite = token.slice(0, i);
  return isSuiteName(suite) ? `${suite}:${token.slice(i + 1)}` : null;
}

/** Signed chat events of `sender` in `room`. */
export function roomEventSubject(room: string, senderToken: string): string {
  return `${ROOT}.room.${room}.m.${senderToken}`;
}

/** Server notices of `room`. */
export function roomNoticeSubject(room: string): string {
  return `${ROOT}.room.${room}.s`;
}

/** Presence beats of `sender` in `room` (not stored). */
export function roomPresenceSubject(room: string, senderToken: string): string {
  return `${ROOT}.room.${room}.p.${senderToken}`;
}

/** Everything about `room`: what a member subscribes to. */
export function roomWildcard(room: string): string {
  return `${ROOT}.room.${room}.>`;
}

/** The stored part of `room` (events and notices), for history reads. */
export function roomHistoryFilters(room: string): string[] {
  return [`${ROOT}.room.${room}.m.*`, roomNoticeSubject(room)];
}

/** A direct message from `fromToken` to `toToken`; `*` allowed in either place for wildcards. */
export function dmSubject(toToken: string, fromToken: string): string {
  return `${ROOT}.dm.${toToken}.${fromToken}`;
}

/** A request from `senderToken` to the chat-server; `*` allowed as op for wildcards. */
export function apiSubject(senderToken: string, op: ApiOp | '*'): string {
  return `${ROOT}.api.${senderToken}.${op}`;
}

/** What chat-servers subscribe to for API requests. */
export const API_WILDCARD = `${ROOT}.api.*.*`;

/** The inbox prefix of a signing key: nats.js `inboxPrefix`, so replies never reach anyone else. */
export function inboxPrefix(token: string): string {
  return `${ROOT}.inbox.${token}`;
}

/** Subjects the chat stream stores. */
export const STREAM_SUBJECTS: readonly string[] = [
  `${ROOT}.room.*.m.*`,
  `${ROOT}.room.*.s`,
  `${ROOT}.dm.*.*`,
];

/** KV key of a room's record. */
export function roomKey(room: string): string {
  return `room.${room}`;
}

/** KV key of a user's room list. */
export function memberKey(token: string): string {
  return `user.${token}`;
}

/** KV key prefix filter of every room. */
export const ROOM_KEYS = 'room.*';

/** What a stored or live subject is about. */
export type ParsedSubject =
  | { kind: 'room-event'; room: string; sender: string }
  | { kind: 'room-notice'; room: string }
  | { kind: 'presence'; room: string; sender: string }
  | { kind: 'dm'; to: string; from: string }
  | { kind: 'api'; sender: string; op: ApiOp }
  | { kind: 'other' };

/**
 * Read a subject back (the inverse of the builders above).
 * @example parseSubject('kez.chat.room.general.s') // { kind: 'room-notice', room: 'general' }
 */
export function parseSubject(subject: string): ParsedSubject {
  const t = subject.split('.');
  if (t[0] !== 'kez' || t[1] !== 'chat') return { kind: 'other' };
  if (t[2] === 'room' && isRoom(t[3])) {
    if (t.length === 6 && t[4] === 'm' && userIdOf(t[5]!))
      return { kind: 'room-event', room: t[3], sender: t[5]! };
    if (t.length === 5 && t[4] === 's') return { kind: 'room-notice', room: t[3] };
    if (t.length === 6 && t[4] === 'p' && userIdOf(t[5]!))
      return { kind: 'presence', room: t[3], sender: t[5]! };
  }
  if (t[2] === 'dm' && t.length === 5 && userIdOf(t[3]!) && userIdOf(t[4]!))
    return { kind: 'dm', to: t[3]!, from: t[4]! };
  if (t[2] === 'api' && t.length === 5 && userIdOf(t[3]!) && isApiOp(t[4]))
    return { kind: 'api', sender: t[3]!, op: t[4] };
  return { kind: 'other' };
}

function isApiOp(op: unknown): op is ApiOp {
  return (API_OPS as readonly unknown[]).includes(op);
}
