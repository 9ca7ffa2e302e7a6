#!/usr/bin/env node
/**
 * kez-chat-server — run a chat-server, or make its keys.
 *
 *   kez-chat-server              run (configuration from the environment, see README)
 *   kez-chat-server keys         print a fresh env file: seeds + the public keys nats.conf needs
 */
import { generateChatKeys, keysEnvFile } from './keys.js';
import { startChatServer } from './server.js';

const USAGE = 'usage: kez-chat-server [run | keys]';

async function main(argv: string[]): Promise<number> {
  const cmd = argv[0] ?? 'run';
  if (cmd === 'keys') {
    process.stdout.write(keysEnvFile(generateChatKeys()));
    return 0;
  }
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (cmd !== 'run') {
    process.stderr.write(`kez-chat-server: unknown command "${cmd}"\n${USAGE}\n`);
    return 2;
  }
  const server = await startChatServer();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`kez-chat-server: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
