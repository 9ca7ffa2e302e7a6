/** `--expires` values: a duration from now (`90d`, `12h`, `1y`) or an ISO 8601 date. */
import { UsageError } from './errors.js';

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 7 * 86400,
  y: 365 * 86400,
};

const ISO_RE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The unix time `text` names, which must be after `now`: a claim that is
 * already expired could never verify, so creating one is a usage error.
 * A date without a time is midnight UTC; a time without a zone is UTC.
 * @example parseExpires('90d', 1764000000) // 1771776000
 */
export function parseExpires(text: string, now: number): number {
  const t = text.trim();
  let at: number;
  const m = /^(\d{1,9})([smhdwy])$/.exec(t);
  if (m) {
    at = now + Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  } else if (ISO_RE.test(t)) {
    const utc = /[T ]/.test(t) && !/(Z|[+-]\d{2}:?\d{2})$/.test(t) ? t + 'Z' : t;
    const ms = Date.parse(utc.replace(' ', 'T'));
    if (Number.isNaN(ms)) throw new UsageError(`--expires "${t}" is not a valid date`);
    at = Math.floor(ms / 1000);
  } else {
    throw new UsageError(
      `--expires "${t.slice(0, 40)}" is neither a duration nor a date`,
      'use e.g. 90d, 12h, 2w, 1y, or 2027-01-31 / 2027-01-31T12:00:00Z',
    );
  }
  if (!Number.isSafeInteger(at) || at <= now) {
    throw new UsageError(
      `--expires "${t}" is not in the future (the claim would never verify)`,
      'use a duration such as 90d, or a later date',
    );
  }
  return at;
}
