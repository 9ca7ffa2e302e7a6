/**
 * What a client makes of received data: every stored or live message becomes
 * a timeline item — a checked chat event, a server notice, a presence beat,
 * or a rejection saying why an event was not accepted. `foldTimeline` applies
 * edits and deletes (only the author's own count) for display.
 */
import { parseJson } from '@kez/core';
import type { RoomNotice } from '../api.js';
import { checkChatEvent } from '../messages.js';
import type { ChatEvent, EventProblem } from '../messages.js';
import { parseSubject, userIdOf } from '../subjects.js';
import type { Binding, KeyBindings } from './bindings.js';

export type TimelineItem =
  | { kind: 'event'; seq?: number; id: string; event: ChatEvent; binding: Binding }
  | { kind: 'notice'; seq?: number; notice: RoomNotice }
  | { kind: 'presence'; room: string; user: string; status: PresenceStatus; at: number }
  | {
      kind: 'rejected';
      seq?: number;
      subject: string;
      problem: EventProblem | 'key_not_bound';
      detail: string;
      from?: string;
    };

export const PRESENCE = ['online', 'away', 'offline'] as const;
export type PresenceStatus = (typeof PRESENCE)[number];

/**
 * Turn one message (live or from history) into a timeline item; null for
 * subjects that are not chat data.
 * @example await toTimelineItem(msg.subject, msg.string(), bindings, now)
 */
export async function toTimelineItem(
  subject: string,
  text: string,
  bindings: KeyBindings,
  nowSec: number,
  seq?: number,
): Promise<TimelineItem | null> {
  const s = parseSubject(subject);
  const at = seq === undefined ? {} : { seq };
  if (s.kind === 'room-notice') {
    try {
      const n = parseJson(text) as unknown as RoomNotice;
      if (n && n.type === 'chat-notice' && n.room === s.room)
        return { kind: 'notice', ...at, notice: n };
    } catch {
      // fall through: not a notice
    }
    return { kind: 'rejected', ...at, subject, problem: 'malformed', detail: 'bad notice' };
  }
  if (s.kind === 'presence') {
    try {
      const p = parseJson(text) as { status?: unknown; at?: unknown };
      const status = (PRESENCE as readonly unknown[]).includes(p.status)
        ? (p.status as PresenceStatus)
        : null;
      if (status && typeof p.at === 'number')
        return { kind: 'presence', room: s.room, user: userIdOf(s.sender)!, status, at: p.at };
    } catch {
      // ignore bad presence
    }
    return null;
  }
  if (s.kind !== 'room-event' && s.kind !== 'dm') return null;
  const c = await checkChatEvent(subject, text);
  if (!c.ok) {
    const r: TimelineItem = {
      kind: 'rejected',
      ...at,
      subject,
      problem: c.problem,
      detail: c.detail,
    };
    if (c.from !== undefined) r.from = c.from;
    return r;
  }
  const binding = await bindings.check(c.event.from, c.event.key, nowSec);
  if (binding === 'refused')
    return {
      kind: 'rejected',
      ...at,
      subject,
      problem: 'key_not_bound',
      detail: `${c.event.key} does not speak for ${c.event.from} (sigchain)`,
      from: c.event.from,
    };
  return { kind: 'event', ...at, id: c.id, event: c.event, binding };
}

/** A message as displayed: its latest text, or deleted. */
export interface ShownMessage {
  id: string;
  seq?: number;
  event: ChatEvent;
  text: string | null;
  edited: boolean;
  binding: Binding;
}

/**
 * Apply edits and deletes to messages; an edit or delete by anyone but the
 * message's author is ignored. Notices and rejections pass through.
 * @example foldTimeline(items).map((x) => ('text' in x ? x.text : x))
 */
export function foldTimeline(items: readonly TimelineItem[]): (ShownMessage | TimelineItem)[] {
  const out: (ShownMessage | TimelineItem)[] = [];
  const byId = new Map<string, ShownMessage>();
  const seen = new Set<string>();
  for (const it of items) {
    if (it.kind !== 'event') {
      if (it.kind !== 'presence') out.push(it);
      continue;
    }
    // The same signed event stored twice (a sender re-published it) counts once.
    if (seen.has(it.id)) continue;
    seen.add(it.id);
    const e = it.event;
    if (e.op === 'message') {
      const shown: ShownMessage = {
        id: it.id,
        event: e,
        text: e.text!,
        edited: false,
        binding: it.binding,
      };
      if (it.seq !== undefined) shown.seq = it.seq;
      byId.set(it.id, shown);
      out.push(shown);
      continue;
    }
    const target = byId.get(e.target!);
    if (!target || target.event.from !== e.from) continue;
    if (e.op === 'edit') {
      target.text = e.text!;
      target.edited = true;
    } else target.text = null;
  }
  return out;
}
