/**
 * The chain rules (SPEC §8.4) for one event against the state before it:
 * `checkEvent` decides, `applyEvent` changes the state. Kept apart so fork
 * siblings are all judged against the same state.
 */
import { CLOCK_SKEW_SECONDS } from '../claim.js';
import type { PreparedEvent } from './prepare.js';
import type { ChainPoint, ChainProblem, ChainState, DeviceInfo, KeyPeriod } from './state.js';

/** Which signatures of an event verified. */
export interface SigResults {
  event: boolean;
  /** add: the claim's own signature. */
  claim?: boolean;
  /** rotate: the new key's countersignature. */
  counter?: boolean;
}

/** The state being built, with an index of every primary key ever used. */
export interface Working {
  state: ChainState;
  keys: Map<string, KeyPeriod>;
}

/** What a key is to the chain as of the state (and, for devices, at time `at`). */
export type KeyRole =
  | { kind: 'primary' }
  | { kind: 'rotated'; period: KeyPeriod }
  | { kind: 'device'; device: DeviceInfo }
  | { kind: 'device_revoked'; device: DeviceInfo }
  | { kind: 'device_expired'; device: DeviceInfo }
  | { kind: 'unknown' };

/** Role of `key` at unix time `at` (device expiry is `at >= expires_at`). */
export function roleAt(
  state: ChainState,
  keys: ReadonlyMap<string, KeyPeriod> | undefined,
  key: string,
  at: number,
): KeyRole {
  if (key === state.currentKey) return { kind: 'primary' };
  const device = Object.hasOwn(state.devices, key) ? state.devices[key] : undefined;
  if (device) {
    if (device.revoked) return { kind: 'device_revoked', device };
    if (device.expires_at !== undefined && at >= device.expires_at)
      return { kind: 'device_expired', device };
    return { kind: 'device', device };
  }
  const period = keys ? keys.get(key) : state.keyHistory.find((p) => p.key === key);
  if (period) return { kind: 'rotated', period };
  return { kind: 'unknown' };
}

/** The current primary or any earlier one. */
function isChainKey(w: Working, key: string): boolean {
  return key === w.state.currentKey || w.keys.has(key);
}

function problem(p: PreparedEvent, reason: string, detail: string): ChainProblem {
  return { seq: p.event.seq, reason, detail, id: p.id };
}

/** Why the signer may not sign this event, or null when it may. */
function checkSigner(w: Working, p: PreparedEvent): ChainProblem | null {
  const ev = p.event;
  const role = roleAt(w.state, w.keys, ev.signer, ev.created_at);
  switch (role.kind) {
    case 'primary':
      return null;
    case 'device':
      // SPEC §8.4: devices sign add and revoke of claims, nothing else.
      if (ev.op === 'add' || ev.op === 'revoke') return null;
      return problem(p, 'device_not_allowed', `device ${ev.signer} may not sign a ${ev.op} event`);
    case 'device_revoked':
      return problem(
        p,
        'device_revoked',
        `signer ${ev.signer} is a device revoked at seq ${role.device.revoked!.seq}`,
      );
    case 'device_expired':
      return problem(
        p,
        'device_expired',
        `signer ${ev.signer} is a device that expired at ${role.device.expires_at}`,
      );
    case 'rotated':
      return problem(
        p,
        'key_rotated',
        `signer ${ev.signer} was rotated away at seq ${role.period.to!.seq}`,
      );
    case 'unknown':
      return problem(p, 'not_in_chain', `signer ${ev.signer} is not a key or device of this chain`);
  }
}

/**
 * Decide whether event `p` may follow the state (SPEC §8.4). Returns the first
 * broken rule, or null. Order: chain, linkage, time, signature, signer, op.
 */
export function checkEvent(
  w: Working,
  p: PreparedEvent,
  sigs: SigResults,
  now: number,
): ChainProblem | null {
  const s = w.state;
  const ev = p.event;
  if (ev.chain !== s.chain)
    return problem(p, 'wrong_chain', `event is for chain ${ev.chain}, not ${s.chain}`);
  if (ev.seq === 1) {
    if (ev.prev !== null) return problem(p, 'bad_genesis', 'seq 1 must have prev null');
    if (ev.signer !== ev.chain)
      return problem(p, 'bad_genesis', `seq 1 is signed by ${ev.signer}, not the chain key`);
  } else {
    if (ev.prev !== s.head!.id)
      return problem(
        p,
        'bad_prev',
        ev.prev === null
          ? `seq ${ev.seq} has prev null`
          : `prev ${ev.prev} is not the id of seq ${s.head!.seq} (${s.head!.id})`,
      );
  }
  // SPEC §8.4: created_at never decreases and is at most 300 s ahead of the verifier.
  if (ev.created_at > now + CLOCK_SKEW_SECONDS)
    return problem(
      p,
      'event_in_future',
      `created_at ${ev.created_at} is ${ev.created_at - now} s ahead of now (skew allowed: ${CLOCK_SKEW_SECONDS} s)`,
    );
  if (s.head && ev.created_at < s.head.at)
    return problem(
      p,
      'time_went_backwards',
      `created_at ${ev.created_at} is before seq ${s.head.seq}'s ${s.head.at}`,
    );
  if (!sigs.event)
    return problem(p, 'bad_signature', `event signature does not verify under ${ev.signer}`);
  const signerProblem = checkSigner(w, p);
  if (signerProblem) return signerProblem;
  switch (ev.op) {
    case 'add': {
      if (!sigs.claim)
        return problem(p, 'bad_signature', `the added claim's signature does not verify`);
      const c = p.claim!;
      if (Object.hasOwn(s.liveClaims, c.id) || Object.hasOwn(s.revokedClaims, c.id))
        return problem(p, 'duplicate_claim', `claim ${c.id} was already added`);
      return checkAddedClaimKey(w, p);
    }
    case 'revoke':
      if (!Object.hasOwn(s.liveClaims, ev.target))
        return problem(
          p,
          'unknown_claim',
          Object.hasOwn(s.revokedClaims, ev.target)
            ? `claim ${ev.target} is already revoked`
            : `claim ${ev.target} was never added`,
        );
      return null;
    case 'rotate':
      if (!sigs.counter)
        return problem(
          p,
          'bad_countersig',
          `countersignature does not verify under the new key ${ev.new_key}`,
        );
      if (isChainKey(w, ev.new_key) || Object.hasOwn(s.devices, ev.new_key))
        return problem(p, 'bad_rotation', `new key ${ev.new_key} was already used by this chain`);
      return null;
    case 'add_device':
      if (isChainKey(w, ev.device) || Object.hasOwn(s.devices, ev.device))
        return problem(
          p,
          'duplicate_device',
          `${ev.device} is already a key or device of the chain`,
        );
      return null;
    case 'revoke_device': {
      const d = Object.hasOwn(s.devices, ev.device) ? s.devices[ev.device] : undefined;
      if (!d) return problem(p, 'unknown_device', `${ev.device} is not a device of the chain`);
      if (d.revoked)
        return problem(
          p,
          'unknown_device',
          `${ev.device} was already revoked at seq ${d.revoked.seq}`,
        );
      return null;
    }
  }
}

/**
 * SPEC §8.4 add: the claim's key is the current primary or a live device;
 * a device claim names the current primary as `primary`; a device adds only
 * its own claims or the primary's.
 */
function checkAddedClaimKey(w: Working, p: PreparedEvent): ChainProblem | null {
  const ev = p.event;
  if (ev.op !== 'add') return null;
  const claim = ev.claim;
  const current = w.state.currentKey;
  const signerIsDevice = ev.signer !== current;
  if (claim.key === current) {
    if (claim.primary !== undefined)
      return problem(p, 'claim_not_allowed', `a claim by the primary key must not name a primary`);
    return null;
  }
  if (signerIsDevice && claim.key !== ev.signer)
    return problem(
      p,
      'claim_not_allowed',
      `device ${ev.signer} may add only its own claims or the primary's, not ${claim.key}'s`,
    );
  const role = roleAt(w.state, w.keys, claim.key, ev.created_at);
  if (role.kind !== 'device')
    return problem(
      p,
      'claim_not_allowed',
      `claim key ${claim.key} is not the current primary or a live device (${role.kind})`,
    );
  if (claim.primary !== current)
    return problem(
      p,
      'claim_not_allowed',
      `device claim must name the current primary ${current} as "primary"`,
    );
  return null;
}

/** Apply an event that passed checkEvent. */
export function applyEvent(w: Working, p: PreparedEvent): void {
  const s = w.state;
  const ev = p.event;
  const point: ChainPoint = { seq: ev.seq, id: p.id, at: ev.created_at };
  if (ev.seq === 1) {
    const genesis: KeyPeriod = { key: ev.chain, from: point };
    s.keyHistory.push(genesis);
    w.keys.set(ev.chain, genesis);
    s.currentKey = ev.chain;
  }
  switch (ev.op) {
    case 'add':
      s.liveClaims[p.claim!.id] = { claim: ev.claim, added: point };
      break;
    case 'revoke': {
      const live = s.liveClaims[ev.target]!;
      delete s.liveClaims[ev.target];
      const r: ChainState['revokedClaims'][string] = { ...live, revoked: point };
      if (ev.reason !== undefined) r.reason = ev.reason;
      s.revokedClaims[ev.target] = r;
      break;
    }
    case 'rotate': {
      s.keyHistory[s.keyHistory.length - 1]!.to = point;
      const next: KeyPeriod = { key: ev.new_key, from: point };
      s.keyHistory.push(next);
      w.keys.set(ev.new_key, next);
      s.currentKey = ev.new_key;
      break;
    }
    case 'add_device': {
      const d: DeviceInfo = { added: point };
      if (ev.name !== undefined) d.name = ev.name;
      if (ev.expires_at !== undefined) d.expires_at = ev.expires_at;
      s.devices[ev.device] = d;
      break;
    }
    case 'revoke_device':
      s.devices[ev.device]!.revoked = point;
      break;
  }
  s.head = point;
  s.appliedThrough = ev.seq;
}
