/**
 * createApp(deps) → the sig-server's hono app, not listening (style §6 rule
 * 16): tests call app.request(), server.ts binds it to a socket. Handlers
 * validate → core → store → JSON. The cross-cutting work (request id, rate
 * limit, deadline, errors, metrics, log) wraps each handler
 * (http/instrument.ts) instead of being hono middleware — one handler per
 * route is markedly faster; the one error mapping serves both the wrapper and
 * app.onError. buildApp also makes the head lane that server.ts puts in
 * front of hono (http/head-lane.ts).
 */
import '@kez/core-node/install';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AppEnv } from './app-env.js';
import { ChainCache } from './chain/chain-cache.js';
import { HeadCache } from './chain/head-cache.js';
import type { SigServerConfig } from './config/config.js';
import { HttpError } from './http/errors.js';
import type { Logger } from './logger.js';
import { createLogger } from './logger.js';
import { Metrics } from './metrics.js';
import { instrumentation, routes } from './http/instrument.js';
import { incomingAddress, socketAddress } from './http/address.js';
import type { HeadLane } from './http/head-lane.js';
import { headLane } from './http/head-lane.js';
import { rateGuard, rateLimiter } from './http/rate-limit.js';
import { chainRoutes } from './routes/chains.js';
import { changeRoutes } from './routes/changes.js';
import type { RouteDeps } from './routes/context.js';
import { eventRoutes } from './routes/events.js';
import { opsRoutes } from './routes/ops.js';
import type { Store } from './store/store.js';
import { logRoutes } from './routes/log.js';
import { logSigner } from './tlog/key.js';
import { TransparencyLog } from './tlog/log.js';

export interface AppDeps {
  store: Store;
  config: SigServerConfig;
  logger?: Logger;
  metrics?: Metrics;
  /** Milliseconds since the epoch (default Date.now). */
  clock?: () => number;
  /** The client's address for rate limiting (default: the socket's, or X-Forwarded-For with trustProxy). */
  clientAddress?: (c: Context<AppEnv>) => string;
  /** The transparency log; default: one over `store` signed by a key that lives as long as the process. */
  tlog?: TransparencyLog;
}

/**
 * @example
 * const app = createApp({ store: openSqliteStore(file), config: resolveConfig({}, { port: 0 }) });
 * const res = await app.request('/healthz');
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  return buildApp(deps).app;
}

/**
 * The app and the head lane over the same caches, limiter and metrics. No lane when
 * `deps.clientAddress` is given: that reads a hono Context, which the lane runs without.
 */
export function buildApp(deps: AppDeps): { app: Hono<AppEnv>; lane?: HeadLane } {
  const config = deps.config;
  const log = deps.logger ?? createLogger('sig-server:http', { level: config.logLevel });
  const metrics = deps.metrics ?? new Metrics();
  const clock = deps.clock ?? Date.now;
  const app = new Hono<AppEnv>();
  const limiter = config.rateLimit ? rateLimiter(config.rateLimit, clock) : undefined;
  const inst = instrumentation({
    log,
    metrics,
    timeoutMs: config.limits.requestTimeoutMs,
    guard: limiter
      ? rateGuard(limiter, deps.clientAddress ?? socketAddress(config.trustProxy), metrics)
      : undefined,
  });
  const routeDeps: RouteDeps = {
    store: deps.store,
    config,
    cache: new ChainCache(deps.store),
    metrics,
    log,
    clock,
    tlog: deps.tlog ?? new TransparencyLog(deps.store, logSigner(null, config.publicUrl)),
    heads: new HeadCache(deps.store, config.limits.headCacheMs, clock),
    routes: routes(app, inst),
  };

  eventRoutes(routeDeps);
  chainRoutes(routeDeps);
  changeRoutes(routeDeps);
  logRoutes(routeDeps);
  opsRoutes(routeDeps);

  // 405 for a known path with the wrong method; 404 otherwise.
  let patterns: RegExp[] | undefined;
  app.notFound(
    inst.wrap('unmatched', (c) => {
      patterns ??= app.routes
        .filter((r) => r.method !== 'ALL')
        .map((r) => new RegExp('^' + r.path.replace(/:[A-Za-z_]+/g, '[^/]+') + '$'));
      const path = c.req.path.slice(0, 100);
      throw patterns.some((p) => p.test(c.req.path))
        ? new HttpError('method_not_allowed', `${c.req.method} is not allowed on ${path}`)
        : new HttpError('not_found', `no such endpoint: ${path}`);
    }),
  );
  // Handlers catch their own errors (instrument.ts); this is the net under everything else.
  app.onError((err, c) => inst.fail(c, err));
  const lane = deps.clientAddress
    ? undefined
    : headLane({
        heads: routeDeps.heads,
        metrics,
        log,
        limiter,
        address: incomingAddress(config.trustProxy),
      });
  return { app, lane };
}
