/**
 * Per-client-address token bucket: `burst` requests at once, refilled at
 * `perSecond`. An empty bucket answers 429 with Retry-After (whole seconds).
 * In-process: with several servers behind a balancer each keeps its own
 * buckets (put the limit in the balancer for a global one).
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import type { RateLimit } from '../config/config.js';
import { HttpError } from './errors.js';
import type { Metrics } from '../metrics.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept before idle full ones are swept. */
const SWEEP_AT = 10_000;

/**
 * The limiter as a check that throws the 429 (observe.ts runs it in the same
 * middleware layer: one async layer less on every request).
 * @example const check = rateLimiter(cfg.rateLimit, socketAddress(false), metrics, Date.now);
 */
export function rateLimiter(
  limit: RateLimit,
  clientAddress: (c: Context<AppEnv>) => string,
  metrics: Metrics,
  clock: () => number,
): (c: Context<AppEnv>) => void {
  const buckets = new Map<string, Bucket>();
  const perMs = limit.perSecond / 1000;
  const sweep = (now: number) => {
    for (const [k, b] of buckets)
      if (b.tokens + (now - b.at) * perMs >= limit.burst) buckets.delete(k);
  };
  return function checkRate(c) {
    const now = clock();
    const key = clientAddress(c);
    let b = buckets.get(key);
    if (!b) {
      if (buckets.size >= SWEEP_AT) sweep(now);
      buckets.set(key, (b = { tokens: limit.burst, at: now }));
    } else {
      b.tokens = Math.min(limit.burst, b.tokens + (now - b.at) * perMs);
      b.at = now;
    }
    if (b.tokens < 1) {
      metrics.rateLimited.inc();
      const wait = Math.max(1, Math.ceil((1 - b.tokens) / limit.perSecond));
      throw new HttpError(
        'rate_limited',
        `too many requests from this address; retry in ${wait} s`,
        { retry_after: wait },
        { 'Retry-After': String(wait) },
      );
    }
    b.tokens -= 1;
  };
}
