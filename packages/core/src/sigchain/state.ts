/** What processing a sigchain yields (SPEC §8.8): the state, how the walk ended, and the evidence. */
import type { Claim } from '../claim.js';
import type { EventFault } from './faults.js';

/** A JSON object as it arrived: authentic events may carry ops and fields this version does not know. */
export type EventObject = { [k: string]: unknown };

/** Where in the chain something happened: the event's seq, id and created_at. */
export interface ChainPoint {
  seq: number;
  id: string;
  at: number;
}

/** A primary key that handed over to another; `at` is its rotate event. */
export interface RotatedKey {
  key: string;
  at: ChainPoint;
}

export interface LiveClaim {
  claim: Claim;
  /** The add event. */
  added: ChainPoint;
}

/** SPEC §8.7: a revoke needs no add; the claim is known only when it was added. */
export interface RevokedClaim {
  claim?: Claim;
  added?: ChainPoint;
  /** The (first) revoke event. */
  revoked: ChainPoint;
  reason?: string;
}

export interface DeviceInfo {
  name?: string;
  expires_at?: number;
  added: ChainPoint;
  revoked?: ChainPoint;
}

/** How the walk ended (SPEC §8.5 step 4). */
export type ChainEnd =
  | { kind: 'complete' }
  | { kind: 'fork'; seq: number; ids: string[] }
  | { kind: 'gap'; seq: number }
  | { kind: 'halted'; seq: number; id: string; why: EventFault; detail: string }
  | { kind: 'pending'; seq: number; id: string };

export interface ChainFork {
  seq: number;
  /** Every authorised event at `seq`, ordered by id: the evidence. */
  events: EventObject[];
  ids: string[];
}

/** An authentic event that was not applied, and why. */
export interface UnappliedEvent {
  seq: number;
  id: string;
  why: EventFault;
  detail: string;
}

/** A candidate dropped before the walk: ill-typed, another chain, or not authentic. */
export interface DroppedEvent {
  /** Position in the input. */
  index: number;
  seq: number | null;
  id: string | null;
  why: EventFault;
  detail: string;
}

export interface ChainState {
  /** The chain id `C`: key ref of the genesis key (null when no candidate named one). */
  chain: string | null;
  /** The primary key now: `C` until a rotate. */
  current: string | null;
  /** Keys rotated away, in order. */
  rotated: RotatedKey[];
  /** device key ref → its add (and revoke). */
  devices: Record<string, DeviceInfo>;
  /** claim id → the claim and its add event; revoked ids never appear here. */
  liveClaims: Record<string, LiveClaim>;
  /** claim id → its revoke (and the claim, when it was added). */
  revokedClaims: Record<string, RevokedClaim>;
  /** The last applied event; null when none applied. */
  head: ChainPoint | null;
  end: ChainEnd;
  forks: ChainFork[];
  unapplied: UnappliedEvent[];
  dropped: DroppedEvent[];
  /** Every authentic event (SPEC §8.5 step 2), once, by seq then id: what a bundle carries (§8.9). */
  events: EventObject[];
}
