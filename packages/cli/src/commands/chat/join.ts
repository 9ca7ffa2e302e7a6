/** `kez chat join <room>`: join a room (or create it). */
import { Option } from 'commander';
import { checkRoom } from '@kez/chat-server';
import { defineCommand } from '../../command.js';
import { chatOptions, withSession } from './_session.js';
import type { ChatOpts } from './_session.js';

interface Opts extends ChatOpts {
  create?: boolean;
  topic?: string;
}

export const chatJoin = defineCommand<Opts, [string]>({
  group: 'chat',
  name: 'join',
  args: ['<room>'],
  summary: 'join a room; --create makes a new one',
  examples: [
    { description: 'join #general', command: 'kez chat join general' },
    {
      description: 'create a room with a topic',
      command: 'kez chat join kez-dev --create --topic "building KEZ"',
    },
  ],
  options: () => [
    new Option('--create', 'create the room (fails if it exists)'),
    new Option('--topic <text>', 'with --create: the topic'),
    ...chatOptions(),
  ],
  jsonFields: ['room', 'topic', 'members', 'created'],
  async run({ args: [room], opts, deps }) {
    checkRoom(room);
    return withSession(opts, deps, async ({ client }) => {
      const rec = opts.create ? await client.createRoom(room, opts.topic) : await client.join(room);
      return {
        data: {
          room: rec.id,
          topic: rec.topic,
          members: rec.members,
          created: opts.create === true,
        },
        human: (c) =>
          `${c.green('✓')} ${opts.create ? 'created and joined' : 'joined'} #${rec.id}${rec.topic ? ` — ${rec.topic}` : ''}`,
      };
    });
  },
});
