/**
 * The kez-chat stack for tests: a real nats-server (testkit) configured by
 * renderLocalNatsConfig with fresh keys, optionally a real sig-server
 * in-process, and a chat-server in-process. nats-server can be restarted on
 * the same port and JetStream store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer } from '@kez/testkit';
import type { NatsServer } from '@kez/testkit';
import { startSigServer } from '@kez/sig-server';
import type { SigServer } from '@kez/sig-server';
import {
  SILENT,
  generateChatKeys,
  publicKeys,
  renderLocalNatsConfig,
  startChatServer,
} from '../src/index.js';
import type { ChatKeys, ChatServer, Decision, StartOptions } from '../src/index.js';

export interface Stack extends AsyncDisposable {
  nats: NatsServer;
  sig: SigServer | undefined;
  chat: ChatServer;
  keys: ChatKeys;
  url: string;
  /** Every log-in decision so far, newest last. */
  decisions: Decision[];
  /** Stop nats-server and start it again on the same port and store. */
  restartNats(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  sigServer?: boolean;
  /** Users in the users' account with a password, bypassing the callout (bench baseline). */
  plainUsers?: { user: string; password: string }[];
  chat?: Partial<StartOptions>;
  authTimeout?: number;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const keys = generateChatKeys();
  const pub = publicKeys(keys);
  const storeDir = mkdtempSync(join(tmpdir(), 'kez-chat-js-'));
  let port = 0;
  let httpPort = 0;
  const config = (p: { port: number; httpPort: number; wsPort: number }) => {
    port ||= p.port;
    httpPort ||= p.httpPort;
    return renderLocalNatsConfig({
      keys: pub,
      port,
      httpPort,
      wsPort: p.wsPort,
      storeDir,
      ...(opts.plainUsers ? { plainUsers: opts.plainUsers } : {}),
      ...(opts.authTimeout ? { authTimeout: opts.authTimeout } : {}),
    });
  };
  let nats = await startNatsServer({ config });
  let sig: SigServer | undefined;
  let chat: ChatServer | undefined;
  try {
    if (opts.sigServer) {
      const dataDir = mkdtempSync(join(tmpdir(), 'kez-chat-sig-'));
      sig = await startSigServer({
        env: {},
        config: { host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', rateLimit: null },
      });
    }
    const decisions: Decision[] = [];
    chat = await startChatServer({
      env: {},
      natsUrl: nats.url,
      ...keys,
      sigServers: sig ? [sig.url] : [],
      chainTtl: 0,
      log: SILENT,
      onDecision: (d) => decisions.push(d),
      ...opts.chat,
    });
    const stack: Stack = {
      nats,
      sig,
      chat,
      keys,
      url: nats.url,
      decisions,
      async restartNats() {
        await nats.stop();
        nats = await startNatsServer({ config });
        stack.nats = nats;
      },
      async stop() {
        await chat!.stop();
        await nats.stop();
        await sig?.close();
        rmSync(storeDir, { recursive: true, force: true });
      },
      [Symbol.asyncDispose]: () => stack.stop(),
    };
    return stack;
  } catch (e) {
    await chat?.stop();
    await nats.stop();
    await sig?.close();
    throw e;
  }
}

/** Resolves when `pred` holds, polling; rejects after `ms`. */
export async function eventually<T>(
  what: string,
  pred: () => T | undefined | false,
  ms = 5000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = pred();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
