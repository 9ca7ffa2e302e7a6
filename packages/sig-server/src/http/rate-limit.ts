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

export interface RateLimiter {
  /** Take a token for `address`: 0 when it had one, else the whole seconds until it will (nothing taken). */
  take(address: string): number;
}

/**
 * The buckets, shared by the hono routes (rateGuard) and the head lane (http/head-lane.ts).
 * @example const limiter = rateLimiter(cfg.rateLimit, Date.now); limiter.take('192.0.2.1') === 0;
 */
export function rateLimiter(limit: RateLimit, clock: () => number): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const perMs = limit.perSecond / 1000;
  const sweep = (now: number) => {
    for (const [k, b] of buckets)
      if (b.tokens + (now - b.at) * perMs >= limit.burst) buckets.delete(k);
  };
  return {
    take(address) {
      const now = clock();
      let b = buckets.get(address);
      if (!b) {
        if (buckets.size >= SWEEP_AT) sweep(now);
        buckets.set(address, (b = { tokens: limit.burst, at: now }));
      } else {
        b.tokens = Math.min(limit.burst, b.tokens + (now - b.at) * perMs);
        b.at = now;
      }
      if (b.tokens < 1) return Math.max(1, Math.ceil((1 - b.tokens) / limit.perSecond));
      b.tokens -= 1;
      return 0;
    },
  };
}

/**
 * The limiter as a check that throws the 429 (instrument.ts runs it before each /v1/ handler).
 * @example const guard = rateGuard(rateLimiter(cfg.rateLimit, Date.now), socketAddress(false), metrics);
 */
export function rateGuard(
  limiter: RateLimiter,
  clientAddress: (c: Context<AppEnv>) => string,
  metrics: Metrics,
): (c: Context<AppEnv>) => void {
  return function checkRate(c) {
    const wait = limiter.take(clientAddress(c));
    if (wait === 0) return;
    metrics.rateLimited.inc();
    throw new HttpError(
      'rate_limited',
      `too many requests from this address; retry in ${wait} s`,
      { retry_after: wait },
      { 'Retry-After': String(wait) },
    );
  };
}
