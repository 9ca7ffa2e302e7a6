/**
 * Sigchain events (SPEC §8.1): the five ops, a strict parser, the event id,
 * and builders that sign. Event id = hex SHA-256 of the JCS of the whole event.
 */
import { toHex } from '../bytes.js';
import { parseClaimParts } from '../claim.js';
import type { Claim, ClaimParts } from '../claim.js';
import { InputError } from '../errors.js';
import { formatKeyRef, parseKeyRef } from '../keys.js';
import type { KeyRef } from '../keys.js';
import { objectId, signingDigest } from '../signing.js';
import { getSuite } from '../suites/index.js';
import type { SuiteName } from '../suites/index.js';

/** SPEC §8.2: longest `name` of a device and `reason` of a revoke, in Unicode code points. */
export const MAX_DEVICE_NAME = 64;
export const MAX_REVOKE_REASON = 256;

export const EVENT_OPS = ['add', 'revoke', 'rotate', 'add_device', 'revoke_device'] as const;
export type EventOp = (typeof EVENT_OPS)[number];

interface EventBase {
  kez: '0.2';
  type: 'event';
  /** Key ref of the genesis key: the chain's id for its whole life. */
  chain: string;
  /** 1-based, +1 per event. */
  seq: number;
  /** Event id of the event at seq-1; null only at seq 1. */
  prev: string | null;
  created_at: number;
  /** The current primary key, or a live device (devices sign only add and revoke). */
  signer: string;
  /** Signer's signature over digest("event", event without sig). */
  sig: string;
}

export interface AddEvent extends EventBase {
  op: 'add';
  claim: Claim;
}
export interface RevokeEvent extends EventBase {
  op: 'revoke';
  /** Claim id of a live claim. */
  target: string;
  reason?: string;
}
export interface RotateEvent extends EventBase {
  op: 'rotate';
  new_key: string;
  /** New key's signature over digest("rotate-countersign", event without sig and countersig). */
  countersig: string;
}
export interface AddDeviceEvent extends EventBase {
  op: 'add_device';
  device: string;
  name?: string;
  expires_at?: number;
}
export interface RevokeDeviceEvent extends EventBase {
  op: 'revoke_device';
  device: string;
}

export type ChainEvent = AddEvent | RevokeEvent | RotateEvent | AddDeviceEvent | RevokeDeviceEvent;

const BASE_FIELDS = ['kez', 'type', 'chain', 'seq', 'prev', 'created_at', 'signer', 'op', 'sig'];
const OP_FIELDS: Record<EventOp, readonly string[]> = {
  add: ['claim'],
  revoke: ['target', 'reason'],
  rotate: ['new_key', 'countersig'],
  add_device: ['device', 'name', 'expires_at'],
  revoke_device: ['device'],
};
const ALLOWED = Object.fromEntries(
  EVENT_OPS.map((op) => [op, new Set([...BASE_FIELDS, ...OP_FIELDS[op]])]),
) as Record<EventOp, Set<string>>;

/**
 * Each op's fields in RFC 8785 order, with the JCS text of the name: a strict
 * event's members can be written without listing and sorting its keys.
 */
export const SORTED_FIELDS = {} as Record<
  EventOp,
  readonly (readonly [name: string, head: string])[]
>;
for (const op of EVENT_OPS)
  SORTED_FIELDS[op] = [...ALLOWED[op]].sort().map((k) => [k, JSON.stringify(k) + ':'] as const);

/** Parses key refs once per validation run: a chain names the same few keys over and over. */
export type KeyCache = Map<string, KeyRef>;

/** What reading an event yields beyond the event: the keys it names, parsed. */
export interface EventShape {
  event: ChainEvent;
  signer: KeyRef;
  /** rotate: the new key. */
  newKey?: KeyRef;
  /** add: the claim's key. */
  claimKey?: KeyRef;
  /** add: the claim as read, with its signature bytes and digest. */
  claim?: ClaimParts;
}

function isOp(v: unknown): v is EventOp {
  return typeof v === 'string' && (EVENT_OPS as readonly string[]).includes(v);
}

function isTimestamp(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function keyField(v: unknown, what: string, cache: KeyCache): KeyRef {
  if (typeof v !== 'string') throw new InputError(`event "${what}" must be a key ref string`);
  const hit = cache.get(v);
  if (hit) return hit;
  const ref = parseKeyRef(v);
  if (ref.text !== v)
    throw new InputError(`event "${what}" must be in canonical form <suite>:<lowercase hex>`);
  cache.set(v, ref);
  return ref;
}

const HEX_RE = { 32: /^[0-9a-f]{64}$/, 64: /^[0-9a-f]{128}$/ } as const;

function hexField(v: unknown, bytes: 32 | 64, what: string): void {
  if (typeof v !== 'string' || !HEX_RE[bytes].test(v))
    throw new InputError(`event "${what}" must be ${bytes * 2} lowercase hex characters`);
}

function textField(v: unknown, max: number, what: string): void {
  if (typeof v !== 'string') throw new InputError(`event "${what}" must be a string`);
  // Code points, not UTF-16 units, so every language counts alike.
  let n = 0;
  for (const _ of v)
    if (++n > max) throw new InputError(`event "${what}" is longer than ${max} characters`);
}

/**
 * Check that a parsed JSON value is a well-formed event (SPEC §8.1, §8.2): known
 * op, no unknown fields, right types, canonical key refs, a well-formed claim
 * in `add`. Says nothing about signatures or chain rules. Throws InputError.
 */
export function readEvent(
  value: unknown,
  cache: KeyCache = new Map(),
  /** prepareEvent has already checked "prev" and "sig" (the hex checks are a good part of the cost). */
  hexChecked = false,
): EventShape {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InputError('event must be a JSON object');
  const o = value as Record<string, unknown>;
  if (o.kez !== '0.2') throw new InputError('event "kez" must be "0.2"');
  if (o.type !== 'event') throw new InputError('event "type" must be "event"');
  if (typeof o.op !== 'string') throw new InputError('event "op" must be a string');
  if (!isOp(o.op)) throw new InputError(`unknown op "${o.op.slice(0, 40)}"`);
  const op = o.op;
  for (const k of Object.keys(o)) {
    if (!ALLOWED[op].has(k))
      throw new InputError(`event (op ${op}) has an unknown field "${k.slice(0, 40)}"`);
  }
  keyField(o.chain, 'chain', cache);
  if (typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq) || o.seq < 1)
    throw new InputError('event "seq" must be an integer >= 1');
  if (o.prev !== null && !hexChecked) hexField(o.prev, 32, 'prev');
  if (!isTimestamp(o.created_at))
    throw new InputError('event "created_at" must be a non-negative integer (unix seconds)');
  const signer = keyField(o.signer, 'signer', cache);
  if (!hexChecked) hexField(o.sig, 64, 'sig');
  const shape: EventShape = { event: o as unknown as ChainEvent, signer };
  switch (op) {
    case 'add': {
      if (o.claim === undefined) throw new InputError('add event has no "claim"');
      shape.claim = parseClaimParts(o.claim);
      shape.claimKey = keyField(shape.claim.claim.key, 'claim.key', cache);
      break;
    }
    case 'revoke':
      if (o.target === undefined) throw new InputError('revoke event has no "target"');
      hexField(o.target, 32, 'target');
      if (o.reason !== undefined) textField(o.reason, MAX_REVOKE_REASON, 'reason');
      break;
    case 'rotate':
      if (o.new_key === undefined) throw new InputError('rotate event has no "new_key"');
      shape.newKey = keyField(o.new_key, 'new_key', cache);
      // SPEC §8.3: the new key must countersign; without it the hand-over proves nothing.
      if (o.countersig === undefined) throw new InputError('rotate event has no "countersig"');
      hexField(o.countersig, 64, 'countersig');
      break;
    case 'add_device':
      if (o.device === undefined) throw new InputError('add_device event has no "device"');
      keyField(o.device, 'device', cache);
      if (o.name !== undefined) textField(o.name, MAX_DEVICE_NAME, 'name');
      if (o.expires_at !== undefined) {
        if (!isTimestamp(o.expires_at))
          throw new InputError('event "expires_at" must be a non-negative integer (unix seconds)');
        if (o.expires_at <= o.created_at)
          throw new InputError('event "expires_at" must be after "created_at"');
      }
      break;
    case 'revoke_device':
      if (o.device === undefined) throw new InputError('revoke_device event has no "device"');
      keyField(o.device, 'device', cache);
      break;
  }
  return shape;
}

/**
 * Parse an event strictly (SPEC §8.1, §8.2): structure only, not signatures or
 * chain rules (validateChain does those). Throws InputError.
 * @example parseEvent(parseJson(line)).seq
 */
export function parseEvent(value: unknown): ChainEvent {
  return readEvent(value).event;
}

/**
 * Event id: hex SHA-256 of the JCS of the whole event, sig included (SPEC §8.4).
 * @example next.prev === eventId(prev)
 */
export function eventId(event: ChainEvent): string {
  return objectId(event);
}

/** The op-specific part of a new event. A rotate carries the new secret key, which countersigns. */
export type EventFields =
  | { op: 'add'; claim: Claim }
  | { op: 'revoke'; target: string; reason?: string }
  | { op: 'rotate'; newSecretKey: Uint8Array; newSuite: SuiteName }
  | { op: 'add_device'; device: string; name?: string; expires_at?: number }
  | { op: 'revoke_device'; device: string };

/**
 * Build and sign the event that follows `prev` (null: the genesis, whose
 * signer becomes the chain key). `created_at` is `now`, or the previous
 * event's time when the clock reads earlier (SPEC §8.5: times never decrease).
 * Chain rules (is the target live, may this key sign) are not checked here:
 * validate the chain with the new event before publishing it.
 * @example
 * const genesis = await createEvent(null, { op: 'add', claim }, sk, 'ed25519', now);
 * const next = await createEvent(genesis, { op: 'revoke', target: claimId(claim) }, sk, 'ed25519', now);
 */
export async function createEvent(
  prev: ChainEvent | null,
  fields: EventFields,
  signerSecret: Uint8Array,
  suite: SuiteName,
  now: number,
): Promise<ChainEvent> {
  if (!Number.isSafeInteger(now) || now < 0)
    throw new RangeError('"now" expected unix seconds, got ' + String(now));
  const s = getSuite(suite);
  const signer = formatKeyRef(s.name, s.getPublicKey(signerSecret));
  const unsigned: Record<string, unknown> = {
    kez: '0.2',
    type: 'event',
    chain: prev ? prev.chain : signer,
    seq: prev ? prev.seq + 1 : 1,
    prev: prev ? eventId(prev) : null,
    created_at: prev ? Math.max(now, prev.created_at) : now,
    signer,
    op: fields.op,
  };
  if (fields.op === 'rotate') {
    const ns = getSuite(fields.newSuite);
    unsigned.new_key = formatKeyRef(ns.name, ns.getPublicKey(fields.newSecretKey));
    const counter = await ns.sign(
      signingDigest('rotate-countersign', unsigned, ['sig', 'countersig']),
      fields.newSecretKey,
    );
    unsigned.countersig = toHex(counter);
  } else {
    for (const [k, v] of Object.entries(fields)) if (k !== 'op' && v !== undefined) unsigned[k] = v;
  }
  const sig = await s.sign(signingDigest('event', unsigned), signerSecret);
  return parseEvent({ ...unsigned, sig: toHex(sig) });
}
