/**
 * Fast ed25519 chain building for tests and benches: signs with node:crypto
 * (OpenSSL) instead of the suite, which self-checks every signature. The
 * events are exactly what createEvent makes; only the signing path differs.
 */
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { eventId, formatKeyRef, signingDigest, toHex } from '@kez/core';
import type { ChainEvent, Claim } from '@kez/core';

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface FastKey {
  ref: string;
  sign(digest: Uint8Array): string;
}

export function fastKey(seed: Uint8Array): FastKey {
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const pub = new Uint8Array(spki.subarray(spki.length - 32));
  return {
    ref: formatKeyRef('ed25519', pub),
    sign: (digest) => toHex(sign(null, digest, key)),
  };
}

/** Seed i of a deterministic family of test keys. */
export function seed(family: number, i: number): Uint8Array {
  const s = new Uint8Array(32);
  s[0] = family;
  new DataView(s.buffer).setUint32(1, i);
  return s;
}

export function fastClaim(k: FastKey, subject: string, at: number): Claim {
  const c = { kez: '0.2', type: 'claim', subject, key: k.ref, created_at: at } as Omit<
    Claim,
    'sig'
  >;
  return { ...c, sig: k.sign(signingDigest('claim', c)) } as Claim;
}

export type OpBody =
  | { op: 'add'; claim: Claim }
  | { op: 'revoke'; target: string }
  | { op: 'add_device'; device: string; name?: string }
  | { op: 'revoke_device'; device: string };

/** The event after `prev`, signed by `k` (the chain key for genesis). */
export function fastEvent(
  prev: ChainEvent | null,
  body: OpBody,
  k: FastKey,
  at: number,
): ChainEvent {
  const e: Record<string, unknown> = {
    kez: '0.2',
    type: 'event',
    chain: prev ? prev.chain : k.ref,
    seq: prev ? prev.seq + 1 : 1,
    prev: prev ? eventId(prev) : null,
    created_at: at,
    signer: k.ref,
    ...body,
  };
  e.sig = k.sign(signingDigest('event', e));
  return e as unknown as ChainEvent;
}

/**
 * A chain of `n` events by one key: a genesis add, then the ops `pick(i)` names,
 * each add with a fresh claim, each add_device with a fresh device key.
 */
export function buildChain(
  n: number,
  pick: (i: number) => 'add' | 'revoke' | 'add_device',
  t0 = 1764000000,
): { key: FastKey; events: ChainEvent[] } {
  const key = fastKey(seed(1, 0));
  const events: ChainEvent[] = [];
  let prev: ChainEvent | null = null;
  for (let i = 0; i < n; i++) {
    const op = i === 0 ? 'add' : pick(i);
    const at = t0 + i;
    const body: OpBody =
      op === 'add'
        ? { op, claim: fastClaim(key, `github:user${i}`, at) }
        : op === 'revoke'
          ? { op, target: toHex(seed(3, i)) }
          : { op, device: fastKey(seed(2, i)).ref };
    prev = fastEvent(prev, body, key, at);
    events.push(prev);
  }
  return { key, events };
}
