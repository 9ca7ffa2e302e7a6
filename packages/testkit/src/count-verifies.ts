/**
 * Counts the signature checks core makes while `fn` runs, by wrapping every
 * suite's `verify`, and `verifySync` where it answered (a synchronous
 * primitive). Tests of incremental validation use it to show that only new
 * signatures are checked. The suites are restored afterwards.
 */
import { SUITE_NAMES, getSuite } from '@kez/core';

export async function countVerifies<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; checks: number }> {
  let checks = 0;
  const restore: (() => void)[] = [];
  for (const name of SUITE_NAMES) {
    const suite = getSuite(name) as unknown as Record<string, unknown>;
    for (const method of ['verify', 'verifySync']) {
      const original = suite[method];
      if (typeof original !== 'function') continue;
      suite[method] = (...args: unknown[]): unknown => {
        const r: unknown = (original as (...a: unknown[]) => unknown).apply(suite, args);
        if (r !== undefined) checks++;
        return r;
      };
      restore.push(() => void (suite[method] = original));
    }
  }
  try {
    return { value: await fn(), checks };
  } finally {
    for (const r of restore) r();
  }
}
