/** `kez chat login`: log in to a kez-chat server with a KEZ key and remember the settings. */
import { defineCommand } from '../../command.js';
import { chatOptions, resolveSettings, withSession, writeSettings } from './_session.js';
import type { ChatOpts } from './_session.js';

export const chatLogin = defineCommand<ChatOpts>({
  group: 'chat',
  name: 'login',
  summary:
    'log in to a kez-chat server with your key; remembers the server for the other chat commands',
  description:
    'Connect to a kez-chat NATS server and log in by signing its challenge with\n' +
    'your key (either suite). The server checks the signature and your sigchain:\n' +
    'a revoked or rotated-away key, or a revoked device, is refused (exit 1).\n' +
    'On success the server, sig-servers, key and primary are saved in\n' +
    '$KEZ_HOME/chat.json for kez chat rooms|join|send|history|tail.',
  examples: [
    {
      description: 'the local stack (npm start)',
      command: 'kez chat login --server nats://127.0.0.1:4222 --sig-server http://127.0.0.1:8420',
    },
    {
      description: 'log in with a device key for your primary key',
      command: 'kez chat login --key laptop --primary ed25519:3d40…',
    },
  ],
  options: chatOptions,
  jsonFields: ['user', 'key', 'server', 'sig_servers', 'rooms', 'settings_file'],
  async run({ opts, deps }) {
    resolveSettings(opts, deps); // bad flags fail before the passphrase prompt
    return withSession(opts, deps, async ({ client, settings }) => {
      const { rooms } = await client.api('whoami', {});
      const file = writeSettings(deps, settings);
      const data = {
        user: client.userId,
        key: client.key,
        server: settings.server,
        sig_servers: settings.sig_servers,
        rooms,
        settings_file: file,
      };
      return {
        data,
        human: (c) =>
          [
            `${c.green('✓')} logged in to ${settings.server} as ${c.bold(client.userId)}`,
            client.key !== client.userId ? `  signing key ${client.key}` : '',
            `  rooms: ${rooms.length ? rooms.map((r) => `#${r}`).join(' ') : c.dim('none yet (kez chat join <room> --create)')}`,
            c.dim(`  settings saved to ${file}`),
          ]
            .filter(Boolean)
            .join('\n'),
      };
    });
  },
});
