/**
 * The chat-server's request/reply API, as clients and the service both see
 * it. A request goes to `kez.chat.api.<sender>.<op>` (subjects.ts) with a JSON
 * body; nats-server lets a user publish only under their own token, so the
 * subject itself says who asks. Replies are JSON: `{ok: true, …}` or
 * `{ok: false, error, message}`.
 */
import type { RoomRecord } from './rooms/store.js';
import type { StoredEvent } from './rooms/history.js';

export interface ApiRequests {
  create: { room: string; topic?: string };
  join: { room: string };
  leave: { room: string };
  list: Record<string, never>;
  topic: { room: string; topic: string };
  members: { room: string };
  /** A room's history, or the DMs with one user (`with`); `after` pages forward, else backward. */
  history: { room?: string; with?: string; before?: number; after?: number; limit?: number };
  whoami: Record<string, never>;
}

export interface RoomSummary {
  id: string;
  topic: string;
  members: number;
  /** The asking user is a member. */
  member: boolean;
}

export interface ApiReplies {
  create: { room: RoomRecord };
  join: { room: RoomRecord };
  leave: { room: RoomRecord };
  list: { rooms: RoomSummary[] };
  topic: { room: RoomRecord };
  members: { members: string[] };
  history: { events: StoredEvent[]; more: boolean };
  whoami: { user: string; rooms: string[] };
}

export type ApiErrorCode =
  'bad_request' | 'no_such_room' | 'room_exists' | 'not_member' | 'too_many' | 'internal';

export type ApiReply<K extends keyof ApiReplies> =
  ({ ok: true } & ApiReplies[K]) | { ok: false; error: ApiErrorCode; message: string };

/** A server notice in a room's history (not signed: the server says it). */
export interface RoomNotice {
  type: 'chat-notice';
  op: 'created' | 'joined' | 'left' | 'topic';
  room: string;
  /** User id the notice is about. */
  user: string;
  topic?: string;
  /** Unix milliseconds. */
  at: number;
}

/** Largest request body, bytes. */
export const MAX_REQUEST_BYTES = 8 * 1024;
