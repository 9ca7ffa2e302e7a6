/** `kez chat leave <room>`. */
import { checkRoom } from '@kez/chat-server';
import { defineCommand } from '../../command.js';
import { chatOptions, withSession } from './_session.js';
import type { ChatOpts } from './_session.js';

export const chatLeave = defineCommand<ChatOpts, [string]>({
  group: 'chat',
  name: 'leave',
  args: ['<room>'],
  summary: 'leave a room (you can no longer read or write it)',
  examples: [{ description: 'leave #general', command: 'kez chat leave general' }],
  options: chatOptions,
  jsonFields: ['room'],
  async run({ args: [room], opts, deps }) {
    checkRoom(room);
    return withSession(opts, deps, async ({ client }) => {
      await client.leave(room);
      return { data: { room }, human: (c) => `${c.green('✓')} left #${room}` };
    });
  },
});
