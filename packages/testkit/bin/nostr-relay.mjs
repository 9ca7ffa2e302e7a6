#!/usr/bin/env node
// A real nostr relay on loopback for tests: the @nostr-relay/* library (core
// protocol handling, NIP-01 validation, SQLite storage) behind a `ws` server.
// Started as a child process by startNostrRelay() in ../src/nostr-relay.ts.
//
//   KEZ_RELAY_PORT=0 KEZ_RELAY_DB=/tmp/x/events.db node bin/nostr-relay.mjs
//
// Prints `listening <port>` on stdout once it accepts connections.
import { NostrRelay } from '@nostr-relay/core';
import { EventRepositorySqlite } from '@nostr-relay/event-repository-sqlite';
import { Validator } from '@nostr-relay/validator';
import { WebSocketServer } from 'ws';

const port = Number(process.env.KEZ_RELAY_PORT ?? 0);
const repository = new EventRepositorySqlite(process.env.KEZ_RELAY_DB || ':memory:');
await repository.init();
const relay = new NostrRelay(repository);
const validator = new Validator();

const wss = new WebSocketServer({ host: '127.0.0.1', port, maxPayload: 1024 * 1024 });
wss.on('connection', (ws) => {
  relay.handleConnection(ws, '127.0.0.1');
  ws.on('message', async (data) => {
    try {
      const message = await validator.validateIncomingMessage(data);
      await relay.handleMessage(ws, message);
    } catch (e) {
      ws.send(JSON.stringify(['NOTICE', e instanceof Error ? e.message : String(e)]));
    }
  });
  ws.on('close', () => relay.handleDisconnect(ws));
  ws.on('error', () => relay.handleDisconnect(ws));
});
wss.on('error', (e) => {
  console.error(`nostr-relay: ${e.message}`);
  process.exit(1);
});
wss.on('listening', () => {
  const address = wss.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : port}`);
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  for (const client of wss.clients) client.terminate();
  wss.close();
  await relay.destroy();
  await repository.destroy();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent talks to us over stdin only to keep us alive: when it goes, so do we.
process.stdin.on('end', stop);
process.stdin.resume();
