/** `kez chat send`: sign and send a message to a room or a person; edit or delete one of yours. */
import { Option } from 'commander';
import { InputError } from '@kez/core';
import { checkRoom } from '@kez/chat-server';
import type { ChatClient, Place } from '@kez/chat-server';
import { defineCommand } from '../../command.js';
import { UsageError } from '../../errors.js';
import { chatOptions, resolveUser, withSession } from './_session.js';
import type { ChatOpts } from './_session.js';

interface Opts extends ChatOpts {
  to?: string;
  edit?: string;
  delete?: string;
}

/** A full event id, or the id of one of our recent events starting with the given prefix. */
async function resolveTarget(client: ChatClient, place: Place, prefix: string): Promise<string> {
  if (/^[0-9a-f]{64}$/.test(prefix)) return prefix;
  if (!/^[0-9a-f]{4,63}$/.test(prefix))
    throw new InputError(`"${prefix.slice(0, 70)}" is not an event id (hex)`);
  const h = await client.history('room' in place ? place : { with: place.to }, { limit: 100 });
  const ids = h.items.flatMap((i) =>
    i.kind === 'event' && i.event.from === client.userId && i.id.startsWith(prefix) ? [i.id] : [],
  );
  if (ids.length !== 1)
    throw new InputError(
      ids.length
        ? `event id ${prefix} is ambiguous`
        : `none of your last 100 events has id ${prefix}…`,
    );
  return ids[0]!;
}

export const chatSend = defineCommand<Opts, [string[]]>({
  group: 'chat',
  name: 'send',
  args: ['<words...>'],
  summary: 'send a signed message: <room> <text…>, or --to <user> <text…>',
  description:
    'Sign a message with your key and send it to a room you are in, or with\n' +
    '--to to one person (a key ref, an npub, or the name of a stored key).\n' +
    '--edit <id> replaces the text of one of your messages, --delete <id>\n' +
    'deletes it; ids are printed by history and tail (a prefix is enough).',
  examples: [
    { description: 'say hello in #general', command: 'kez chat send general hello everyone' },
    { description: 'a direct message', command: 'kez chat send --to npub1… "see you at 5"' },
    {
      description: 'fix a typo in your message 3fa2c1d0',
      command: 'kez chat send general --edit 3fa2c1d0 hello everyone!',
    },
    { description: 'delete it', command: 'kez chat send general --delete 3fa2c1d0' },
  ],
  options: () => [
    new Option('--to <user>', 'send a direct message to this user'),
    new Option('--edit <id>', 'replace the text of your message <id>'),
    new Option('--delete <id>', 'delete your message <id>'),
    ...chatOptions(),
  ],
  jsonFields: ['id', 'seq', 'room', 'to', 'op', 'target'],
  async run({ args: [words], opts, deps }) {
    if (opts.edit !== undefined && opts.delete !== undefined)
      throw new UsageError('--edit and --delete cannot be used together');
    let place: Place;
    let rest = words;
    if (opts.to !== undefined) place = { to: resolveUser(opts.to, deps) };
    else {
      place = { room: checkRoom(words[0]!) };
      rest = words.slice(1);
    }
    const text = rest.join(' ');
    if (opts.delete === undefined && text === '')
      throw new UsageError('nothing to send: give the text after the room');
    if (opts.delete !== undefined && text !== '') throw new UsageError('--delete takes no text');
    return withSession(opts, deps, async ({ client }) => {
      const target =
        (opts.edit ?? opts.delete)
          ? await resolveTarget(client, place, (opts.edit ?? opts.delete)!)
          : undefined;
      const r = await client.publish(
        place,
        opts.delete !== undefined
          ? { op: 'delete', target: target! }
          : opts.edit !== undefined
            ? { op: 'edit', target: target!, text }
            : { op: 'message', text },
      );
      const dest = 'room' in place ? `#${place.room}` : place.to;
      return {
        data: { id: r.id, seq: r.seq, ...place, op: r.event.op, target },
        human: (c) =>
          `${c.green('✓')} ${r.event.op === 'message' ? 'sent' : r.event.op === 'edit' ? 'edited' : 'deleted'} in ${dest} ${c.dim(`(${r.id.slice(0, 8)}, seq ${r.seq})`)}`,
      };
    });
  },
});
