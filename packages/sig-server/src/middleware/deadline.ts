/**
 * A time limit per request: past it the client gets 503 `timeout`. The
 * handler is not cancelled (an append may still commit; the client's retry
 * is then an idempotent duplicate).
 */
import type { MiddlewareHandler } from 'hono';
import { HttpError } from '../http/errors.js';

export function deadline(ms: number): MiddlewareHandler {
  return async function requestDeadline(c, next) {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new HttpError('timeout', `the request took longer than ${ms} ms`)),
        ms,
      );
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}
