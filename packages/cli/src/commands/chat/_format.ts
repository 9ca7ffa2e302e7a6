/**
 * One line per timeline item, for the terminal:
 *   12:01:03 #general ed25519:a522430e…59d1 [github:alice ✓]: hello
 * and the JSON shape of an item for --json.
 */
import type { Badges, TimelineItem } from '@kez/chat-server';
import type { Colors } from '../../output.js';
import { badgeText, shortUser } from './_session.js';

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

function where(room: string | undefined, to: string | undefined, me: string): string {
  if (room !== undefined) return `#${room}`;
  return to === me ? 'dm' : `dm→${shortUser(to!)}`;
}

/**
 * @example formatItem(item, me, badges, c) // '12:01:03 #general ed25519:a522…59d1: hello'
 */
export function formatItem(
  it: TimelineItem,
  me: string,
  badges: Badges | undefined,
  c: Colors,
): string {
  switch (it.kind) {
    case 'event': {
      const e = it.event;
      const who = c.bold(e.from === me ? 'you' : shortUser(e.from));
      const b = badgeText(badges?.peek(e.from));
      const device =
        it.binding === 'ok'
          ? c.dim(` via ${shortUser(e.key)}`)
          : it.binding === 'unverified'
            ? c.yellow(' (key not checked)')
            : '';
      const head = `${c.dim(clock(e.sent_at))} ${where(e.room, e.to, me)} ${who}${b}${device}`;
      const id = c.dim(` (${(it as { id: string }).id.slice(0, 8)})`);
      if (e.op === 'edit')
        return `${head} ${c.dim('edited')} ${e.target!.slice(0, 8)}: ${e.text}${id}`;
      if (e.op === 'delete') return `${head} ${c.dim('deleted')} ${e.target!.slice(0, 8)}${id}`;
      return `${head}: ${e.text}${id}`;
    }
    case 'notice': {
      const n = it.notice;
      const who = n.user === me ? 'you' : shortUser(n.user);
      const what =
        n.op === 'topic'
          ? `set the topic: ${n.topic}`
          : n.op === 'created'
            ? `created #${n.room}`
            : `${n.op} #${n.room}`;
      return c.dim(`${clock(n.at)} #${n.room} * ${who} ${what}`);
    }
    case 'presence':
      return c.dim(
        `${clock(it.at)} #${it.room} * ${it.user === me ? 'you' : shortUser(it.user)} is ${it.status}`,
      );
    case 'rejected':
      return c.yellow(
        `warning: dropped an event${it.from ? ` from ${shortUser(it.from)}` : ''} on ${it.subject}: ${it.problem} — ${it.detail}`,
      );
  }
}

/** The --json shape of an item. */
export function itemJson(it: TimelineItem, badges: Badges | undefined): Record<string, unknown> {
  if (it.kind === 'event')
    return {
      kind: 'event',
      seq: it.seq,
      id: it.id,
      binding: it.binding,
      badges: badges?.peek(it.event.from),
      ...it.event,
    };
  if (it.kind === 'notice') return { kind: 'notice', seq: it.seq, ...it.notice };
  return { ...it };
}
