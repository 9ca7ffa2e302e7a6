/**
 * `@kez/chat-server/protocol`: the browser-safe part of kez-chat — the
 * client, log-in signing, signed chat events, subjects, the timeline, key
 * bindings, badges and sigchain lookups. No Node built-ins and no NATS
 * transport (the page passes `dial: wsconnect`), so a page (@kez/web)
 * speaks exactly the protocol the server and the CLI speak, from the same
 * code.
 *
 * Keep every module re-exported here free of `node:` imports and Node
 * globals (Buffer, process): @kez/web's build (vite) and its e2e test fail
 * otherwise.
 */
export { signLogin } from './login.js';
export type { LoginFields } from './login.js';
// Portable: @noble/curves, unless a Node entry point plugged node:crypto into crypto-hooks.ts.
export { createSigner, generateSigner } from './signer.js';
export type { SyncSigner } from './signer.js';
export { verifyDigest } from './crypto-hooks.js';
export {
  signChatEvent,
  readChatEvent,
  checkChatEvent,
  encodeChatEvent,
  eventIdOf,
  MAX_TEXT,
} from './messages.js';
export type { ChatEvent, ChatOp, EventBody, Place, CheckedEvent } from './messages.js';
export * from './subjects.js';
export type * from './api.js';
export type { RoomRecord } from './rooms/store.js';
export type { StoredEvent } from './rooms/history.js';
export { ChatClient, ChatError } from './client/chat-client.js';
export type {
  ChatClientOptions,
  Dial,
  HistoryResult,
  PreparedEvent,
  Watch,
} from './client/chat-client.js';
export { KeyBindings } from './client/bindings.js';
export type { Binding } from './client/bindings.js';
export { foldTimeline, toTimelineItem, PRESENCE } from './client/timeline.js';
export type { TimelineItem, ShownMessage, PresenceStatus } from './client/timeline.js';
export { Badges } from './client/badges.js';
export type { Badge, BadgeVerifier } from './client/badges.js';
export { SigServerChains, NO_CHAINS } from './chain/chain-source.js';
export type { ChainSource, SigServerChainsOptions } from './chain/chain-source.js';
