#!/usr/bin/env node
// kez-web: serve the built app, its config.json and the fetch relay (env.ts lists the settings).
import { loadChannelConfig } from '@kez/channels/node';
import { createNodeNet } from '@kez/channels/node';
import { readWebEnv } from './env.js';
import { startWebServer } from './web-server.js';

const env = readWebEnv();
const relayNet = env.relay ? createNodeNet(loadChannelConfig({ env: env.vars })) : undefined;
const web = await startWebServer({
  root: env.root,
  config: env.config,
  host: env.host,
  port: env.port,
  ...(relayNet ? { relay: { net: relayNet } } : {}),
});
process.stderr.write(
  `kez-web: serving ${env.root} at ${web.url}${relayNet ? ' (with the fetch relay)' : ''}\n`,
);
const stop = () => {
  relayNet?.close();
  void web.close().then(() => (process.exitCode = 0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
