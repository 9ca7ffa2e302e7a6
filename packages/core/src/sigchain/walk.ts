/**
 * SPEC §8.5 step 3: walk the authentic events seq by seq, applying the one
 * authorised event at each, until the chain ends complete or in a fork, gap,
 * halt or pending event. Starts at seq 1 on an empty state, or — for
 * extendChain — at `from` on the state the walk had reached at `from - 1`.
 */
import { CLOCK_SKEW_SECONDS } from '../claim.js';
import type { WalkEvent } from './prepare.js';
import { applyEvent, authorise, checkContent, roleAt } from './rules.js';
import type { Working } from './rules.js';
import type { ChainState, UnappliedEvent } from './state.js';

/**
 * Walk `A` (authentic, sorted by seq then id, every seq >= `from`) on
 * `state`, whose head is at seq `from - 1` and whose end is complete.
 */
export function walk(state: ChainState, A: readonly WalkEvent[], now: number, from = 1): void {
  const w: Working = { state, rotated: new Map(state.rotated.map((r) => [r.key, r])) };
  const unapplied = (p: WalkEvent, why: UnappliedEvent['why'], detail: string) =>
    state.unapplied.push({ seq: p.seq, id: p.id, why, detail });
  let n = from;
  let i = 0;
  for (;;) {
    let j = i;
    while (j < A.length && A[j]!.seq === n) j++;
    const L: WalkEvent[] = [];
    for (let k = i; k < j; k++) {
      const fault = authorise(w, A[k]!);
      if (fault) unapplied(A[k]!, fault.why, fault.detail);
      else L.push(A[k]!);
    }
    if (L.length >= 2) {
      // SPEC §8.5: two or more authorised events at one seq → fork; keep all as evidence; stop.
      const ids = L.map((p) => p.id);
      state.forks.push({ seq: n, events: L.map((p) => p.obj), ids });
      state.end = { kind: 'fork', seq: n, ids };
      for (const p of L) unapplied(p, 'fork', `${L.length} authorised events at seq ${n}`);
      i = j;
      break;
    }
    if (L.length === 1) {
      const e = L[0]!;
      if (e.created_at > now + CLOCK_SKEW_SECONDS) {
        state.end = { kind: 'pending', seq: n, id: e.id };
        unapplied(
          e,
          'event_in_future',
          `created_at ${e.created_at} is ${e.created_at - now} s ahead`,
        );
        i = j;
        break;
      }
      const fault = checkContent(w, e);
      if (fault) {
        state.end = { kind: 'halted', seq: n, id: e.id, why: fault.why, detail: fault.detail };
        unapplied(e, fault.why, fault.detail);
        i = j;
        break;
      }
      applyEvent(w, e);
      n++;
      i = j;
      continue;
    }
    // L is empty: a gap only if the current primary or a live device signed something later
    // (junk from other keys cannot make a chain look incomplete).
    let gap = false;
    for (let k = i; k < A.length && !gap; k++) {
      const role = roleAt(state, A[k]!.signer.text, A[k]!.created_at, w.rotated).kind;
      gap = role === 'primary' || role === 'device';
    }
    state.end = gap ? { kind: 'gap', seq: n } : { kind: 'complete' };
    i = j;
    break;
  }
  for (; i < A.length; i++) {
    const p = A[i]!;
    if (state.end.kind !== 'complete') {
      unapplied(p, 'not_reached', `the walk stopped at seq ${n}`);
      continue;
    }
    const role = roleAt(state, p.signer.text, p.created_at, w.rotated);
    const why =
      role.kind === 'rotated'
        ? 'key_rotated'
        : role.kind === 'device_revoked' || role.kind === 'device_expired'
          ? role.kind
          : 'not_in_chain';
    unapplied(p, why, `signer ${p.signer.text} may not extend the chain`);
  }
}
