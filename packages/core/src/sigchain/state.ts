/** What validating a sigchain yields (SPEC §8.4): the typed state and the evidence against it. */
import type { Claim } from '../claim.js';
import type { ChainEvent } from './event.js';

/** Where in the chain something happened: the event's seq, id and created_at. */
export interface ChainPoint {
  seq: number;
  id: string;
  at: number;
}

/** One primary key's time in office. `to` is the rotate event that handed over; absent for the current key. */
export interface KeyPeriod {
  key: string;
  from: ChainPoint;
  to?: ChainPoint;
}

export interface LiveClaim {
  claim: Claim;
  /** The add event. */
  added: ChainPoint;
}

export interface RevokedClaim {
  claim: Claim;
  added: ChainPoint;
  /** The revoke event. */
  revoked: ChainPoint;
  reason?: string;
}

export interface DeviceInfo {
  name?: string;
  expires_at?: number;
  added: ChainPoint;
  revoked?: ChainPoint;
}

export interface ChainFork {
  seq: number;
  /** Every validly signed, rule-abiding event found at `seq`, ordered by id: the evidence. */
  events: ChainEvent[];
  ids: string[];
}

export interface ChainProblem {
  /** null when the event was too broken to say where it belongs. */
  seq: number | null;
  reason: string;
  detail: string;
  /** The offending event's id, when it could be computed. */
  id?: string;
}

/**
 * - ok: every event applies, nothing was ignored.
 * - fork: two or more valid events at one seq; the state stops before it.
 * - gap: a seq is missing; the state stops before it.
 * - invalid: an event breaks a rule (the state stops before it), or a broken
 *   event was ignored beside a valid one at its seq (the state goes on).
 */
export type ChainStatus = 'ok' | 'fork' | 'invalid' | 'gap';

export interface ChainState {
  /** The chain id: key ref of the genesis key (null when not even that is known). */
  chain: string | null;
  /** The last applied event; null when nothing applied. */
  head: ChainPoint | null;
  /** The primary key now; null when nothing applied. */
  currentKey: string | null;
  /** Every primary key in order, genesis first. */
  keyHistory: KeyPeriod[];
  /** claim id → the claim and the event that added it. */
  liveClaims: Record<string, LiveClaim>;
  /** claim id → the claim, its add and its revoke. */
  revokedClaims: Record<string, RevokedClaim>;
  /** device key ref → its add (and revoke). */
  devices: Record<string, DeviceInfo>;
  forks: ChainFork[];
  status: ChainStatus;
  problems: ChainProblem[];
  /** seq of the last applied event (0: none). */
  appliedThrough: number;
}
