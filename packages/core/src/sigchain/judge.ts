/**
 * What a processed sigchain says about one claim (SPEC §9.3). The claim's own
 * signature, subject and validity window are checkClaim's business (§9.2
 * steps 4–8); fetching the chain (row 1, chain_unavailable) is the caller's.
 */
import { claimId } from '../claim.js';
import type { Claim } from '../claim.js';
import { verdict } from '../result.js';
import type { Verdict } from '../result.js';
import { roleAt } from './rules.js';
import type { ChainState } from './state.js';

export interface ChainVerdict extends Verdict {
  /** The claim appears in a live or revoked `add` of the chain (SPEC §9.3). */
  listed: boolean;
}

/**
 * SPEC §9.3 rows 2–10, first match wins:
 * revoked id → revoked; key rotated away → revoked/key_rotated (whenever the
 * claim was made: SPEC §11.9, re-sign with the new key); revoked device →
 * revoked/device_revoked; device past expires_at → expired/device_expired;
 * fork → fork; gap → unreachable/chain_gap; halted → invalid/malformed; key
 * neither the current primary (without `primary`) nor a live device (with a
 * `primary` of this chain) → invalid/not_in_chain; else valid/ok (a pending
 * end counts as complete).
 * @example judgeClaim(claim, await validateChain(events, { now, chain }), now).status
 */
export function judgeClaim(claim: Claim, state: ChainState, now: number): ChainVerdict {
  const id = claimId(claim);
  const revoked = Object.hasOwn(state.revokedClaims, id) ? state.revokedClaims[id] : undefined;
  const listed = Object.hasOwn(state.liveClaims, id) || revoked?.claim !== undefined;
  const out = (v: Verdict): ChainVerdict => ({ ...v, listed });
  if (revoked) {
    const why = revoked.reason !== undefined ? ` (${revoked.reason})` : '';
    return out(verdict('revoked', `revoked at seq ${revoked.revoked.seq}${why}`));
  }
  const role = roleAt(state, claim.key, now);
  if (role.kind === 'rotated')
    return out(
      verdict('key_rotated', `${claim.key} was rotated away at seq ${role.rotated.at.seq}`),
    );
  if (role.kind === 'device_revoked')
    return out(
      verdict(
        'device_revoked',
        `device ${claim.key} was revoked at seq ${role.device.revoked!.seq}`,
      ),
    );
  if (role.kind === 'device_expired')
    return out(
      verdict('device_expired', `device ${claim.key} expired at ${role.device.expires_at}`),
    );
  const end = state.end;
  if (end.kind === 'fork')
    return out(verdict('fork', `${end.ids.length} events at seq ${end.seq}`));
  if (end.kind === 'gap')
    return out(verdict('chain_gap', `events from seq ${end.seq} are missing`));
  if (end.kind === 'halted')
    return out(verdict('malformed', `the chain halts at seq ${end.seq}: ${end.detail}`));
  // SPEC §8.10: a claim with `primary` is the chain's only through a device; anyone can write `primary`.
  const fits =
    claim.primary === undefined
      ? role.kind === 'primary'
      : role.kind === 'device' &&
        (claim.primary === state.chain ||
          claim.primary === state.current ||
          state.rotated.some((r) => r.key === claim.primary));
  if (!fits)
    return out(
      verdict(
        'not_in_chain',
        claim.primary === undefined
          ? `${claim.key} is not the current key of chain ${state.chain}`
          : `${claim.key} is not a live device of chain ${state.chain} (primary ${claim.primary})`,
      ),
    );
  return out(verdict('ok'));
}
