/**
 * SPEC §8.5 step 1 for one candidate: is it a well-typed event, and what are
 * its id and signing digests. One canonicalization yields the event id, the
 * event digest, the countersign digest (rotate) and the claim's id and digest
 * (add): removing a top-level member from a JCS object is the JCS without it.
 */
import { fromHex } from '../bytes.js';
import { KezError } from '../errors.js';
import { parseKeyRef } from '../keys.js';
import type { KeyRef } from '../keys.js';
import { claimJcs } from '../claim.js';
import { objectIdOfJcs, signingDigestOfJcs } from '../signing.js';
import { EVENT_OPS, SORTED_FIELDS, readEvent } from './event.js';
import type { ChainEvent, KeyCache } from './event.js';
import type { EventFault } from './faults.js';
import { canonicalMembers, joinKnown, joinMembers } from './members.js';
import type { Joined } from './members.js';
import type { EventObject } from './state.js';

export interface PreparedEvent {
  index: number;
  obj: EventObject;
  chain: string;
  seq: number;
  prev: string | null;
  created_at: number;
  signer: KeyRef;
  /** The op as written; may be one this version does not know. */
  op: unknown;
  id: string;
  /**
   * The event's JCS (SPEC §4): the text `id` is the hash of. Only when asked for (`keepJcs`):
   * a long chain's prepared events all live until their signatures are checked.
   */
  jcs: string | undefined;
  sig: Uint8Array;
  /** digest("event", event without sig). */
  digest: Uint8Array;
  /** rotate: what the countersignature is checked against. */
  rotate?: { newKey: KeyRef; countersig: Uint8Array; digest: Uint8Array };
  /** The strict reading (SPEC §8.1, §8.2 structure), or why the event would halt the walk. */
  strict: { event: ChainEvent } | { why: 'malformed' | 'unknown_op'; detail: string };
  /** add with a well-formed claim: the claim's id and signature check. */
  claim?: { id: string; key: KeyRef; sig: Uint8Array; digest: Uint8Array };
}

/**
 * What the walk (SPEC §8.5 step 3) needs of an authentic event: its
 * signatures are checked, so the bytes and digests are let go — a state
 * that can be extended (extendChain) keeps these for every authentic event.
 */
export interface WalkEvent {
  obj: EventObject;
  seq: number;
  prev: string | null;
  created_at: number;
  signer: KeyRef;
  op: unknown;
  id: string;
  strict: PreparedEvent['strict'];
  /** add with a well-formed claim: the claim's id. */
  claimId?: string;
  /** add: the claim's signature verified. */
  claimOk: boolean;
}

/** The walk's view of `p`, whose signatures verified; `claimOk`: the added claim's did too. */
export function walkEvent(p: PreparedEvent, claimOk: boolean): WalkEvent {
  const w: WalkEvent = {
    obj: p.obj,
    seq: p.seq,
    prev: p.prev,
    created_at: p.created_at,
    signer: p.signer,
    op: p.op,
    id: p.id,
    strict: p.strict,
    claimOk,
  };
  if (p.claim) w.claimId = p.claim.id;
  return w;
}

/** Thrown inside prepareEvent; becomes a DroppedEvent. */
export class DropError extends Error {
  constructor(
    readonly why: EventFault,
    message: string,
  ) {
    super(message);
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The 64 bytes of a signature field (128 lowercase hex), or a DropError. */
function hex64Bytes(v: unknown, why: EventFault, message: string): Uint8Array {
  if (typeof v !== 'string' || v.length !== 128) throw new DropError(why, message);
  try {
    return fromHex(v, 64, 'sig');
  } catch {
    throw new DropError(why, message);
  }
}

function isUint(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function key(v: unknown, what: string, cache: KeyCache, fault: EventFault): KeyRef {
  if (typeof v !== 'string') throw new DropError('malformed', `"${what}" must be a key ref`);
  const hit = cache.get(v);
  if (hit) return hit;
  let ref: KeyRef;
  try {
    ref = parseKeyRef(v);
  } catch (e) {
    if (!(e instanceof KezError)) throw e;
    throw new DropError(e.code === 'malformed' ? 'malformed' : fault, `"${what}": ${e.message}`);
  }
  if (ref.text !== v) throw new DropError('malformed', `"${what}" is not a canonical key ref`);
  cache.set(v, ref);
  return ref;
}

/** Read one candidate. Throws DropError when SPEC §8.5 steps 1–2 drop it before any signature check. */
export function prepareEvent(
  value: unknown,
  index: number,
  cache: KeyCache,
  keepJcs = false,
): PreparedEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DropError('malformed', 'not a JSON object');
  const o = value as EventObject;
  if (typeof o.chain !== 'string') throw new DropError('malformed', '"chain" must be a key ref');
  if (!isUint(o.seq) || o.seq < 1)
    throw new DropError('malformed', '"seq" must be an integer >= 1');
  if (o.prev !== null && (typeof o.prev !== 'string' || !HEX64.test(o.prev)))
    throw new DropError('malformed', '"prev" must be null or 64 lowercase hex');
  if (!isUint(o.created_at))
    throw new DropError('malformed', '"created_at" must be a non-negative integer');
  const sig = hex64Bytes(o.sig, 'malformed', '"sig" must be 128 lowercase hex');
  const signer = key(o.signer, 'signer', cache, 'weak_key');

  let strict: PreparedEvent['strict'];
  let claim: PreparedEvent['claim'];
  let claimText: string | undefined;
  if (!(EVENT_OPS as readonly unknown[]).includes(o.op)) {
    strict = { why: 'unknown_op', detail: `unknown op ${JSON.stringify(o.op)?.slice(0, 40)}` };
  } else {
    try {
      const shape = readEvent(o, cache, true);
      strict = { event: shape.event };
      if (shape.claim) {
        // readEvent read the claim: its digest and signature bytes are made; its JCS is written directly.
        claimText = claimJcs(shape.claim);
        claim = {
          id: objectIdOfJcs(claimText),
          key: shape.claimKey!,
          sig: shape.claim.sig,
          digest: shape.claim.digest,
        };
      }
    } catch (e) {
      if (!(e instanceof KezError)) throw e;
      strict = { why: 'malformed', detail: e.message };
    }
  }

  let joined: Joined;
  try {
    // A strict event names only its op's fields (readEvent checked): no need to list and sort keys.
    if ('event' in strict) joined = joinKnown(o, SORTED_FIELDS[strict.event.op], claimText);
    else {
      const members = canonicalMembers(o);
      joined = {
        whole: joinMembers(members),
        unsigned: joinMembers(members, ['sig']),
        uncountersigned: joinMembers(members, ['sig', 'countersig']),
      };
    }
  } catch (e) {
    if (!(e instanceof KezError)) throw e;
    throw new DropError('malformed', e.message);
  }
  const p: PreparedEvent = {
    index,
    obj: o,
    chain: o.chain,
    seq: o.seq,
    prev: o.prev as string | null,
    created_at: o.created_at,
    signer,
    op: o.op,
    id: objectIdOfJcs(joined.whole),
    jcs: keepJcs ? joined.whole : undefined,
    sig,
    digest: signingDigestOfJcs('event', joined.unsigned),
    strict,
  };
  if (claim) p.claim = claim;
  if (o.op === 'rotate') {
    // SPEC §8.5 step 2: a rotate is authentic only with the new key's countersignature.
    if (o.countersig === undefined)
      throw new DropError('missing_countersig', 'rotate has no "countersig"');
    const countersig = hex64Bytes(
      o.countersig,
      'bad_countersig',
      '"countersig" must be 128 lowercase hex',
    );
    p.rotate = {
      newKey: key(o.new_key, 'new_key', cache, 'bad_countersig'),
      countersig,
      digest: signingDigestOfJcs('rotate-countersign', joined.uncountersigned),
    };
  }
  return p;
}
