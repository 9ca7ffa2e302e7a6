/**
 * @kez/chat-server — kez-chat on NATS: the auth_callout responder that logs
 * people in by KEZ key, the room service, and the client library the CLI uses.
 */
// Node: node:crypto under core's hashing and the Ed25519 seams (crypto-hooks.ts).
import './node-crypto.js';
import { connect } from '@nats-io/transport-node';
import { useDialer } from './client/chat-client.js';

// Node: ChatClient connects over TCP unless a caller passes `dial`.
useDialer(connect);
export { startChatServer } from './server.js';
export type { ChatServer, StartOptions } from './server.js';
export { loadConfig } from './config/config.js';
export type { ChatServerConfig, ChatServerConfigInput } from './config/config.js';
export { readEnv, ENV_VARS } from './config/env.js';
export { generateChatKeys, publicKeys, keysEnvFile, PUBLIC_ENV } from './keys.js';
export type { ChatKeys, ChatPublicKeys } from './keys.js';
export { renderLocalNatsConfig } from './nats-config.js';
export type { LocalNatsOptions } from './nats-config.js';
export {
  DEFAULT_POLICY,
  checkLogin,
  judgeLoginKey,
  grantLogin,
  decideLogin,
  chainKeyOf,
} from './auth-callout/decide.js';
export type {
  Challenge,
  ChainLookup,
  Decision,
  Denial,
  Grant,
  LoginPolicy,
} from './auth-callout/decide.js';
export { LOGIN_FAULTS } from './auth-callout/faults.js';
export type { LoginFault, LoginReason } from './auth-callout/faults.js';
export { userPermissions } from './auth-callout/permissions.js';
export type { UserPermissions } from './auth-callout/permissions.js';
export { startResponder } from './auth-callout/responder.js';
export type { Responder, ResponderOptions, ResponderStats } from './auth-callout/responder.js';
// Everything the page gets (the client, events, subjects, timeline, badges, chains), and more:
export * from './protocol.js';
export { readLogin } from './login.js';
export type { LoginObject } from './login.js';
export { useDialer } from './client/chat-client.js';
export { RoomStore, RoomError } from './rooms/store.js';
export { XkeyBox } from './nats/xkey.js';
export { fastSigner, decodeVerified } from './nats/issuer.js';
export { createLogger, SILENT } from './logger.js';
export type { Logger, LogLevel } from './logger.js';
