/**
 * Rooms and memberships in the JetStream KV bucket: `room.<name>` holds a
 * room's record, `user.<token>` the rooms a user is in (what the callout
 * reads at every log-in, so it is one key read). Every change is a
 * compare-and-set on the key's revision, retried on conflict, so several
 * stateless chat-servers can change rooms at once.
 */
import type { KV } from '@nats-io/kv';
import { InputError } from '@kez/core';
import { MAX_ROOMS_PER_USER } from '../auth-callout/permissions.js';
import { ROOM_KEYS, checkRoom, memberKey, roomKey, userToken } from '../subjects.js';

export interface RoomRecord {
  id: string;
  topic: string;
  /** User id of the creator. */
  created_by: string;
  /** Unix milliseconds. */
  created_at: number;
  /** User ids, in joining order. */
  members: string[];
}

interface MemberRecord {
  rooms: string[];
}

export const MAX_TOPIC = 300;
const MAX_MEMBERS = 10_000;
const te = new TextEncoder();

/** A room operation that cannot be done; `code` goes back to the client. */
export class RoomError extends Error {
  override name = 'RoomError';
  readonly code: 'no_such_room' | 'room_exists' | 'not_member' | 'too_many';
  constructor(code: RoomError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

function checkTopic(topic: string): string {
  if (typeof topic !== 'string' || topic.length > MAX_TOPIC)
    throw new InputError(`topic must be a string of at most ${MAX_TOPIC} characters`);
  return topic;
}

/** @example const store = new RoomStore(storage.rooms); await store.roomsOf(userId) */
export class RoomStore {
  readonly #kv: KV;

  constructor(kv: KV) {
    this.#kv = kv;
  }

  async get(room: string): Promise<RoomRecord | null> {
    const e = await this.#kv.get(roomKey(checkRoom(room)));
    return e && e.operation === 'PUT' ? (e.json() as RoomRecord) : null;
  }

  /** Every room, sorted by name. */
  async list(): Promise<RoomRecord[]> {
    const keys: string[] = [];
    for await (const k of await this.#kv.keys(ROOM_KEYS)) keys.push(k);
    const rooms = await Promise.all(keys.map((k) => this.get(k.slice('room.'.length))));
    return rooms
      .filter((r): r is RoomRecord => r !== null)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The rooms `userId` belongs to. */
  async roomsOf(userId: string): Promise<string[]> {
    const e = await this.#kv.get(memberKey(userToken(userId)));
    return e && e.operation === 'PUT' ? (e.json() as MemberRecord).rooms : [];
  }

  /** Create a room with its creator as first member. */
  async create(room: string, by: string, topic: string, nowMs: number): Promise<RoomRecord> {
    const rec: RoomRecord = {
      id: checkRoom(room),
      topic: checkTopic(topic),
      created_by: by,
      created_at: nowMs,
      members: [],
    };
    try {
      await this.#kv.create(roomKey(room), te.encode(JSON.stringify(rec)));
    } catch {
      throw new RoomError('room_exists', `room "${room}" already exists`);
    }
    return this.join(room, by);
  }

  /** Add `userId` to `room` (no change when already in it). */
  async join(room: string, userId: string): Promise<RoomRecord> {
    const rooms = await this.roomsOf(userId);
    if (!rooms.includes(room) && rooms.length >= MAX_ROOMS_PER_USER)
      throw new RoomError('too_many', `a user can be in at most ${MAX_ROOMS_PER_USER} rooms`);
    const rec = await this.#updateRoom(room, (r) => {
      if (!r.members.includes(userId)) {
        if (r.members.length >= MAX_MEMBERS)
          throw new RoomError('too_many', `room "${room}" is full`);
        r.members.push(userId);
      }
    });
    await this.#updateMember(userId, (m) => {
      if (!m.rooms.includes(room)) m.rooms.push(room);
    });
    return rec;
  }

  /** Remove `userId` from `room`. */
  async leave(room: string, userId: string): Promise<RoomRecord> {
    const rec = await this.#updateRoom(room, (r) => {
      if (!r.members.includes(userId))
        throw new RoomError('not_member', `you are not in room "${room}"`);
      r.members = r.members.filter((m) => m !== userId);
    });
    await this.#updateMember(userId, (m) => {
      m.rooms = m.rooms.filter((r) => r !== room);
    });
    return rec;
  }

  /** Set the topic; only members may. */
  async setTopic(room: string, userId: string, topic: string): Promise<RoomRecord> {
    checkTopic(topic);
    return this.#updateRoom(room, (r) => {
      if (!r.members.includes(userId))
        throw new RoomError('not_member', `you are not in room "${room}"`);
      r.topic = topic;
    });
  }

  async #updateRoom(room: string, change: (r: RoomRecord) => void): Promise<RoomRecord> {
    const key = roomKey(checkRoom(room));
    for (let attempt = 0; ; attempt++) {
      const e = await this.#kv.get(key);
      if (!e || e.operation !== 'PUT') throw new RoomError('no_such_room', `no room "${room}"`);
      const rec = e.json() as RoomRecord;
      change(rec);
      try {
        await this.#kv.update(key, te.encode(JSON.stringify(rec)), e.revision);
        return rec;
      } catch (err) {
        if (attempt >= 20) throw err;
      }
    }
  }

  async #updateMember(userId: string, change: (m: MemberRecord) => void): Promise<void> {
    const key = memberKey(userToken(userId));
    for (let attempt = 0; ; attempt++) {
      const e = await this.#kv.get(key);
      const rec: MemberRecord =
        e && e.operation === 'PUT' ? (e.json() as MemberRecord) : { rooms: [] };
      change(rec);
      const data = te.encode(JSON.stringify(rec));
      try {
        if (e) await this.#kv.update(key, data, e.revision);
        else await this.#kv.create(key, data);
        return;
      } catch (err) {
        if (attempt >= 20) throw err;
      }
    }
  }
}
