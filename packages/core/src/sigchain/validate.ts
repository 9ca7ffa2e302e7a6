/**
 * Process a sigchain (SPEC §8.5): parse and dedupe the candidates, drop the
 * ill-typed, foreign and unauthentic ones, then walk seq by seq applying the
 * rules until the chain ends complete, or in a fork, gap, halt or pending
 * event. Never throws on bad data: what is wrong is in the state.
 */
import { CLOCK_SKEW_SECONDS } from '../claim.js';
import type { KeyRef } from '../keys.js';
import { objectId } from '../signing.js';
import { getSuite } from '../suites/index.js';
import type { KeyCache } from './event.js';
import { DropError, prepareEvent } from './prepare.js';
import type { PreparedEvent } from './prepare.js';
import { applyEvent, authorise, checkContent, roleAt } from './rules.js';
import type { Working } from './rules.js';
import type { ChainState, DroppedEvent, UnappliedEvent } from './state.js';

export interface ValidateOptions {
  /** The verifier's clock, unix seconds (SPEC §11.8: events up to 300 s ahead are accepted). */
  now: number;
  /**
   * The chain id `C` (key ref of the genesis key). Verifiers know it and
   * should pass it. Default: the `chain` of the lowest seq-1 candidate signed
   * by its own chain key, else of the lowest candidate.
   */
  chain?: string;
  /** Signature checks in flight at once (default 32); WebCrypto runs them on its thread pool. */
  concurrency?: number;
}

interface SigResults {
  event: boolean;
  counter: boolean;
  claim: boolean;
}

function verifyOne(key: KeyRef, sig: Uint8Array, digest: Uint8Array): Promise<boolean> {
  // Suite.verify never throws on bad data (suites/types.ts); it returns false.
  return getSuite(key.suite).verify(sig, digest, key.publicKey);
}

/** Each signature of an event, checked once (the claim's only when it is well-formed). */
function verifySigs(p: PreparedEvent): Promise<SigResults> {
  if (!p.rotate && !p.claim)
    return verifyOne(p.signer, p.sig, p.digest).then((event) => ({
      event,
      counter: true,
      claim: false,
    }));
  return Promise.all([
    verifyOne(p.signer, p.sig, p.digest),
    p.rotate ? verifyOne(p.rotate.newKey, p.rotate.countersig, p.rotate.digest) : true,
    p.claim ? verifyOne(p.claim.key, p.claim.sig, p.claim.digest) : false,
  ]).then(([event, counter, claim]) => ({ event, counter, claim }));
}

/** Run `fn` over `items` with at most `limit` promises pending. */
async function mapPool<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>) {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

function emptyState(): ChainState {
  return {
    chain: null,
    current: null,
    rotated: [],
    devices: {},
    liveClaims: {},
    revokedClaims: {},
    head: null,
    end: { kind: 'complete' },
    forks: [],
    unapplied: [],
    dropped: [],
    events: [],
  };
}

function readableSeq(v: unknown): number | null {
  const seq = typeof v === 'object' && v !== null ? (v as { seq?: unknown }).seq : undefined;
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1 ? seq : null;
}

function safeId(v: unknown): string | null {
  try {
    return typeof v === 'object' && v !== null ? objectId(v) : null;
  } catch {
    return null;
  }
}

const bySeqThenId = (a: PreparedEvent, b: PreparedEvent) =>
  a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function pickChain(events: readonly PreparedEvent[]): string | null {
  const sorted = [...events].sort(bySeqThenId);
  const genesis = sorted.find((p) => p.seq === 1 && p.signer.text === p.chain);
  return (genesis ?? sorted[0])?.chain ?? null;
}

/**
 * Process a chain given as parsed JSON values, in any order, from any number of sources.
 * @example
 * const state = await validateChain(parseBundle(text), { now, chain: 'ed25519:…' });
 * if (state.end.kind === 'complete') console.log(state.current, Object.keys(state.liveClaims));
 */
export async function validateChain(
  events: readonly unknown[],
  opts: ValidateOptions,
): Promise<ChainState> {
  const state = emptyState();
  if (!Array.isArray(events)) {
    state.end = { kind: 'complete' };
    state.dropped.push({
      index: 0,
      seq: null,
      id: null,
      why: 'malformed',
      detail: 'events must be an array',
    });
    return state;
  }
  const cache: KeyCache = new Map();
  const seen = new Set<string>();
  const drop = (d: DroppedEvent) => state.dropped.push(d);

  // SPEC §8.5 step 1: well-typed candidates, ids, exact duplicates once.
  let kept: PreparedEvent[] = [];
  for (let i = 0; i < events.length; i++) {
    const v: unknown = events[i];
    let p: PreparedEvent;
    try {
      p = prepareEvent(v, i, cache);
    } catch (e) {
      // Values JSON cannot hold (cycles, BigInt, functions) are as malformed as bad JSON.
      const why = e instanceof DropError ? e.why : 'malformed';
      const detail = e instanceof DropError ? e.message : 'not a JSON value';
      const id = safeId(v);
      if (id !== null) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      drop({ index: i, seq: readableSeq(v), id, why, detail });
      continue;
    }
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    kept.push(p);
  }
  const C = opts.chain ?? pickChain(kept);
  state.chain = C;
  state.current = C;
  kept = kept.filter((p) => {
    if (p.chain === C) return true;
    drop({ index: p.index, seq: p.seq, id: p.id, why: 'wrong_chain', detail: `chain ${p.chain}` });
    return false;
  });

  // SPEC §8.5 step 2: authentic = sig verifies for signer (and countersig for new_key).
  const sigs = await mapPool(kept, opts.concurrency ?? 32, verifySigs);
  const claimOk = new Map<PreparedEvent, boolean>();
  const authentic: PreparedEvent[] = [];
  kept.forEach((p, i) => {
    const r = sigs[i]!;
    if (!r.event)
      drop({
        index: p.index,
        seq: p.seq,
        id: p.id,
        why: 'bad_signature',
        detail: `sig does not verify for ${p.signer.text}`,
      });
    else if (!r.counter)
      drop({
        index: p.index,
        seq: p.seq,
        id: p.id,
        why: 'bad_countersig',
        detail: `countersig does not verify for ${p.rotate!.newKey.text}`,
      });
    else {
      authentic.push(p);
      if (p.claim) claimOk.set(p, r.claim);
    }
  });
  state.dropped.sort((a, b) => a.index - b.index);
  authentic.sort(bySeqThenId);
  state.events = authentic.map((p) => p.obj);

  walk(state, authentic, claimOk, opts.now);
  return state;
}

/** SPEC §8.5 step 3 over the authentic events, sorted by seq then id. */
function walk(
  state: ChainState,
  A: readonly PreparedEvent[],
  claimOk: ReadonlyMap<PreparedEvent, boolean>,
  now: number,
): void {
  const w: Working = { state, rotated: new Map() };
  const unapplied = (p: PreparedEvent, why: UnappliedEvent['why'], detail: string) =>
    state.unapplied.push({ seq: p.seq, id: p.id, why, detail });
  let n = 1;
  let i = 0;
  for (;;) {
    let j = i;
    while (j < A.length && A[j]!.seq === n) j++;
    const L: PreparedEvent[] = [];
    for (let k = i; k < j; k++) {
      const fault = authorise(w, A[k]!);
      if (fault) unapplied(A[k]!, fault.why, fault.detail);
      else L.push(A[k]!);
    }
    if (L.length >= 2) {
      // SPEC §8.5: two or more authorised events at one seq → fork; keep all as evidence; stop.
      const ids = L.map((p) => p.id);
      state.forks.push({ seq: n, events: L.map((p) => p.obj), ids });
      state.end = { kind: 'fork', seq: n, ids };
      for (const p of L) unapplied(p, 'fork', `${L.length} authorised events at seq ${n}`);
      i = j;
      break;
    }
    if (L.length === 1) {
      const e = L[0]!;
      if (e.created_at > now + CLOCK_SKEW_SECONDS) {
        state.end = { kind: 'pending', seq: n, id: e.id };
        unapplied(
          e,
          'event_in_future',
          `created_at ${e.created_at} is ${e.created_at - now} s ahead`,
        );
        i = j;
        break;
      }
      const fault = checkContent(w, e, claimOk.get(e) ?? false);
      if (fault) {
        state.end = { kind: 'halted', seq: n, id: e.id, why: fault.why, detail: fault.detail };
        unapplied(e, fault.why, fault.detail);
        i = j;
        break;
      }
      applyEvent(w, e);
      n++;
      i = j;
      continue;
    }
    // L is empty: a gap only if the current primary or a live device signed something later
    // (junk from other keys cannot make a chain look incomplete).
    let gap = false;
    for (let k = i; k < A.length && !gap; k++) {
      const role = roleAt(state, A[k]!.signer.text, A[k]!.created_at, w.rotated).kind;
      gap = role === 'primary' || role === 'device';
    }
    state.end = gap ? { kind: 'gap', seq: n } : { kind: 'complete' };
    i = j;
    break;
  }
  for (; i < A.length; i++) {
    const p = A[i]!;
    if (state.end.kind !== 'complete') {
      unapplied(p, 'not_reached', `the walk stopped at seq ${n}`);
      continue;
    }
    const role = roleAt(state, p.signer.text, p.created_at, w.rotated);
    const why =
      role.kind === 'rotated'
        ? 'key_rotated'
        : role.kind === 'device_revoked' || role.kind === 'device_expired'
          ? role.kind
          : 'not_in_chain';
    unapplied(p, why, `signer ${p.signer.text} may not extend the chain`);
  }
}
