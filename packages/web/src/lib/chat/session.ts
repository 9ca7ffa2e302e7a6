/**
 * One logged-in chat session as the views see it: the room list, the open
 * conversation (a room or a DM), its checked timeline (history merged with
 * live events, edits and deletes folded), each sender's badge row, and the
 * warnings for broken proofs. Framework-free: views subscribe with
 * `onChange` and read plain fields.
 */
import { foldTimeline } from '@kez/chat-server/protocol';
import type {
  Badge,
  RoomSummary,
  ShownMessage,
  TimelineItem,
  Badges,
} from '@kez/chat-server/protocol';
import type { ChatClient, Watch } from '@kez/chat-server/protocol';

export type Conversation = { kind: 'room'; room: string } | { kind: 'dm'; with: string };

/** A proof that failed for someone in the open conversation. */
export interface BrokenProof {
  user: string;
  badge: Badge;
}

/**
 * A proof that is there but wrong, expired or forked. Revoked ones were
 * withdrawn by their owner and unreachable ones could not be asked: both stay
 * visible as badges, neither raises the warning bar.
 */
export function isBrokenBadge(b: Badge): boolean {
  return b.status === 'invalid' || b.status === 'expired' || b.status === 'fork';
}

export function conversationKey(c: Conversation): string {
  return c.kind === 'room' ? `room:${c.room}` : `dm:${c.with}`;
}

/** The id an item is deduplicated by (history and live deliver the same events). */
function itemId(it: TimelineItem): string | undefined {
  if (it.kind === 'event') return it.id;
  if (it.kind === 'notice') return `n:${it.notice.op}:${it.notice.user}:${it.notice.at}`;
  return undefined;
}

/**
 * @example
 * const s = new ChatSession(client, badges, () => render());
 * await s.start(); await s.open({ kind: 'room', room: 'general' }); await s.send('hi');
 */
export class ChatSession {
  rooms: RoomSummary[] = [];
  current: Conversation | null = null;
  /** Peers we have DMs with (user ids). */
  dms: string[] = [];
  readonly #items = new Map<string, TimelineItem[]>();
  readonly #seen = new Map<string, Set<string>>();
  readonly #watches = new Map<string, Watch>();
  readonly #badges: Badges;
  readonly #onChange: () => void;

  constructor(
    readonly client: ChatClient,
    badges: Badges,
    onChange: () => void,
  ) {
    this.#badges = badges;
    this.#onChange = onChange;
  }

  get userId(): string {
    return this.client.userId;
  }

  /** Load the room list and start receiving DMs. */
  async start(): Promise<void> {
    const w = this.client.watch({ dms: true }, (it) => {
      if (it.kind !== 'event') return;
      const e = it.event;
      const other = e.from === this.userId ? e.to! : e.from;
      if (!this.dms.includes(other)) this.dms = [...this.dms, other];
      this.#add({ kind: 'dm', with: other }, it);
    });
    this.#watches.set('dms', w);
    await w.ready;
    await this.refreshRooms();
  }

  async refreshRooms(): Promise<void> {
    this.rooms = await this.client.rooms();
    this.#onChange();
  }

  /** Create a room (and be its first member). */
  async createRoom(room: string, topic?: string): Promise<void> {
    await this.client.createRoom(room, topic);
    await this.refreshRooms();
    await this.open({ kind: 'room', room });
  }

  /** Open `room`, creating it when nobody has yet. */
  async enterRoom(room: string): Promise<void> {
    await this.refreshRooms();
    if (this.rooms.some((r) => r.id === room)) await this.open({ kind: 'room', room });
    else await this.createRoom(room);
  }

  /** Open a conversation: join a room when needed, load its history, follow it live. */
  async open(c: Conversation): Promise<void> {
    const key = conversationKey(c);
    if (c.kind === 'room') {
      const known = this.rooms.find((r) => r.id === c.room);
      if (!known?.member) {
        await this.client.join(c.room);
        await this.refreshRooms();
      }
      if (!this.#watches.has(key)) {
        const w = this.client.watch({ room: c.room }, (it) => this.#add(c, it));
        this.#watches.set(key, w);
        await w.ready;
      }
    } else if (!this.dms.includes(c.with)) this.dms = [...this.dms, c.with];
    this.current = c;
    this.#onChange();
    const h = await this.client.history(c.kind === 'room' ? { room: c.room } : { with: c.with }, {
      limit: 100,
    });
    for (const it of h.items) this.#add(c, it, true);
    this.#sort(key);
    this.#onChange();
  }

  async send(text: string): Promise<void> {
    const c = this.current;
    if (!c) throw new Error('open a room or a conversation first');
    await this.client.send(c.kind === 'room' ? { room: c.room } : { to: c.with }, text);
  }

  /** The open conversation, folded for display. */
  shown(): (ShownMessage | TimelineItem)[] {
    if (!this.current) return [];
    return foldTimeline(this.#items.get(conversationKey(this.current)) ?? []);
  }

  /** A sender's badges; starts verifying them on first ask (the view re-renders when done). */
  badgesOf(userId: string): Badge[] | undefined {
    const have = this.#badges.peek(userId);
    if (have === undefined)
      void this.#badges
        .of(userId)
        .then(() => this.#onChange())
        .catch(() => undefined);
    return have;
  }

  /** Broken proofs of everyone who wrote in the open conversation (the warning bar). */
  brokenProofs(): BrokenProof[] {
    const users = new Set<string>();
    for (const it of this.shown()) if ('event' in it) users.add(it.event.from);
    const out: BrokenProof[] = [];
    for (const user of users)
      for (const badge of this.#badges.peek(user) ?? [])
        if (isBrokenBadge(badge)) out.push({ user, badge });
    return out;
  }

  async close(): Promise<void> {
    for (const w of this.#watches.values()) w.stop();
    this.#watches.clear();
    await this.client.close();
  }

  #add(c: Conversation, it: TimelineItem, quiet = false): void {
    if (it.kind === 'presence') return;
    const key = conversationKey(c);
    const id = itemId(it);
    let seen = this.#seen.get(key);
    if (!seen) this.#seen.set(key, (seen = new Set()));
    if (id !== undefined) {
      if (seen.has(id)) return;
      seen.add(id);
    }
    const list = this.#items.get(key) ?? [];
    list.push(it);
    this.#items.set(key, list);
    // Someone joined or left: the room list's member counts changed.
    if (!quiet && it.kind === 'notice' && it.notice.op !== 'topic')
      void this.refreshRooms().catch(() => undefined);
    if (!quiet) this.#onChange();
  }

  /** History arrives after live items may have: order by stored seq, then sending time. */
  #sort(key: string): void {
    const list = this.#items.get(key);
    if (!list) return;
    const at = (it: TimelineItem): number =>
      it.kind === 'event' ? it.event.sent_at : it.kind === 'notice' ? it.notice.at : 0;
    list.sort((a, b) => at(a) - at(b));
  }
}
