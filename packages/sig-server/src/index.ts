/** @kez/sig-server — an HTTP sigchain store that is never trusted (README: threat model). */
export { createApp } from './app.js';
export { socketAddress } from './http/address.js';
export type { AppDeps } from './app.js';
export type { AppEnv } from './app-env.js';
export { startSigServer } from './server.js';
export type { SigServer, StartOptions } from './server.js';
export {
  resolveConfig,
  DEFAULT_LIMITS,
  DEFAULT_PORT,
  DEFAULT_RATE_LIMIT,
} from './config/config.js';
export type {
  Limits,
  LogLevel,
  RateLimit,
  SigServerConfig,
  SigServerConfigInput,
} from './config/config.js';
export { readEnv, ENV_VARS } from './config/env.js';
export { createLogger } from './logger.js';
export type { Logger } from './logger.js';
export { Metrics } from './metrics.js';
export { openStore } from './store/open.js';
export { openSqliteStore } from './store/sqlite.js';
export { openPostgresStore } from './store/postgres.js';
export type { Store, StoredEvent, ChainHead } from './store/store.js';
export { API_ERRORS, HttpError } from './http/errors.js';
export type { ApiErrorCode, ErrorCode } from './http/errors.js';
