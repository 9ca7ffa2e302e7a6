/**
 * What a processed sigchain carries for extendChain beyond its state, and
 * the list work extending needs: sorted search and merge of authentic
 * events, and a copy of a complete state to walk on from.
 */
import type { WalkEvent } from './prepare.js';
import type { ChainState } from './state.js';

/**
 * What extendChain needs of a processed prefix beyond its state. Kept off
 * the state object (a WeakMap), so ChainState's shape, equality and JSON are
 * what they always were; a copied or deserialized state has no trail.
 */
export interface Trail {
  /** Candidates processed so far: the input index of the next one. */
  inputs: number;
  /** Every authentic event, by seq then id. Never mutated: states share it. */
  authentic: readonly WalkEvent[];
}

export const trails = new WeakMap<ChainState, Trail>();

export const bySeqThenId = (a: { seq: number; id: string }, b: { seq: number; id: string }) =>
  a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Index of the first event of `A` (sorted by seq then id) not before (seq, id). */
export function lowerBound(A: readonly WalkEvent[], seq: number, id = ''): number {
  let lo = 0;
  let hi = A.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bySeqThenId(A[mid]!, { seq, id }) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Both sorted lists as one, sorted (ids are unique: candidates are deduped first). */
export function merge(a: readonly WalkEvent[], b: readonly WalkEvent[]): readonly WalkEvent[] {
  if (b.length === 0) return a;
  if (a.length === 0 || bySeqThenId(a.at(-1)!, b[0]!) < 0) return a.concat(b);
  const out: WalkEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(bySeqThenId(a[i]!, b[j]!) < 0 ? a[i++]! : b[j++]!);
  return out.concat(a.slice(i), b.slice(j));
}

/**
 * A complete state's applied part, copied so the walk can go on from its
 * head without touching `s`: what the walk mutates (device entries, the
 * claim maps, the lists) is fresh; the rest is shared, never mutated.
 */
export function settledCopy(s: ChainState): ChainState {
  const devices: ChainState['devices'] = {};
  for (const k of Object.keys(s.devices)) devices[k] = { ...s.devices[k]! };
  const h = s.head!.seq;
  return {
    chain: s.chain,
    current: s.current,
    rotated: [...s.rotated],
    devices,
    liveClaims: { ...s.liveClaims },
    revokedClaims: { ...s.revokedClaims },
    head: s.head,
    end: { kind: 'complete' },
    forks: [],
    // Pushed while walking seqs 1..h, so first in the list; the rest are walked again.
    unapplied: s.unapplied.filter((u) => u.seq <= h),
    dropped: [],
    events: [],
  };
}
