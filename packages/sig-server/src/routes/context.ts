/** What every route module receives. */
import type { HeadCache } from '../chain/head-cache.js';
import type { SigServerConfig } from '../config/config.js';
import type { ChainCache } from '../chain/chain-cache.js';
import type { Routes } from '../http/instrument.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';
import type { TransparencyLog } from '../tlog/log.js';

export interface RouteDeps {
  store: Store;
  config: SigServerConfig;
  cache: ChainCache;
  metrics: Metrics;
  log: Logger;
  /** Milliseconds since the epoch. */
  clock: () => number;
  tlog: TransparencyLog;
  heads: HeadCache;
  /** Where routes register (instrumented: http/instrument.ts). */
  routes: Routes;
}
