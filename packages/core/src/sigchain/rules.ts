/**
 * The walk's rules for one authentic event against the state before it:
 * `authorise` (SPEC §8.5 step 3, §8.6), `checkContent` (§8.1, §8.2, times)
 * and `applyEvent` (§8.7). Kept apart so fork siblings are judged against
 * the same state.
 */
import { EVENT_OPS } from './event.js';
import type { ChainEvent } from './event.js';
import type { EventFault } from './faults.js';
import type { WalkEvent } from './prepare.js';
import type { ChainPoint, ChainState, DeviceInfo, RotatedKey } from './state.js';

/** The state being built, with an index of the rotated-away keys. */
export interface Working {
  state: ChainState;
  rotated: Map<string, RotatedKey>;
}

export interface Fault {
  why: EventFault;
  detail: string;
}

/** What a key is to the chain as of the state, at unix time `at` (device expiry: `at >= expires_at`). */
export type KeyRole =
  | { kind: 'primary' }
  | { kind: 'rotated'; rotated: RotatedKey }
  | { kind: 'device'; device: DeviceInfo }
  | { kind: 'device_revoked'; device: DeviceInfo }
  | { kind: 'device_expired'; device: DeviceInfo }
  | { kind: 'unknown' };

/** SPEC §8.6: a device is live at t if added, not revoked, and t < expires_at (if any). */
export function roleAt(
  state: ChainState,
  key: string,
  at: number,
  rotated?: ReadonlyMap<string, RotatedKey>,
): KeyRole {
  if (key === state.current) return { kind: 'primary' };
  const device = Object.hasOwn(state.devices, key) ? state.devices[key] : undefined;
  if (device) {
    if (device.revoked) return { kind: 'device_revoked', device };
    if (device.expires_at !== undefined && at >= device.expires_at)
      return { kind: 'device_expired', device };
    return { kind: 'device', device };
  }
  const r = rotated ? rotated.get(key) : state.rotated.find((x) => x.key === key);
  return r ? { kind: 'rotated', rotated: r } : { kind: 'unknown' };
}

const DEVICE_OPS: readonly unknown[] = ['add', 'revoke'];
const KNOWN_OPS: readonly unknown[] = EVENT_OPS;

/**
 * SPEC §8.5 step 3: does `p` link to the applied head and is its signer
 * authorised (§8.6) for its op? null when it belongs in L.
 */
export function authorise(w: Working, p: WalkEvent): Fault | null {
  const s = w.state;
  if (p.seq === 1) {
    if (p.prev !== null) return { why: 'bad_prev', detail: 'seq 1 must have prev null' };
    if (p.signer.text !== s.chain)
      return { why: 'bad_genesis', detail: `seq 1 is signed by ${p.signer.text}, not ${s.chain}` };
    return null;
  }
  if (p.prev !== s.head!.id)
    return {
      why: 'bad_prev',
      detail: `prev ${p.prev} is not seq ${s.head!.seq}'s id ${s.head!.id}`,
    };
  const role = roleAt(s, p.signer.text, p.created_at, w.rotated);
  switch (role.kind) {
    case 'primary':
      return null;
    case 'device':
      // SPEC §8.6: devices sign add and revoke; an unknown op by a live device is authorised (and then halts).
      if (DEVICE_OPS.includes(p.op) || !KNOWN_OPS.includes(p.op)) return null;
      return {
        why: 'device_not_allowed',
        detail: `device ${p.signer.text} may not sign ${String(p.op)}`,
      };
    case 'device_revoked':
      return {
        why: 'device_revoked',
        detail: `${p.signer.text} was revoked at seq ${role.device.revoked!.seq}`,
      };
    case 'device_expired':
      return {
        why: 'device_expired',
        detail: `${p.signer.text} expired at ${role.device.expires_at}`,
      };
    case 'rotated':
      return {
        why: 'key_rotated',
        detail: `${p.signer.text} was rotated away at seq ${role.rotated.at.seq}`,
      };
    case 'unknown':
      return {
        why: 'not_in_chain',
        detail: `${p.signer.text} is not a key or device of the chain`,
      };
  }
}

/** Key refs this chain used as primary keys: the chain id and every key rotated into. */
function isPrimaryKey(w: Working, key: string): boolean {
  return key === w.state.chain || key === w.state.current || w.rotated.has(key);
}

/**
 * SPEC §8.5 step 3, the one authorised event at its seq: halt when it is
 * malformed (§8.1, §8.2 against the state), has an unknown op, or goes back
 * in time.
 */
export function checkContent(w: Working, p: WalkEvent): Fault | null {
  if ('why' in p.strict) return p.strict;
  const s = w.state;
  if (s.head && p.created_at < s.head.at)
    return {
      why: 'time_went_backwards',
      detail: `created_at ${p.created_at} is before seq ${s.head.seq}'s ${s.head.at}`,
    };
  const ev: ChainEvent = p.strict.event;
  const bad = (detail: string): Fault => ({ why: 'malformed', detail });
  switch (ev.op) {
    case 'add': {
      if (!p.claimOk) return bad(`the added claim's signature does not verify`);
      const claim = ev.claim;
      if (claim.key === s.current) {
        if (claim.primary !== undefined)
          return bad('a claim by the current primary key must not name a "primary"');
        return null;
      }
      // SPEC §8.2: a device signer adds only its own claims or the current primary's.
      if (ev.signer !== s.current && claim.key !== ev.signer)
        return bad(`device ${ev.signer} may not add a claim by ${claim.key}`);
      if (roleAt(s, claim.key, ev.created_at, w.rotated).kind !== 'device')
        return bad(`claim key ${claim.key} is neither the current primary key nor a live device`);
      if (claim.primary === undefined || !isPrimaryKey(w, claim.primary))
        return bad('a device claim must name the chain id or a key rotated into as "primary"');
      return null;
    }
    case 'revoke':
      return null;
    case 'rotate':
      if (isPrimaryKey(w, ev.new_key) || Object.hasOwn(s.devices, ev.new_key))
        return bad(`new_key ${ev.new_key} was already used in this chain`);
      return null;
    case 'add_device':
      if (isPrimaryKey(w, ev.device) || Object.hasOwn(s.devices, ev.device))
        return bad(`${ev.device} is already a key or device of this chain`);
      return null;
    case 'revoke_device': {
      const d = Object.hasOwn(s.devices, ev.device) ? s.devices[ev.device] : undefined;
      if (!d) return bad(`${ev.device} is not a device of this chain`);
      if (d.revoked) return bad(`${ev.device} was already revoked at seq ${d.revoked.seq}`);
      return null;
    }
  }
}

/** SPEC §8.7: apply an event that passed authorise and checkContent. */
export function applyEvent(w: Working, p: WalkEvent): void {
  const s = w.state;
  const ev = (p.strict as { event: ChainEvent }).event;
  const point: ChainPoint = { seq: p.seq, id: p.id, at: p.created_at };
  switch (ev.op) {
    case 'add': {
      const id = p.claimId!;
      // Already present: no effect; a revoked claim stays revoked (SPEC §9.3: revocation is final).
      if (!Object.hasOwn(s.liveClaims, id) && !Object.hasOwn(s.revokedClaims, id))
        s.liveClaims[id] = { claim: ev.claim, added: point };
      break;
    }
    case 'revoke': {
      if (Object.hasOwn(s.revokedClaims, ev.target)) break;
      const live = Object.hasOwn(s.liveClaims, ev.target) ? s.liveClaims[ev.target] : undefined;
      const r: ChainState['revokedClaims'][string] = { revoked: point };
      if (live) {
        r.claim = live.claim;
        r.added = live.added;
        delete s.liveClaims[ev.target];
      }
      if (ev.reason !== undefined) r.reason = ev.reason;
      s.revokedClaims[ev.target] = r;
      break;
    }
    case 'rotate': {
      const r: RotatedKey = { key: s.current!, at: point };
      s.rotated.push(r);
      w.rotated.set(r.key, r);
      s.current = ev.new_key;
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
}
