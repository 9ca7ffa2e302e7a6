/** `kez chat rooms`: the rooms on the server, and which you are in. */
import { defineCommand } from '../../command.js';
import { chatOptions, withSession } from './_session.js';
import type { ChatOpts } from './_session.js';

export const chatRooms = defineCommand<ChatOpts>({
  group: 'chat',
  name: 'rooms',
  summary: 'list the rooms on the chat server (● the ones you are in)',
  examples: [
    { description: 'every room', command: 'kez chat rooms' },
    { description: 'just the names of your rooms, as JSON', command: 'kez chat rooms --json' },
  ],
  options: chatOptions,
  jsonFields: ['rooms'],
  async run({ opts, deps }) {
    return withSession(opts, deps, async ({ client }) => {
      const rooms = await client.rooms();
      return {
        data: { rooms },
        human: (c) =>
          rooms.length === 0
            ? c.dim('no rooms yet: kez chat join <room> --create')
            : rooms
                .map(
                  (r) =>
                    `${r.member ? c.green('●') : ' '} #${c.bold(r.id)}  ${c.dim(`${r.members} member${r.members === 1 ? '' : 's'}`)}${r.topic ? `  ${r.topic}` : ''}`,
                )
                .join('\n'),
      };
    });
  },
});
