/**
 * An event read once for validation: one canonicalization yields the event
 * id, the event's signing digest, the countersign digest (rotate) and the
 * claim's id and digest (add) — SPEC §8.2 semantics, computed without
 * re-canonicalizing the same object.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { fromHex, toHex, utf8 } from '../bytes.js';
import { InputError } from '../errors.js';
import type { KeyRef } from '../keys.js';
import { signingDigestOfJcs } from '../signing.js';
import { MAX_EVENT_BYTES, readEvent } from './event.js';
import type { ChainEvent, KeyCache } from './event.js';
import { canonicalMembers, joinMembers } from './members.js';

export interface PreparedEvent {
  event: ChainEvent;
  /** Event id (SPEC §8.2). */
  id: string;
  signer: KeyRef;
  sig: Uint8Array;
  /** digest("event", event without sig). */
  digest: Uint8Array;
  /** Present for rotate. */
  rotate?: { newKey: KeyRef; countersig: Uint8Array; digest: Uint8Array };
  /** Present for add. */
  claim?: { id: string; key: KeyRef; sig: Uint8Array; digest: Uint8Array };
}

/** Read and hash one event. Throws InputError when it is not a well-formed event. */
export function prepareEvent(value: unknown, cache: KeyCache): PreparedEvent {
  const shape = readEvent(value, cache);
  const ev = shape.event;
  let pre: Record<string, string> = {};
  let claim: PreparedEvent['claim'];
  if (ev.op === 'add') {
    const cm = canonicalMembers(ev.claim as unknown as Record<string, unknown>);
    const full = joinMembers(cm);
    pre = { claim: full };
    claim = {
      id: toHex(sha256(utf8(full))),
      key: shape.claimKey!,
      sig: fromHex(ev.claim.sig, 64, 'claim "sig"'),
      digest: signingDigestOfJcs('claim', joinMembers(cm, ['sig'])),
    };
  }
  const members = canonicalMembers(ev as unknown as Record<string, unknown>, pre);
  const bytes = utf8(joinMembers(members));
  if (bytes.length > MAX_EVENT_BYTES)
    throw new InputError(`event is ${bytes.length} bytes; the limit is ${MAX_EVENT_BYTES}`);
  const prepared: PreparedEvent = {
    event: ev,
    id: toHex(sha256(bytes)),
    signer: shape.signer,
    sig: fromHex(ev.sig, 64, 'event "sig"'),
    digest: signingDigestOfJcs('event', joinMembers(members, ['sig'])),
  };
  if (claim) prepared.claim = claim;
  if (ev.op === 'rotate') {
    prepared.rotate = {
      newKey: shape.newKey!,
      countersig: fromHex(ev.countersig, 64, 'event "countersig"'),
      digest: signingDigestOfJcs('rotate-countersign', joinMembers(members, ['sig', 'countersig'])),
    };
  }
  return prepared;
}
