/**
 * The room service: answers `kez.chat.api.<sender>.<op>` requests as a NATS
 * queue group (every chat-server instance joins it; they share no state but
 * the KV bucket and the stream). Membership changes are written to KV and
 * announced as notices in the room's history; the client then logs in again
 * (reconnects) to get a JWT whose permissions include the change.
 */
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import { InputError, parseJson } from '@kez/core';
import { MAX_REQUEST_BYTES } from '../api.js';
import type { ApiErrorCode, ApiReplies, ApiRequests, RoomNotice } from '../api.js';
import type { Logger } from '../logger.js';
import type { ChatStorage } from '../storage.js';
import {
  API_QUEUE,
  API_WILDCARD,
  checkRoom,
  dmSubject,
  parseSubject,
  roomHistoryFilters,
  roomNoticeSubject,
  userIdOf,
  userToken,
} from '../subjects.js';
import type { ApiOp } from '../subjects.js';
import { historyAfter, historyBefore } from './history.js';
import { RoomError, RoomStore } from './store.js';

export interface RoomServiceOptions {
  /** The chat service's connection (users' account, full permissions). */
  nc: NatsConnection;
  storage: ChatStorage;
  log: Logger;
  /** Requests handled at once (default 64). */
  concurrency?: number;
  nowMs?: () => number;
}

export interface RoomService {
  readonly store: RoomStore;
  stop(): Promise<void>;
}

type Handler<K extends ApiOp> = (user: string, body: ApiRequests[K]) => Promise<ApiReplies[K]>;

class ApiError extends Error {
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new ApiError('bad_request', `"${field}" must be a string`);
  return v;
}

function optInt(v: unknown, field: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new ApiError('bad_request', `"${field}" must be a non-negative integer`);
  return v;
}

/**
 * @example const svc = startRoomService({ nc, storage, log }); … await svc.stop()
 */
export function startRoomService(opts: RoomServiceOptions): RoomService {
  const { nc, storage, log } = opts;
  const nowMs = opts.nowMs ?? (() => Date.now());
  const store = new RoomStore(storage.rooms);
  const limit = opts.concurrency ?? 64;
  const te = new TextEncoder();

  async function notice(n: Omit<RoomNotice, 'type' | 'at'>): Promise<void> {
    const full: RoomNotice = { type: 'chat-notice', ...n, at: nowMs() };
    await storage.js.publish(roomNoticeSubject(n.room), te.encode(JSON.stringify(full)));
  }

  async function member(room: string, user: string) {
    const rec = await store.get(room);
    if (!rec) throw new RoomError('no_such_room', `no room "${room}"`);
    if (!rec.members.includes(user))
      throw new RoomError('not_member', `you are not in room "${room}"`);
    return rec;
  }

  const handlers: { [K in ApiOp]: Handler<K> } = {
    async create(user, b) {
      const room = checkRoom(str(b.room, 'room'));
      const rec = await store.create(
        room,
        user,
        b.topic === undefined ? '' : str(b.topic, 'topic'),
        nowMs(),
      );
      await notice({ op: 'created', room, user, topic: rec.topic });
      return { room: rec };
    },
    async join(user, b) {
      const room = checkRoom(str(b.room, 'room'));
      const before = await store.get(room);
      const rec = await store.join(room, user);
      if (!before?.members.includes(user)) await notice({ op: 'joined', room, user });
      return { room: rec };
    },
    async leave(user, b) {
      const room = checkRoom(str(b.room, 'room'));
      const rec = await store.leave(room, user);
      await notice({ op: 'left', room, user });
      return { room: rec };
    },
    async list(user) {
      const rooms = await store.list();
      return {
        rooms: rooms.map((r) => ({
          id: r.id,
          topic: r.topic,
          members: r.members.length,
          member: r.members.includes(user),
        })),
      };
    },
    async topic(user, b) {
      const room = checkRoom(str(b.room, 'room'));
      const topic = str(b.topic, 'topic');
      const rec = await store.setTopic(room, user, topic);
      await notice({ op: 'topic', room, user, topic });
      return { room: rec };
    },
    async members(user, b) {
      const rec = await member(checkRoom(str(b.room, 'room')), user);
      return { members: rec.members };
    },
    async history(user, b) {
      let filters: string[];
      if (b.room !== undefined) {
        const room = checkRoom(str(b.room, 'room'));
        await member(room, user);
        filters = roomHistoryFilters(room);
      } else if (b.with !== undefined) {
        const other = userToken(str(b.with, 'with'));
        const me = userToken(user);
        filters = [...new Set([dmSubject(me, other), dmSubject(other, me)])];
      } else throw new ApiError('bad_request', 'history needs "room" or "with"');
      const lim = optInt(b.limit, 'limit') ?? 50;
      const after = optInt(b.after, 'after');
      const before = optInt(b.before, 'before');
      return after !== undefined
        ? historyAfter(storage.js, storage.jsm, filters, { after, limit: lim })
        : historyBefore(
            storage.js,
            storage.jsm,
            filters,
            before === undefined ? { limit: lim } : { before, limit: lim },
          );
    },
    async whoami(user) {
      return { user, rooms: await store.roomsOf(user) };
    },
  };

  async function handle(m: Msg): Promise<void> {
    const s = parseSubject(m.subject);
    if (s.kind !== 'api' || !m.reply) return;
    const user = userIdOf(s.sender)!;
    let reply: object;
    try {
      if (m.data.length > MAX_REQUEST_BYTES)
        throw new ApiError('bad_request', `request is larger than ${MAX_REQUEST_BYTES} bytes`);
      const body = m.data.length === 0 ? {} : parseJson(m.string());
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new ApiError('bad_request', 'request body must be a JSON object');
      const handler = handlers[s.op] as Handler<ApiOp>;
      reply = { ok: true, ...(await handler(user, body as never)) };
    } catch (e) {
      if (e instanceof ApiError || e instanceof RoomError)
        reply = { ok: false, error: e.code, message: e.message };
      else if (e instanceof InputError)
        reply = { ok: false, error: 'bad_request', message: e.message };
      else {
        log.error('api handler failed', { op: s.op, error: (e as Error).message });
        reply = { ok: false, error: 'internal', message: 'the chat-server failed; try again' };
      }
    }
    m.respond(JSON.stringify(reply));
  }

  const sub: Subscription = nc.subscribe(API_WILDCARD, { queue: API_QUEUE });
  const running = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  const loop = (async () => {
    for await (const m of sub) {
      while (running.size >= limit) await new Promise<void>((r) => (wake = r));
      const p: Promise<void> = handle(m).finally(() => {
        running.delete(p);
        const w = wake;
        wake = undefined;
        w?.();
      });
      running.add(p);
    }
  })();

  return {
    store,
    async stop() {
      sub.unsubscribe();
      await loop;
      await Promise.all(running);
    },
  };
}
