/**
 * The kez-chat client for the page: NATS over websocket (`wsconnect`), the
 * same protocol as the CLI's client from @kez/chat-server/protocol. It logs
 * in by signing the server nonce with the KEZ key — again on every reconnect
 * — signs every event it sends and checks every event it receives.
 *
 * JetStream publishes are plain requests with a `Nats-Msg-Id` header (the
 * stream answers with its ack), so the page needs only @nats-io/nats-core.
 */
import { headers, wsconnect } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  KeyBindings,
  USER_INFO_SUBJECT,
  apiSubject,
  dmSubject,
  encodeChatEvent,
  eventIdOf,
  inboxPrefix,
  roomEventSubject,
  roomWildcard,
  signChatEvent,
  signLogin,
  toTimelineItem,
  userToken,
} from '@kez/chat-server/protocol';
import type {
  ApiOp,
  ApiReplies,
  ApiRequests,
  ChainSource,
  ChatEvent,
  Place,
  RoomRecord,
  RoomSummary,
  SyncSigner,
  TimelineItem,
} from '@kez/chat-server/protocol';

export interface WebChatOptions {
  /** ws:// or wss:// of nats-server's websocket listener. */
  url: string;
  signer: SyncSigner;
  /** When the signer is a device key: the primary whose sigchain lists it. */
  primary?: string;
  /** Sigchains, to check that a sender's key speaks for them. */
  chains?: ChainSource;
  /** Unix milliseconds. */
  nowMs?: () => number;
  /** Request timeout, ms (default 5000). */
  timeoutMs?: number;
}

/** A refused request: `code` is the server's error code. */
export class WebChatError extends Error {
  override name = 'WebChatError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Watch {
  stop(): void;
  /** Settles once the server has the subscriptions. */
  ready: Promise<void>;
}

const te = new TextEncoder();

/**
 * @example
 * const chat = await WebChatClient.connect({ url: config.natsWsUrl, signer });
 * await chat.join('general');
 * await chat.send({ room: 'general' }, 'hello');
 */
export class WebChatClient {
  readonly nc: NatsConnection;
  readonly userId: string;
  readonly key: string;
  readonly #signer: SyncSigner;
  readonly #bindings: KeyBindings;
  readonly #now: () => number;
  readonly #timeout: number;

  private constructor(nc: NatsConnection, userId: string, opts: WebChatOptions) {
    this.nc = nc;
    this.userId = userId;
    this.key = opts.signer.key;
    this.#signer = opts.signer;
    this.#bindings = new KeyBindings(opts.chains);
    this.#now = opts.nowMs ?? (() => Date.now());
    this.#timeout = opts.timeoutMs ?? 5000;
  }

  /** Log in and learn the user id the server gave this key. */
  static async connect(opts: WebChatOptions): Promise<WebChatClient> {
    const nowMs = opts.nowMs ?? (() => Date.now());
    const { signer, primary } = opts;
    const nc = await wsconnect({
      servers: opts.url,
      name: `kez-web ${signer.key.slice(0, 20)}`,
      inboxPrefix: inboxPrefix(userToken(signer.key)),
      // Called synchronously on every (re)connect with the fresh nonce.
      authenticator: (nonce?: string) => {
        if (!nonce) throw new Error('the NATS server sent no nonce: it is not set up for kez-chat');
        return { ...signLogin(signer, nonce, Math.floor(nowMs() / 1000), primary) };
      },
      timeout: 10_000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 250,
    });
    try {
      const info = await nc.request(USER_INFO_SUBJECT, '', { timeout: opts.timeoutMs ?? 5000 });
      const user = (info.json() as { data?: { user?: string } }).data?.user;
      if (typeof user !== 'string') throw new Error('the server did not say who we are');
      return new WebChatClient(nc, user, opts);
    } catch (e) {
      await nc.close();
      throw e;
    }
  }

  /** Call the chat-server API. Throws WebChatError for a refused request. */
  async api<K extends ApiOp>(op: K, body: ApiRequests[K]): Promise<ApiReplies[K]> {
    const m = await this.nc.request(apiSubject(userToken(this.userId), op), JSON.stringify(body), {
      timeout: this.#timeout,
    });
    const r = m.json() as { ok: boolean; error?: string; message?: string };
    if (!r.ok) throw new WebChatError(r.error ?? 'internal', r.message ?? 'request refused');
    return r as unknown as ApiReplies[K];
  }

  /** Log in again (a forced reconnect) so the JWT carries current room memberships. */
  async refresh(): Promise<void> {
    const done = (async () => {
      for await (const s of this.nc.status()) if (s.type === 'reconnect') return;
    })();
    await this.nc.reconnect();
    await done;
    await this.nc.flush();
  }

  async rooms(): Promise<RoomSummary[]> {
    return (await this.api('list', {})).rooms;
  }

  async createRoom(room: string, topic?: string): Promise<RoomRecord> {
    const r = await this.api('create', topic ? { room, topic } : { room });
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

  /** Sign and publish; resolves once the stream stored it. */
  async send(place: Place, text: string): Promise<{ id: string; event: ChatEvent }> {
    const event = signChatEvent(
      this.#signer,
      this.userId,
      place,
      { op: 'message', text },
      this.#now(),
    );
    const id = eventIdOf(event);
    const subject =
      'room' in place
        ? roomEventSubject(place.room, userToken(this.userId))
        : dmSubject(userToken(place.to), userToken(this.userId));
    const h = headers();
    // JetStream deduplicates by this id: a retried publish is stored once.
    h.set('Nats-Msg-Id', id);
    const ack = await this.nc.request(subject, te.encode(encodeChatEvent(event)), {
      timeout: this.#timeout,
      headers: h,
    });
    const a = ack.json() as { error?: { description?: string }; seq?: number };
    if (a.error) throw new WebChatError('internal', a.error.description ?? 'not stored');
    return { id, event };
  }

  /** A page of a room's (or a DM conversation's) history, checked, oldest first. */
  async history(
    place: { room: string } | { with: string },
    page: { before?: number; limit?: number } = {},
  ): Promise<{ items: TimelineItem[]; more: boolean }> {
    const r = await this.api('history', { ...place, ...page });
    const now = Math.floor(this.#now() / 1000);
    const items: TimelineItem[] = [];
    for (const e of r.events) {
      const it = await toTimelineItem(e.subject, e.data, this.#bindings, now, e.seq);
      if (it) items.push(it);
    }
    return { items, more: r.more };
  }

  /** Live items of a room, or of every DM to and from us, until `stop()`. */
  watch(place: { room: string } | { dms: true }, onItem: (it: TimelineItem) => void): Watch {
    const me = userToken(this.userId);
    const subjects =
      'room' in place ? [roomWildcard(place.room)] : [dmSubject(me, '*'), dmSubject('*', me)];
    const subs = subjects.map((s) => this.nc.subscribe(s));
    const seen = new Set<string>();
    for (const sub of subs)
      void (async () => {
        for await (const m of sub) {
          const now = Math.floor(this.#now() / 1000);
          const it = await toTimelineItem(m.subject, m.string(), this.#bindings, now);
          if (!it) continue;
          // A DM to ourselves arrives on both subscriptions.
          if (it.kind === 'event') {
            if (seen.has(it.id)) continue;
            seen.add(it.id);
          }
          onItem(it);
        }
      })().catch(() => undefined);
    return { stop: () => subs.forEach((s) => s.unsubscribe()), ready: this.nc.flush() };
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}
