/** Query parameters: integers only, in range, or a 400 naming the parameter. */
import { HttpError } from './errors.js';

/**
 * @example const after = intParam(c.req.query('after'), 'after', 0, Number.MAX_SAFE_INTEGER, 0);
 */
export function intParam(
  raw: string | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,16}$/.test(raw))
    throw new HttpError('malformed', `query parameter "${name}" must be a non-negative integer`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new HttpError('malformed', `query parameter "${name}" must be from ${min} to ${max}`);
  return n;
}

/** Which of `offered` media types the Accept header prefers (ties: the earlier offer). */
export function preferredType(accept: string | undefined, offered: readonly string[]): string {
  if (!accept) return offered[0]!;
  let best = offered[0]!;
  let bestQ = -1;
  const entries = accept.split(',').map((part) => {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k === 'q') q = Number(v);
    }
    return { type: type!.trim(), q: Number.isFinite(q) ? q : 0 };
  });
  for (const o of offered) {
    const [major] = o.split('/');
    // The most specific matching range decides (RFC 9110 §12.5.1): exact > type/* > */*.
    let q = -1;
    let rank = 0;
    for (const e of entries) {
      const r = e.type === o ? 3 : e.type === `${major}/*` ? 2 : e.type === '*/*' ? 1 : 0;
      if (r > rank || (r === rank && r > 0 && e.q > q)) {
        rank = r;
        q = e.q;
      }
    }
    if (q <= 0) continue;
    if (q > bestQ) {
      best = o;
      bestQ = q;
    }
  }
  return best;
}
