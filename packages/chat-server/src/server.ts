/**
 * A chat-server instance: the auth_callout responder (in the callout's
 * account) and the room service (in the users' account), over two NATS
 * connections. Instances keep no state of their own — rooms live in the KV
 * bucket, history in the stream — so any number can run side by side.
 */
import './node-crypto.js';
import { connect } from '@nats-io/transport-node';
import { nkeyAuthenticator } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/nats-core';
import { startResponder } from './auth-callout/responder.js';
import type { Responder } from './auth-callout/responder.js';
import type { Decision } from './auth-callout/decide.js';
import { NO_CHAINS, SigServerChains } from './chain/chain-source.js';
import type { ChainSource } from './chain/chain-source.js';
import { loadConfig } from './config/config.js';
import type { ChatServerConfig, ChatServerConfigInput } from './config/config.js';
import { readEnv } from './config/env.js';
import { createLogger } from './logger.js';
import type { Logger } from './logger.js';
import { fastSigner } from './nats/issuer.js';
import { XkeyBox } from './nats/xkey.js';
import { startRoomService } from './rooms/service.js';
import type { RoomService } from './rooms/service.js';
import { ensureChatStorage } from './storage.js';

export interface ChatServer extends AsyncDisposable {
  readonly config: ChatServerConfig;
  readonly responder: Responder;
  readonly rooms: RoomService;
  stop(): Promise<void>;
}

export interface StartOptions extends ChatServerConfigInput {
  /** Read unset values from this environment (default process.env). */
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** Override the sigchain source (tests). */
  chains?: ChainSource;
  onDecision?(d: Decision, info: { ms: number }): void;
}

const te = new TextEncoder();

async function connectAs(servers: string, seed: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: servers.split(',').map((s) => s.trim()),
    name,
    authenticator: nkeyAuthenticator(te.encode(seed)),
    maxReconnectAttempts: -1,
    // Back before the clients (250 ms + jitter): while the responder is away,
    // nats-server holds each log-in for the whole auth timeout.
    reconnectTimeWait: 100,
    reconnectJitter: 0,
    waitOnFirstConnect: true,
  });
}

/**
 * @example await using chat = await startChatServer({ natsUrl: nats.url, ...keys, sigServers: [sig.url] })
 */
export async function startChatServer(opts: StartOptions = {}): Promise<ChatServer> {
  const config = loadConfig(readEnv(opts.env ?? process.env), opts);
  const log = opts.log ?? createLogger('chat-server', { level: config.logLevel });
  const chains =
    opts.chains ??
    (config.sigServers.length
      ? new SigServerChains({ servers: config.sigServers, ttl: config.chainTtl })
      : NO_CHAINS);
  const service = await connectAs(config.natsUrl, config.serviceSeed, 'kez-chat-service');
  let callout: NatsConnection | undefined;
  try {
    const storage = await ensureChatStorage(service, { replicas: config.replicas });
    const rooms = startRoomService({ nc: service, storage, log: log.child('api') });
    callout = await connectAs(config.natsUrl, config.calloutSeed, 'kez-chat-callout');
    const responder = startResponder({
      nc: callout,
      issuer: fastSigner(config.issuerSeed),
      xkey: config.xkeySeed ? new XkeyBox(config.xkeySeed) : null,
      userAccount: config.userAccount,
      chains,
      roomsOf: (user) => rooms.store.roomsOf(user),
      policy: { maxAge: config.loginMaxAge, skew: 300, ttl: config.jwtTtl },
      concurrency: config.concurrency,
      log: log.child('callout'),
      ...(opts.onDecision ? { onDecision: opts.onDecision } : {}),
    });
    await callout.flush();
    log.info('ready', {
      nats: config.natsUrl,
      sigServers: config.sigServers,
      concurrency: config.concurrency,
    });
    const calloutNc = callout;
    let stopped: Promise<void> | undefined;
    const stop = () =>
      (stopped ??= (async () => {
        await responder.stop();
        await rooms.stop();
        await Promise.all([calloutNc.close(), service.close()]);
        log.info('stopped');
      })());
    return { config, responder, rooms, stop, [Symbol.asyncDispose]: stop };
  } catch (e) {
    await Promise.all([service.close(), callout?.close()]);
    throw e;
  }
}
