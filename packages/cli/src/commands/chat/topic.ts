/** `kez chat topic <room> <text>`. */
import { checkRoom } from '@kez/chat-server';
import { defineCommand } from '../../command.js';
import { chatOptions, withSession } from './_session.js';
import type { ChatOpts } from './_session.js';

export const chatTopic = defineCommand<ChatOpts, [string, string[]]>({
  group: 'chat',
  name: 'topic',
  args: ['<room>', '<text...>'],
  summary: "set a room's topic (members only)",
  examples: [
    {
      description: 'set the topic of #general',
      command: 'kez chat topic general "KEZ v0.2 is out"',
    },
  ],
  options: chatOptions,
  jsonFields: ['room', 'topic'],
  async run({ args: [room, words], opts, deps }) {
    checkRoom(room);
    const topic = words.join(' ');
    return withSession(opts, deps, async ({ client }) => {
      await client.setTopic(room, topic);
      return { data: { room, topic }, human: (c) => `${c.green('✓')} #${room}: ${topic}` };
    });
  },
});
