/**
 * createApp(deps) → the sig-server's hono app, not listening (style §6 rule
 * 16): tests call app.request(), server.ts binds it to a socket. Handlers
 * validate → core → store → JSON; middleware only for cross-cutting work;
 * one onError turns every error into `{ error, message }`.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './app-env.js';
import { ChainCache } from './chain/chain-cache.js';
import { installVerifyMemo } from './chain/verify-memo.js';
import type { SigServerConfig } from './config/config.js';
import { API_ERRORS, HttpError } from './http/errors.js';
import type { Logger } from './logger.js';
import { createLogger, errorMessage } from './logger.js';
import { Metrics } from './metrics.js';
import { deadline } from './middleware/deadline.js';
import { observe } from './middleware/observe.js';
import { rateLimit } from './middleware/rate-limit.js';
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

/** Socket address, or the first X-Forwarded-For hop when the operator trusts a proxy in front. */
export function socketAddress(trustProxy: boolean) {
  return (c: Context<AppEnv>): string => {
    if (trustProxy) {
      const xff = c.req.header('x-forwarded-for');
      const first = xff?.split(',')[0]?.trim();
      if (first) return first.slice(0, 64);
    }
    return c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
  };
}

/**
 * @example
 * const app = createApp({ store: openSqliteStore(file), config: resolveConfig({}, { port: 0 }) });
 * const res = await app.request('/healthz');
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  installVerifyMemo();
  const config = deps.config;
  const log = deps.logger ?? createLogger('sig-server:http', { level: config.logLevel });
  const metrics = deps.metrics ?? new Metrics();
  const clock = deps.clock ?? Date.now;
  const routeDeps: RouteDeps = {
    store: deps.store,
    config,
    cache: new ChainCache(deps.store),
    metrics,
    log,
    clock,
    tlog: deps.tlog ?? new TransparencyLog(deps.store, logSigner(null, config.publicUrl)),
  };

  const app = new Hono<AppEnv>();
  app.use('*', observe(log, metrics, clock));
  if (config.rateLimit) {
    const limiter = rateLimit(
      config.rateLimit,
      deps.clientAddress ?? socketAddress(config.trustProxy),
      metrics,
      clock,
    );
    app.use('/v1/*', limiter);
  }
  app.use('/v1/*', deadline(config.limits.requestTimeoutMs));

  eventRoutes(app, routeDeps);
  chainRoutes(app, routeDeps);
  changeRoutes(app, routeDeps);
  logRoutes(app, routeDeps, routeDeps.tlog);
  opsRoutes(app, routeDeps);

  // 405 for a known path with the wrong method; 404 otherwise.
  let patterns: RegExp[] | undefined;
  app.notFound((c) => {
    patterns ??= app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => new RegExp('^' + r.path.replace(/:[A-Za-z_]+/g, '[^/]+') + '$'));
    const known = patterns.some((p) => p.test(c.req.path));
    const e = known
      ? new HttpError(
          'method_not_allowed',
          `${c.req.method} is not allowed on ${c.req.path.slice(0, 100)}`,
        )
      : new HttpError('not_found', `no such endpoint: ${c.req.path.slice(0, 100)}`);
    return c.json(e.body(), e.status);
  });

  app.onError((err, c) => {
    if (err instanceof HttpError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.json(err.body(), err.status);
    }
    // hono's own HTTP errors (none are raised by our middleware today) keep their 4xx status.
    if (err instanceof HTTPException && err.status < 500) {
      const e = new HttpError('malformed', err.message || 'bad request');
      return c.json(e.body(), err.status);
    }
    log.error('unhandled error', { request_id: c.get('requestId'), error: errorMessage(err) });
    const e = new HttpError('server_error', API_ERRORS.server_error.text);
    return c.json(e.body(), e.status);
  });
  return app;
}
