/** Typed verification results (SPEC §9). Verifying never throws on a bad proof: it returns one of these. */
import { REASONS } from './reasons.js';
import type { ReasonCode, Status } from './reasons.js';

export interface Verdict {
  status: Status;
  reason: ReasonCode;
  /** Human detail: what exactly was wrong (URL, HTTP status, field …). */
  detail?: string;
}

export function verdict(reason: ReasonCode, detail?: string): Verdict {
  return detail === undefined
    ? { status: REASONS[reason].status, reason }
    : { status: REASONS[reason].status, reason, detail };
}
