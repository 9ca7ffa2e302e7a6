/**
 * What a claim's key's sigchain says about the claim (SPEC §9.2 step 8).
 * The claim's own signature, subject and expiry are checkClaim's business;
 * this only consults the chain.
 */
import { claimId } from '../claim.js';
import type { Claim } from '../claim.js';
import { verdict } from '../result.js';
import type { Verdict } from '../result.js';
import { roleAt } from './rules.js';
import type { ChainState } from './state.js';

/**
 * Judge a claim against a validated chain, in this order:
 * 1. revoked in the chain → revoked/revoked.
 * 2. signed by a rotated-away primary key and dated after the rotation event
 *    → revoked/key_rotated. A claim the old key made at or before the
 *    rotation stays valid unless revoked (SPEC §8.5: rotation hands over,
 *    it does not disown; revoke what you no longer stand by). Its created_at is the
 *    signer's word, so a stolen old key can backdate: revoke its claims.
 * 3. signed by a device: revoked device → revoked/device_revoked (whenever
 *    the claim was made: a revoked device is presumed lost); device past its
 *    expires_at → expired/device_expired; a device claim must name a primary
 *    key of the chain as `primary`, else invalid/not_in_chain.
 * 4. chain forked → fork/fork; chain has a gap → unreachable/chain_gap (what
 *    is missing could revoke the claim). An invalid tail does not taint what
 *    was validly applied before it.
 * 5. key neither a primary key nor a device of the chain → invalid/not_in_chain.
 * 6. otherwise valid/ok.
 * @example judgeClaim(claim, await validateChain(events, { now }), now).status
 */
export function judgeClaim(claim: Claim, state: ChainState, now: number): Verdict {
  const id = claimId(claim);
  const revoked = Object.hasOwn(state.revokedClaims, id) ? state.revokedClaims[id] : undefined;
  if (revoked) {
    const why = revoked.reason !== undefined ? `: ${revoked.reason}` : '';
    return verdict('revoked', `revoked at seq ${revoked.revoked.seq}${why}`);
  }
  const role = roleAt(state, undefined, claim.key, now);
  switch (role.kind) {
    case 'rotated':
      if (claim.created_at > role.period.to!.at)
        return verdict(
          'key_rotated',
          `${claim.key} was rotated away at seq ${role.period.to!.seq}; the claim is dated after that`,
        );
      break;
    case 'device_revoked':
      return verdict(
        'device_revoked',
        `device ${claim.key} was revoked at seq ${role.device.revoked!.seq}`,
      );
    case 'device_expired':
      return verdict('device_expired', `device ${claim.key} expired at ${role.device.expires_at}`);
    case 'device':
      if (claim.primary === undefined || !state.keyHistory.some((p) => p.key === claim.primary))
        return verdict(
          'not_in_chain',
          `a device claim must name a primary key of chain ${state.chain} as "primary"`,
        );
      break;
    default:
      break;
  }
  if (state.status === 'fork')
    return verdict('fork', `two different events at seq ${state.forks[0]!.seq}`);
  if (state.status === 'gap')
    return verdict('chain_gap', `events from seq ${state.appliedThrough + 1} are missing`);
  if (role.kind === 'unknown' || state.appliedThrough === 0)
    return verdict('not_in_chain', `${claim.key} is not a key or device of chain ${state.chain}`);
  return verdict('ok');
}
