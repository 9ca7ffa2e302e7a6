/**
 * The kez-chat client, one for every transport: the CLI's terminal client
 * runs it over TCP (@nats-io/transport-node, the default the Node entry
 * installs), the web app over websocket (`dial: wsconnect`). It logs in by
 * signing the server nonce with a KEZ key — again on every reconnect — signs
 * every event it sends, and checks every event it receives.
 *
 * Permissions come with the log-in, so after joining or leaving a room the
 * client logs in again (a forced reconnect) to get a JWT that says so.
 */
import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';
import type { ApiReplies, ApiRequests, RoomSummary } from '../api.js';
import type { ChainSource } from '../chain/chain-source.js';
import { signLogin } from '../login.js';
import { encodeChatEvent, signChatEvent } from '../messages.js';
import { sha256, toHex, utf8 } from '@kez/core';
import type { ChatEvent, EventBody, Place } from '../messages.js';
import type { RoomRecord } from '../rooms/store.js';
import type { SyncSigner } from '../signer.js';
import {
  USER_INFO_SUBJECT,
  apiSubject,
  dmSubject,
  inboxPrefix,
  roomEventSubject,
  roomPresenceSubject,
  roomWildcard,
  userToken,
} from '../subjects.js';
import type { ApiOp } from '../subjects.js';
import { AckCollector } from './acks.js';
import { KeyBindings } from './bindings.js';
import { toTimelineItem } from './timeline.js';
import type { PresenceStatus, TimelineItem } from './timeline.js';

/** Opens a NATS connection: `connect` from @nats-io/transport-node, or nats-core's `wsconnect`. */
export type Dial = (opts: ConnectionOptions) => Promise<NatsConnection>;

let defaultDial: Dial | undefined;

/** The transport used when `dial` is not given (the Node entry installs TCP; browsers pass `dial`). */
export function useDialer(dial: Dial): void {
  defaultDial = dial;
}

export interface ChatClientOptions {
  /** nats://host:port, or ws(s):// for `wsconnect` (or several). */
  servers: string | string[];
  /** How to connect (default: the one `useDialer` installed — TCP under Node). */
  dial?: Dial;
  signer: SyncSigner;
  /** When the signer is a device key: the primary key whose sigchain lists it. */
  primary?: string;
  /** Connection name shown in nats-server's monitoring. */
  name?: string;
  /** Sigchains, to check that a sender's device or new key speaks for them. */
  chains?: ChainSource;
  /** Unix milliseconds. */
  nowMs?: () => number;
  /** Request timeout, ms (default 5000). */
  timeoutMs?: number;
  /** Initial connect timeout, ms (default 10000). */
  connectTimeoutMs?: number;
}

/** A refused request: `code` is the server's error code. */
export class ChatError extends Error {
  override name = 'ChatError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** A signed event ready to publish. */
export interface PreparedEvent {
  event: ChatEvent;
  /** Its JCS: the bytes that are sent. */
  text: string;
  id: string;
  subject: string;
}

/** A live subscription started by `watch`. */
export interface Watch {
  stop(): void;
  /** Settles when the subscriptions end (stop, close, or a permission violation). */
  closed: Promise<void>;
  /** Settles once the server has the subscriptions. */
  ready: Promise<void>;
}

export interface HistoryResult {
  items: TimelineItem[];
  /** More events exist beyond this page. */
  more: boolean;
  /** Cursor for the next older page (`before`). */
  firstSeq: number | undefined;
  lastSeq: number | undefined;
}

const te = new TextEncoder();

/**
 * @example
 * const alice = await ChatClient.connect({ servers: nats.url, signer });
 * await alice.createRoom('general');
 * await alice.send({ room: 'general' }, 'hello');
 */
export class ChatClient {
  readonly nc: NatsConnection;
  readonly userId: string;
  readonly key: string;
  readonly #signer: SyncSigner;
  readonly #acks: AckCollector;
  readonly #bindings: KeyBindings;
  readonly #now: () => number;
  readonly #timeout: number;

  private constructor(
    nc: NatsConnection,
    userId: string,
    opts: ChatClientOptions,
    nowMs: () => number,
  ) {
    this.nc = nc;
    this.userId = userId;
    this.key = opts.signer.key;
    this.#signer = opts.signer;
    this.#acks = new AckCollector(nc, `${inboxPrefix(userToken(opts.signer.key))}.acks`);
    this.#bindings = new KeyBindings(opts.chains);
    this.#now = nowMs;
    this.#timeout = opts.timeoutMs ?? 5000;
  }

  /** Log in and learn the user id the server gave this key. */
  static async connect(opts: ChatClientOptions): Promise<ChatClient> {
    const nowMs = opts.nowMs ?? (() => Date.now());
    const { signer, primary } = opts;
    const dial = opts.dial ?? defaultDial;
    if (!dial) throw new Error('no NATS transport: pass `dial` (wsconnect in a browser)');
    const nc = await dial({
      servers: opts.servers,
      name: opts.name ?? `kez-chat ${signer.key.slice(0, 20)}`,
      inboxPrefix: inboxPrefix(userToken(signer.key)),
      // nats.js calls this synchronously on every (re)connect with the fresh nonce.
      authenticator: (nonce?: string) => {
        if (!nonce) throw new Error('the NATS server sent no nonce: it is not set up for kez-chat');
        return { ...signLogin(signer, nonce, Math.floor(nowMs() / 1000), primary) };
      },
      timeout: opts.connectTimeoutMs ?? 10_000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 250,
      // An Error (with a stack) made up front for every request costs more than
      // signing a message; errors still say what timed out.
      noAsyncTraces: true,
    });
    try {
      const info = await nc.request(USER_INFO_SUBJECT, '', { timeout: opts.timeoutMs ?? 5000 });
      const user = (info.json() as { data?: { user?: string } }).data?.user;
      if (typeof user !== 'string') throw new Error('the server did not say who we are');
      return new ChatClient(nc, user, opts, nowMs);
    } catch (e) {
      await nc.close();
      throw e;
    }
  }

  /** Call the chat-server API. Throws ChatError for a refused request. */
  async api<K extends ApiOp>(op: K, body: ApiRequests[K]): Promise<ApiReplies[K]> {
    const m = await this.nc.request(apiSubject(userToken(this.userId), op), JSON.stringify(body), {
      timeout: this.#timeout,
    });
    const r = m.json() as { ok: boolean; error?: string; message?: string };
    if (!r.ok) throw new ChatError(r.error ?? 'internal', r.message ?? 'request refused');
    return r as unknown as ApiReplies[K];
  }

  /** Log in again (a forced reconnect) so the JWT carries current room memberships. */
  async refresh(): Promise<void> {
    const done = (async () => {
      for await (const s of this.nc.status()) if (s.type === 'reconnect') return;
    })();
    await this.nc.reconnect();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ChatError('login_refused', 'logging in again failed (is the key still valid?)'),
          ),
        this.#timeout * 2,
      );
    });
    try {
      await Promise.race([done, late]);
    } finally {
      clearTimeout(timer);
    }
    await this.nc.flush();
  }

  async rooms(): Promise<RoomSummary[]> {
    return (await this.api('list', {})).rooms;
  }

  async createRoom(room: string, topic?: string): Promise<RoomRecord> {
    const r = await this.api('create', topic === undefined ? { room } : { room, topic });
    await this.refresh();
    return r.room;
  }

  async join(room: string): Promise<RoomRecord> {
    const r = await this.api('join', { room });
    await this.refresh();
    return r.room;
  }

  async leave(room: string): Promise<RoomRecord> {
    const r = await this.api('leave', { room });
    await this.refresh();
    return r.room;
  }

  async setTopic(room: string, topic: string): Promise<RoomRecord> {
    return (await this.api('topic', { room, topic })).room;
  }

  async members(room: string): Promise<string[]> {
    return (await this.api('members', { room })).members;
  }

  /** Sign an event and work out where it goes, without sending it. */
  prepare(place: Place, body: EventBody): PreparedEvent {
    const event = signChatEvent(this.#signer, this.userId, place, body, this.#now());
    const text = encodeChatEvent(event);
    return {
      event,
      text,
      // The event id is SHA-256 of its JCS (SPEC §4.5), which `text` already is.
      id: toHex(sha256(utf8(text))),
      subject:
        'room' in place
          ? roomEventSubject(place.room, userToken(this.userId))
          : dmSubject(userToken(place.to), userToken(this.userId)),
    };
  }

  /** Publish a prepared event; resolves once the stream has stored it (its sequence number). */
  publishPrepared(p: PreparedEvent): Promise<number> {
    return this.#acks.publish(p.subject, te.encode(p.text), this.#timeout);
  }

  /** Sign and publish an event; resolves once the stream has stored it. */
  async publish(
    place: Place,
    body: EventBody,
  ): Promise<{ id: string; seq: number; event: ChatEvent }> {
    const p = this.prepare(place, body);
    return { id: p.id, seq: await this.publishPrepared(p), event: p.event };
  }

  send(place: Place, text: string) {
    return this.publish(place, { op: 'message', text });
  }

  edit(place: Place, target: string, text: string) {
    return this.publish(place, { op: 'edit', target, text });
  }

  remove(place: Place, target: string) {
    return this.publish(place, { op: 'delete', target });
  }

  /** Tell a room we are online, away or gone (not stored). */
  presence(room: string, status: PresenceStatus): void {
    this.nc.publish(
      roomPresenceSubject(room, userToken(this.userId)),
      JSON.stringify({ status, at: this.#now() }),
    );
  }

  /** A page of a room's (or a DM conversation's) history, checked, oldest first. */
  async history(
    place: { room: string } | { with: string },
    page: { before?: number; after?: number; limit?: number } = {},
  ): Promise<HistoryResult> {
    const r = await this.api('history', { ...place, ...page });
    const now = Math.floor(this.#now() / 1000);
    const items: TimelineItem[] = [];
    for (const e of r.events) {
      const it = await toTimelineItem(e.subject, e.data, this.#bindings, now, e.seq);
      if (it) items.push(it);
    }
    return {
      items,
      more: r.more,
      firstSeq: r.events[0]?.seq,
      lastSeq: r.events[r.events.length - 1]?.seq,
    };
  }

  /**
   * Live items of a room, or of every DM to and from us (`{ dms: true }`),
   * until `stop()`.
   */
  watch(place: { room: string } | { dms: true }, onItem: (it: TimelineItem) => void): Watch {
    const me = userToken(this.userId);
    const subjects =
      'room' in place ? [roomWildcard(place.room)] : [dmSubject(me, '*'), dmSubject('*', me)];
    const subs = subjects.map((s) => this.nc.subscribe(s));
    const seen = new Set<string>();
    const done = subs.map(async (sub) => {
      for await (const m of sub) {
        const now = Math.floor(this.#now() / 1000);
        const it = await toTimelineItem(m.subject, m.string(), this.#bindings, now);
        if (!it) continue;
        // A DM to ourselves arrives on both subscriptions.
        if (it.kind === 'event') {
          if (seen.has(it.id)) continue;
          if (seen.size > 10_000) seen.clear();
          seen.add(it.id);
        }
        onItem(it);
      }
    });
    const closed = Promise.all(done).then(() => undefined);
    // A subscription ended by the server (a permission violation) rejects `closed`; a watch
    // nobody awaits (the page's) must not turn that into an unhandled rejection.
    closed.catch(() => undefined);
    return { stop: () => subs.forEach((s) => s.unsubscribe()), closed, ready: this.nc.flush() };
  }

  async close(): Promise<void> {
    this.#acks.close();
    await this.nc.close();
  }
}
