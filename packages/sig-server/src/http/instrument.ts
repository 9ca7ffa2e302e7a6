/**
 * What every request goes through — request id, rate limit (on /v1/),
 * deadline (where asked), errors turned into `{error, message}`, metrics and
 * the log line — as a wrapper around each route's handler rather than as
 * hono middleware. Same work, but each route then has one handler, which
 * hono dispatches without its middleware composition: on a cached head read
 * that composition was a large share of the cost (bench/sig-server.bench.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../app-env.js';
import type { Logger } from '../logger.js';
import { errorMessage } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { API_ERRORS, HttpError, errorResponse } from './errors.js';
import { header } from './header.js';

export type Handler = (c: Context<AppEnv>) => Response | Promise<Response>;

export interface RouteOptions {
  /** Answer 503 `timeout` past the configured request deadline (routes whose work can grow). */
  deadline?: boolean;
}

export interface Instrumentation {
  /** Wrap a handler for `route` (the pattern, also the metrics label). */
  wrap(route: string, handler: Handler, opts?: RouteOptions): Handler;
  /** Any thrown value → its response (HttpError → 4xx/5xx JSON; anything else logged → 500). */
  fail(c: Context<AppEnv>, err: unknown): Response;
}

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Race `work` against the deadline; the work is not cancelled (an append may still land). */
async function withDeadline(ms: number, work: Response | Promise<Response>): Promise<Response> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HttpError('timeout', `the request took longer than ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

export function instrumentation(opts: {
  log: Logger;
  metrics: Metrics;
  /** The rate limit; throws an HttpError (429) when the client is over. */
  guard?: ((c: Context<AppEnv>) => void) | undefined;
  timeoutMs: number;
}): Instrumentation {
  const { log, metrics, guard, timeoutMs } = opts;
  // Request ids: a random per-process prefix and a counter (unique, cheaper than a UUID each).
  const prefix = randomBytes(6).toString('hex') + '-';
  let n = 0;

  /**
   * The request's id, made when first needed (an error answer or a log line): the client's
   * X-Request-Id when it is short and plain, else prefix + counter. Sent back on error answers.
   */
  function requestId(c: Context<AppEnv>): string {
    let id = c.get('requestId') as string | undefined;
    if (id === undefined) {
      const given = header(c, 'x-request-id');
      id = given && CLIENT_ID.test(given) ? given : prefix + (++n).toString(36);
      c.set('requestId', id);
    }
    return id;
  }

  function fail(c: Context<AppEnv>, err: unknown): Response {
    requestId(c);
    if (err instanceof HttpError) return errorResponse(c, err);
    if (err instanceof HTTPException && err.status < 500) {
      const e = new HttpError('malformed', err.message || 'bad request');
      return c.json(e.body(), err.status);
    }
    log.error('unhandled error', { request_id: requestId(c), error: errorMessage(err) });
    return errorResponse(c, new HttpError('server_error', API_ERRORS.server_error.text));
  }

  /** The log line of an answered request: 5xx always, the rest at debug. */
  function logRequest(c: Context<AppEnv>, route: string, status: number, seconds: number) {
    if (status < 500 && !log.enabled('debug')) return;
    const fields = {
      request_id: requestId(c),
      method: c.req.method,
      route,
      status,
      ms: Math.round(seconds * 10_000) / 10,
    };
    if (status >= 500) log.error('request failed', fields);
    else log.debug('request', fields);
  }

  function wrap(route: string, handler: Handler, ro: RouteOptions = {}): Handler {
    const limited = guard !== undefined && route.startsWith('/v1/');
    const observe = metrics.requestRecorder(route);
    const done = (c: Context<AppEnv>, res: Response, start: number): Response => {
      const seconds = (performance.now() - start) / 1000;
      observe(c.req.method, res.status, seconds);
      logRequest(c, route, res.status, seconds);
      return res;
    };
    // Synchronous when the handler is: a Response returned (not a promise) lets hono and
    // @hono/node-server write it at once, which is most of a cached head read's speed.
    return function instrumented(c) {
      const start = performance.now();
      let out: Response | Promise<Response>;
      try {
        if (limited) guard!(c);
        out = ro.deadline ? withDeadline(timeoutMs, handler(c)) : handler(c);
      } catch (e) {
        out = fail(c, e);
      }
      if (out instanceof Promise)
        return out.then(
          (res) => done(c, res, start),
          (e: unknown) => done(c, fail(c, e), start),
        );
      return done(c, out, start);
    };
  }

  return { wrap, fail };
}

/**
 * Register instrumented GET/POST routes on `app`.
 * @example const r = routes(app, inst); r.get('/healthz', (c) => c.json({ status: 'ok' }));
 */
export function routes(app: Hono<AppEnv>, inst: Instrumentation) {
  return {
    get(path: string, handler: Handler, opts?: RouteOptions) {
      app.get(path, inst.wrap(path, handler, opts));
    },
    post(path: string, handler: Handler, opts?: RouteOptions) {
      app.post(path, inst.wrap(path, handler, opts));
    },
  };
}

export type Routes = ReturnType<typeof routes>;
