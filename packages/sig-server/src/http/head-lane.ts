/**
 * GET /v1/chains/{key}/head for a head the HeadCache holds, answered before
 * hono sees the request. It is the read that mirrors and verifiers poll, and
 * through @hono/node-server's Request, hono's router and Context it costs
 * about a fifth more CPU than written straight to node's response
 * (bench/sig-server.bench.ts prints both). The lane takes only the plain case and
 * returns false for everything else, which hono then answers as before. What
 * it does answer it answers as the hono route would: the same answer
 * (chain/head.ts headAnswer), the same rate-limit buckets, the same metrics
 * series; test/head-lane.test.ts sends the same requests to a server with
 * and without it and compares.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HeadCache } from '../chain/head-cache.js';
import { headAnswer } from '../chain/head.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { HEAD_ROUTE } from '../routes/chains.js';
import { rawHeader } from './header.js';
import { pathKey } from './keyref.js';
import type { RateLimiter } from './rate-limit.js';

/** True when it answered; false leaves the request untouched for hono. */
export type HeadLane = (req: IncomingMessage, res: ServerResponse) => boolean;

const PREFIX = '/v1/chains/';
const SUFFIX = '/head';
/** A key ref with nothing to decode (':' may come as %3A). */
const PLAIN_KEY = /^[A-Za-z0-9:]+$/;
/**
 * Host headers @hono/node-server takes without question (lower-case name or
 * IPv4, a port up to 65535); anything else goes to hono, which may refuse it.
 */
const PLAIN_HOST = /^[a-z0-9._-]+(?::(\d{1,5}))?$/;

export function headLane(deps: {
  heads: HeadCache;
  metrics: Metrics;
  log: Logger;
  limiter?: RateLimiter | undefined;
  address: (req: IncomingMessage) => string;
}): HeadLane {
  const { heads, log, limiter, address } = deps;
  const record = deps.metrics.requestRecorder(HEAD_ROUTE);

  /** The chain key of a plain head request, or undefined. */
  function keyOf(req: IncomingMessage): string | undefined {
    const url = req.url;
    if (req.method !== 'GET' || !url?.startsWith(PREFIX) || !url.endsWith(SUFFIX)) return;
    let segment = url.slice(PREFIX.length, -SUFFIX.length);
    if (segment.includes('%')) segment = segment.replace(/%3a/gi, ':');
    if (!PLAIN_KEY.test(segment)) return;
    const host = PLAIN_HOST.exec(rawHeader(req.rawHeaders, 'host') ?? '');
    if (!host || Number(host[1] ?? 0) > 65_535) return;
    try {
      return pathKey(segment);
    } catch {
      return; // hono answers the 400
    }
  }

  return function answerHead(req, res) {
    // Every request is logged at debug level, and that line is made by hono's path.
    if (log.enabled('debug')) return false;
    const key = keyOf(req);
    const head = key === undefined ? undefined : heads.peek(key);
    if (!head) return false;
    // Out of tokens: hono's path takes none either, and answers the 429.
    if (limiter && limiter.take(address(req)) !== 0) return false;
    const start = performance.now();
    const a = headAnswer(head, rawHeader(req.rawHeaders, 'if-none-match'));
    res.writeHead(a.status, a.headers).end(a.body ?? undefined);
    record('GET', a.status, (performance.now() - start) / 1000);
    return true;
  };
}
