/**
 * Judging a claim against the chains that belong to a key (SPEC §8.10,
 * §9.3): core's judgeClaim per chain; with more than one chain, the first
 * non-valid outcome in §9.3's row order applies.
 */
import { judgeClaim } from '@kez/core';
import type { ChainState, ChainVerdict, Claim, ReasonCode } from '@kez/core';

/** SPEC §9.3 row numbers (row 1, chain_unavailable, is decided before a chain exists). */
const ROW: Partial<Record<ReasonCode, number>> = {
  revoked: 2,
  key_rotated: 3,
  device_revoked: 4,
  device_expired: 5,
  fork: 6,
  chain_gap: 7,
  malformed: 8,
  not_in_chain: 9,
  ok: 10,
};

/**
 * @example judgeAcross([state], claim, now).reason // 'ok' | 'revoked' | …
 */
export function judgeAcross(
  states: readonly ChainState[],
  claim: Claim,
  now: number,
): ChainVerdict {
  let best: ChainVerdict | undefined;
  for (const s of states) {
    const v = judgeClaim(claim, s, now);
    if (!best || (ROW[v.reason] ?? 10) < (ROW[best.reason] ?? 10)) best = v;
  }
  // A caller passes at least one state; an empty list judges nothing wrong and nothing listed.
  return best ?? { status: 'valid', reason: 'ok', listed: false };
}

/** SPEC §9.2 step 7: `key` is the chain id, a rotated key, the current key or a device of the chain. */
export function chainHasKey(state: ChainState, key: string): boolean {
  return (
    state.chain === key ||
    state.current === key ||
    state.rotated.some((r) => r.key === key) ||
    Object.hasOwn(state.devices, key)
  );
}

/**
 * SPEC §8.10: a chain belongs to `key` when `key` is its id or the new_key of
 * a rotate in it — never merely because it lists `key` as a device. A chain
 * of which nothing applied (only junk) belongs to no one, unless it forks at
 * its start.
 */
export function chainBelongsTo(state: ChainState, key: string): boolean {
  if (state.head === null && state.forks.length === 0) return false;
  return state.chain === key || state.current === key || state.rotated.some((r) => r.key === key);
}
