/** `kez chat history`: a room's (or a conversation's) past messages, each checked. */
import { Option } from 'commander';
import { checkRoom, foldTimeline } from '@kez/chat-server';
import type { ShownMessage, TimelineItem } from '@kez/chat-server';
import { defineCommand } from '../../command.js';
import { UsageError } from '../../errors.js';
import { formatItem, itemJson } from './_format.js';
import { badgeSource, chatOptions, resolveUser, withSession } from './_session.js';
import type { ChatOpts } from './_session.js';

interface Opts extends ChatOpts {
  with?: string;
  limit: string;
  before?: string;
  raw?: boolean;
  badges: boolean;
}

function positiveInt(v: string, flag: string, max: number): number {
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || n < 1 || n > max)
    throw new UsageError(`${flag} must be an integer from 1 to ${max}`);
  return n;
}

export const chatHistory = defineCommand<Opts, [string | undefined]>({
  group: 'chat',
  name: 'history',
  args: ['[room]'],
  summary: 'show past messages of a room, or --with <user> your direct messages',
  description:
    'Print the newest messages of a room you are in (or of your conversation\n' +
    'with one user), oldest first. Every message is checked: its signature,\n' +
    'and that it came from whom it says. Edits and deletes are applied unless\n' +
    '--raw. Senders are shown with the identities their sigchain claims,\n' +
    'verified online; a broken proof shows as a warning (⚠), never hides a message.',
  examples: [
    { description: 'the last 50 messages of #general', command: 'kez chat history general' },
    {
      description: 'older ones, before sequence 1200',
      command: 'kez chat history general --before 1200',
    },
    { description: 'your DMs with someone', command: 'kez chat history --with npub1…' },
  ],
  options: () => [
    new Option('--with <user>', 'direct messages with this user instead of a room'),
    new Option('--limit <n>', 'how many (1-100)').default('50'),
    new Option('--before <seq>', 'only messages before this sequence number (paging)'),
    new Option('--raw', 'show edits and deletes as events instead of applying them'),
    new Option('--no-badges', 'do not verify senders’ identities'),
    ...chatOptions(),
  ],
  jsonFields: ['items', 'more', 'first_seq'],
  async run({ args: [room], opts, deps }) {
    if ((room === undefined) === (opts.with === undefined))
      throw new UsageError('give a room, or --with <user>');
    const place =
      room !== undefined ? { room: checkRoom(room) } : { with: resolveUser(opts.with!, deps) };
    const limit = positiveInt(opts.limit, '--limit', 100);
    const before =
      opts.before === undefined
        ? undefined
        : positiveInt(opts.before, '--before', Number.MAX_SAFE_INTEGER);
    return withSession(opts, deps, async ({ client, chains }) => {
      const page = await client.history(place, { limit, ...(before ? { before } : {}) });
      const badges = opts.badges ? badgeSource(deps, chains) : undefined;
      if (badges) {
        const senders = new Set(
          page.items.flatMap((i) => (i.kind === 'event' ? [i.event.from] : [])),
        );
        await Promise.all([...senders].map((u) => badges.of(u)));
      }
      const shown: TimelineItem[] = opts.raw
        ? page.items
        : foldTimeline(page.items).map((x) => ('text' in x ? asItem(x) : x));
      return {
        data: {
          items: shown.map((i) => itemJson(i, badges)),
          more: page.more,
          first_seq: page.firstSeq,
        },
        human: (c) => {
          const lines = shown.map((i) => formatItem(i, client.userId, badges, c));
          if (page.more) lines.unshift(c.dim(`… older messages: --before ${page.firstSeq}`));
          return lines.length ? lines.join('\n') : c.dim('no messages');
        },
      };
    });
  },
});

/** A folded message back as an item: its latest text, or "(deleted)". */
function asItem(m: ShownMessage): TimelineItem {
  const text = m.text === null ? '(deleted)' : m.edited ? `${m.text} (edited)` : m.text;
  return {
    kind: 'event',
    id: m.id,
    ...(m.seq ? { seq: m.seq } : {}),
    binding: m.binding,
    event: { ...m.event, text },
  };
}
