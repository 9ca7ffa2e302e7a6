/**
 * `kez chat tail`: the terminal client. Prints the recent history of your
 * rooms, then every new message, notice and presence change as it arrives,
 * each checked (signature, sender, key); with -i it also reads lines from
 * stdin and sends them (plain text to the current room, or /commands).
 */
import { createInterface } from 'node:readline';
import { Option } from 'commander';
import { checkRoom } from '@kez/chat-server';
import type { Badges, ChatClient, TimelineItem, Watch } from '@kez/chat-server';
import { defineCommand } from '../../command.js';
import type { Deps } from '../../deps.js';
import { UsageError } from '../../errors.js';
import { colorsFor } from '../../output.js';
import { formatItem, itemJson } from './_format.js';
import { badgeSource, chatOptions, resolveUser, withSession } from './_session.js';
import type { ChatOpts } from './_session.js';

interface Opts extends ChatOpts {
  dms: boolean;
  last: string;
  interactive?: boolean;
  exitAfter?: string;
  badges: boolean;
}

const HELP =
  'type a message to send it to the current room; /room <name> switches, /dm <user> <text>,\n' +
  '/join <room>, /leave <room>, /topic <text>, /quit (or Ctrl-D)';

/** Wait for a sender's badges a little, so the first line of a sender already shows them. */
async function withBadges(badges: Badges | undefined, it: TimelineItem): Promise<void> {
  if (!badges || it.kind !== 'event') return;
  await Promise.race([
    badges.of(it.event.from).catch(() => []),
    new Promise((r) => setTimeout(r, 2000)),
  ]);
}

export const chatTail = defineCommand<Opts, [string[]]>({
  group: 'chat',
  name: 'tail',
  args: ['[rooms...]'],
  summary: 'follow rooms and DMs live; -i to chat from the terminal',
  description:
    'Print the last messages of the rooms (default: all of yours) and your\n' +
    'direct messages, then follow them live until Ctrl-C. With -i, lines typed\n' +
    `on stdin are sent:\n  ${HELP.replace('\n', '\n  ')}`,
  examples: [
    { description: 'follow all your rooms and DMs', command: 'kez chat tail' },
    { description: 'chat in #general from the terminal', command: 'kez chat tail general -i' },
    {
      description: 'wait for the next 5 messages and print them as JSON',
      command: 'kez chat tail general --exit-after 5 --json',
    },
  ],
  options: () => [
    new Option('--no-dms', 'do not follow direct messages'),
    new Option('--last <n>', 'history lines to show first, per room (0-100)').default('10'),
    new Option('-i, --interactive', 'send what is typed on stdin'),
    new Option('--exit-after <n>', 'stop after this many new messages'),
    new Option('--no-badges', 'do not verify senders’ identities'),
    ...chatOptions(),
  ],
  jsonFields: ['items', 'sent'],
  async run({ args: [roomArgs], opts, deps }) {
    const last = Number(opts.last);
    if (!/^[0-9]+$/.test(opts.last) || last > 100)
      throw new UsageError('--last must be an integer from 0 to 100');
    const exitAfter = opts.exitAfter === undefined ? undefined : Number(opts.exitAfter);
    if (exitAfter !== undefined && (!Number.isSafeInteger(exitAfter) || exitAfter < 1))
      throw new UsageError('--exit-after must be a positive integer');
    for (const r of roomArgs) checkRoom(r);
    const json = opts.json === true || opts.fields !== undefined;
    return withSession(opts, deps, async ({ client, chains }) => {
      const rooms = roomArgs.length ? roomArgs : (await client.api('whoami', {})).rooms;
      const badges = opts.badges ? badgeSource(deps, chains) : undefined;
      const c = colorsFor(deps.io.stdout, deps.env);
      const collected: Record<string, unknown>[] = [];
      let printing = Promise.resolve();
      const show = (it: TimelineItem) => {
        printing = printing.then(async () => {
          await withBadges(badges, it);
          if (json) collected.push(itemJson(it, badges));
          else deps.io.stdout.write(formatItem(it, client.userId, badges, c) + '\n');
        });
        return printing;
      };

      for (const room of rooms) {
        if (last === 0) break;
        const h = await client.history({ room }, { limit: last });
        for (const it of h.items) await show(it);
      }

      let received = 0;
      let finish!: () => void;
      const done = new Promise<void>((r) => (finish = r));
      const onLive = (it: TimelineItem) => {
        if (it.kind === 'presence' && it.user === client.userId) return;
        void show(it);
        if (it.kind === 'event' && exitAfter !== undefined && ++received >= exitAfter) finish();
      };
      const watches = new Map<string, Watch>();
      const follow = async (room: string) => {
        const w = client.watch({ room }, onLive);
        watches.set(room, w);
        await w.ready;
        client.presence(room, 'online');
      };
      for (const room of rooms) await follow(room);
      if (opts.dms) {
        const w = client.watch({ dms: true }, onLive);
        watches.set('', w);
        await w.ready;
      }
      deps.io.stderr.write(
        `${c.dim(`following ${[...rooms.map((r) => `#${r}`), ...(opts.dms ? ['your DMs'] : [])].join(', ') || 'nothing'} as ${client.userId}`)}\n`,
      );

      let sent = 0;
      if (opts.interactive) {
        deps.io.stderr.write(c.dim(`${HELP}\n`));
        const state = { room: rooms[0] };
        const lines = createInterface({ input: deps.io.stdin, terminal: false });
        void (async () => {
          for await (const line of lines) {
            if (line.trim() === '') continue;
            try {
              if (await command(line, state, client, follow, watches, deps)) {
                // Stop reading: an open stdin must not keep the process alive after /quit.
                lines.close();
                break;
              }
              if (!line.startsWith('/')) sent++;
            } catch (e) {
              deps.io.stderr.write(`${c.yellow('warning:')} ${(e as Error).message}\n`);
            }
          }
          finish();
        })();
      }
      await done;
      for (const room of watches.keys()) if (room) client.presence(room, 'offline');
      for (const w of watches.values()) w.stop();
      await printing;
      await client.nc.flush();
      return { data: { items: collected, sent }, human: () => '' };
    });
  },
});

/** One typed line. Returns true to quit. */
async function command(
  line: string,
  state: { room: string | undefined },
  client: ChatClient,
  follow: (room: string) => Promise<void>,
  watches: Map<string, Watch>,
  deps: Deps,
): Promise<boolean> {
  if (!line.startsWith('/')) {
    if (!state.room) throw new Error('no current room: /join <room> or /room <name> first');
    await client.send({ room: state.room }, line);
    return false;
  }
  const [cmd, arg = '', ...rest] = line.trim().split(/\s+/);
  switch (cmd) {
    case '/quit':
      return true;
    case '/room':
      state.room = checkRoom(arg);
      return false;
    case '/dm':
      if (!rest.length) throw new Error('usage: /dm <user> <text>');
      await client.send(
        { to: resolveUser(arg, deps) },
        line.trim().split(/\s+/).slice(2).join(' '),
      );
      return false;
    case '/join':
      await client.join(checkRoom(arg));
      if (!watches.has(arg)) await follow(arg);
      state.room = arg;
      return false;
    case '/leave':
      watches.get(arg)?.stop();
      watches.delete(arg);
      await client.leave(checkRoom(arg));
      if (state.room === arg) state.room = undefined;
      return false;
    case '/topic':
      if (!state.room) throw new Error('no current room');
      await client.setTopic(state.room, line.trim().slice('/topic'.length).trim());
      return false;
    default:
      throw new Error(`unknown command ${cmd}; ${HELP.split('\n').join(' ')}`);
  }
}
