/**
 * Why a sigchain event was dropped or not applied (SPEC §8.5, §8.8
 * `unapplied`). These describe events, not verification results: what a
 * chain means for a claim is a reason code from reasons.ts (SPEC §9.3).
 */
export const EVENT_FAULTS = {
  // dropped before the walk (SPEC §8.5 steps 1–2): not well-typed, not this chain, not authentic
  malformed: 'the event is not well-formed',
  weak_key: 'the signer key (or new_key) fails the key checks',
  wrong_chain: 'the event belongs to another chain',
  bad_signature: "the event's signature does not verify for its signer",
  missing_countersig: 'the rotate event has no countersignature by the new key',
  bad_countersig: "the new key's countersignature does not verify",

  // authentic but not applied (SPEC §8.5 step 3)
  bad_prev: 'prev is not the id of the applied event before it (or not null at seq 1)',
  bad_genesis: 'seq 1 is not signed by the chain key',
  key_rotated: 'the signer had been rotated away',
  device_revoked: 'the signer is a revoked device',
  device_expired: 'the signer is a device past its expires_at',
  device_not_allowed: 'a device may sign only add and revoke',
  not_in_chain: 'the signer is neither the current primary key nor a device of the chain',
  fork: 'another authorised event has the same seq',
  event_in_future: 'the event is dated more than 300 s ahead of now (pending)',
  unknown_op: 'the op is not one this version knows (the chain halts here)',
  time_went_backwards: 'created_at is before the previous event (the chain halts here)',
  not_reached: 'the walk stopped before this seq',
} as const;

export type EventFault = keyof typeof EVENT_FAULTS;
