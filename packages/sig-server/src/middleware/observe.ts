/**
 * Outermost middleware: a request id (the client's X-Request-Id when it is
 * short and plain, else a fresh one), one structured log line per request
 * and the request metrics. The route label is the matched route pattern,
 * never the raw path, so metrics stay bounded whatever clients send.
 */
import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { matchedRoutes } from 'hono/route';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The matched route pattern, or "unmatched" when only middleware ran (a 404). */
function routeLabel(c: Context<AppEnv>): string {
  const last = matchedRoutes(c).at(-1);
  return last && last.method !== 'ALL' ? last.path : 'unmatched';
}

export function observe(
  log: Logger,
  metrics: Metrics,
  clock: () => number,
): MiddlewareHandler<AppEnv> {
  return async function observeRequest(c, next) {
    const start = clock();
    const given = c.req.header('x-request-id');
    const id = given && CLIENT_ID.test(given) ? given : randomUUID();
    c.set('requestId', id);
    await next();
    c.header('X-Request-Id', id);
    const route = routeLabel(c);
    const status = c.res.status;
    const seconds = (clock() - start) / 1000;
    metrics.requests.inc({ route, method: c.req.method, status: String(status) });
    metrics.latency.observe({ route }, seconds);
    const fields = {
      request_id: id,
      method: c.req.method,
      route,
      status,
      ms: Math.round(seconds * 1000 * 10) / 10,
    };
    if (status >= 500) log.error('request failed', fields);
    else log.debug('request', fields);
  };
}
