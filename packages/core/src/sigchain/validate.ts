/**
 * Process a sigchain (SPEC §8.5): parse and dedupe the candidates, drop the
 * ill-typed, foreign and unauthentic ones, then walk seq by seq applying the
 * rules until the chain ends complete, or in a fork, gap, halt or pending
 * event. Never throws on bad data: what is wrong is in the state.
 *
 * extendChain does the same for more candidates added to an already
 * processed set, checking only the new candidates' signatures: what the
 * prefix's processing found is carried beside its state (a Trail).
 */
import { CLOCK_SKEW_SECONDS } from '../claim.js';
import type { KeyRef } from '../keys.js';
import { objectId } from '../signing.js';
import { getSuite } from '../suites/index.js';
import type { KeyCache } from './event.js';
import { DropError, prepareEvent, walkEvent } from './prepare.js';
import type { PreparedEvent, WalkEvent } from './prepare.js';
import type { ChainState, DroppedEvent } from './state.js';
import { bySeqThenId, lowerBound, merge, settledCopy, trails } from './trail.js';
import type { Trail } from './trail.js';
import { walk } from './walk.js';

/** Options of validateChain. */
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
  /**
   * Awaited after every 512 candidates read and every 512 synchronous signature
   * checks, so a server validating a long chain can let other work run
   * (in Node: `yieldToEventLoop` from @kez/core-node). Core has no timers of its own.
   */
  pause?: () => Promise<void>;
  /**
   * When given, set for every candidate read as a well-typed event: the value
   * passed in → its JCS (SPEC §4), the text its id hashes. A store that keeps
   * events as JCS takes it from here instead of canonicalizing each again.
   */
  jcsByValue?: Map<object, string>;
}

/** Options of extendChain: the chain id is the prefix's. */
export type ExtendOptions = Omit<ValidateOptions, 'chain'>;

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

function verifyOneNow(key: KeyRef, sig: Uint8Array, digest: Uint8Array): boolean | undefined {
  return getSuite(key.suite).verifySync(sig, digest, key.publicKey);
}

/** verifySigs without a promise, or undefined when a suite here answers only asynchronously. */
function verifySigsNow(p: PreparedEvent): SigResults | undefined {
  const event = verifyOneNow(p.signer, p.sig, p.digest);
  if (event === undefined) return undefined;
  const counter = p.rotate
    ? verifyOneNow(p.rotate.newKey, p.rotate.countersig, p.rotate.digest)
    : true;
  if (counter === undefined) return undefined;
  const claim = p.claim ? verifyOneNow(p.claim.key, p.claim.sig, p.claim.digest) : false;
  if (claim === undefined) return undefined;
  return { event, counter, claim };
}

/**
 * Every event's signatures: synchronously where the suites can answer now (a
 * native primitive), the rest `limit` at a time through their async primitive.
 */
async function verifyAll(
  kept: readonly PreparedEvent[],
  limit: number,
  pause: (() => Promise<void>) | undefined,
): Promise<SigResults[]> {
  const out = new Array<SigResults>(kept.length);
  const later: number[] = [];
  for (let i = 0; i < kept.length; i++) {
    if (pause && i > 0 && i % PAUSE_EVERY === 0) await pause();
    const r = verifySigsNow(kept[i]!);
    if (r) out[i] = r;
    else later.push(i);
  }
  const rs = await mapPool(later, limit, (i) => verifySigs(kept[i]!));
  for (let k = 0; k < later.length; k++) out[later[k]!] = rs[k]!;
  return out;
}

const PAUSE_EVERY = 512;

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

function emptyState(chain: string | null): ChainState {
  return {
    chain,
    current: chain,
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

function pickChain(events: readonly PreparedEvent[]): string | null {
  const sorted = [...events].sort(bySeqThenId);
  const genesis = sorted.find((p) => p.seq === 1 && p.signer.text === p.chain);
  return (genesis ?? sorted[0])?.chain ?? null;
}

/** A processed prefix: its state and trail. */
interface Prior {
  state: ChainState;
  trail: Trail;
}

/** SPEC §8.5 over `prior`'s candidates followed by `events`, checking only the signatures of `events`. */
async function processCandidates(
  events: readonly unknown[],
  opts: ValidateOptions,
  prior: Prior | null,
): Promise<ChainState> {
  const base = prior?.trail.inputs ?? 0;
  const old = prior?.trail.authentic ?? [];
  const oldDropped = prior?.state.dropped ?? [];
  const droppedIds = new Set<string>();
  for (const d of oldDropped) if (d.id !== null) droppedIds.add(d.id);
  const cache: KeyCache = new Map();
  const seen = new Set<string>();
  // An exact duplicate of a candidate seen before (in `events` or the prefix) counts once.
  const isNew = (id: string, seq: number | null): boolean => {
    if (seen.has(id) || droppedIds.has(id)) return false;
    if (seq !== null) {
      const k = lowerBound(old, seq, id);
      if (k < old.length && old[k]!.id === id) return false;
    }
    seen.add(id);
    return true;
  };
  const dropped: DroppedEvent[] = [];
  const drop = (d: DroppedEvent) => dropped.push(d);

  // SPEC §8.5 step 1: well-typed candidates, ids, exact duplicates once.
  let kept: PreparedEvent[] = [];
  for (let i = 0; i < events.length; i++) {
    if (opts.pause && i > 0 && i % PAUSE_EVERY === 0) await opts.pause();
    const v: unknown = events[i];
    let p: PreparedEvent;
    try {
      p = prepareEvent(v, base + i, cache, opts.jcsByValue !== undefined);
    } catch (e) {
      // Values JSON cannot hold (cycles, BigInt, functions) are as malformed as bad JSON.
      const why = e instanceof DropError ? e.why : 'malformed';
      const detail = e instanceof DropError ? e.message : 'not a JSON value';
      const id = safeId(v);
      const seq = readableSeq(v);
      if (id !== null && !isNew(id, seq)) continue;
      drop({ index: base + i, seq, id, why, detail });
      continue;
    }
    if (p.jcs !== undefined) opts.jcsByValue?.set(v as object, p.jcs);
    if (isNew(p.id, p.seq)) kept.push(p);
  }
  const C = prior ? (prior.state.chain ?? pickChain(kept)) : (opts.chain ?? pickChain(kept));
  kept = kept.filter((p) => {
    if (p.chain === C) return true;
    drop({ index: p.index, seq: p.seq, id: p.id, why: 'wrong_chain', detail: `chain ${p.chain}` });
    return false;
  });

  // SPEC §8.5 step 2: authentic = sig verifies for signer (and countersig for new_key).
  const sigs = await verifyAll(kept, opts.concurrency ?? 32, opts.pause);
  const fresh: WalkEvent[] = [];
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
    else fresh.push(walkEvent(p, r.claim));
  });
  dropped.sort((a, b) => a.index - b.index);
  fresh.sort(bySeqThenId);
  const all = merge(old, fresh);

  // SPEC §8.5 step 3. A complete prefix's walk through its head is the walk of
  // the whole through that seq when nothing new sits at or below the head and
  // the head is not in the future of this `now`: go on from there.
  const ps = prior?.state;
  const h = ps?.head?.seq ?? 0;
  const goOn =
    ps !== undefined &&
    ps.head !== null &&
    ps.end.kind === 'complete' &&
    (fresh.length === 0 || fresh[0]!.seq > h) &&
    ps.head.at <= opts.now + CLOCK_SKEW_SECONDS;
  const state = goOn ? settledCopy(ps) : emptyState(C);
  state.dropped = oldDropped.concat(dropped);
  state.events = all.map((e) => e.obj);
  if (goOn) walk(state, all.slice(lowerBound(all, h + 1)), opts.now, h + 1);
  else walk(state, all, opts.now);
  trails.set(state, { inputs: base + events.length, authentic: all });
  return state;
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
  if (!Array.isArray(events)) {
    const state = emptyState(null);
    state.dropped.push({
      index: 0,
      seq: null,
      id: null,
      why: 'malformed',
      detail: 'events must be an array',
    });
    return state;
  }
  return processCandidates(events, opts, null);
}

/**
 * Process `prev`'s candidates followed by `events`, checking only the
 * signatures of `events`: the result deep-equals
 * `validateChain([...prefix, ...events], { ...opts, chain: prev.chain })`,
 * where `prefix` is every candidate `prev` was made from (by validateChain,
 * then any extendChain calls). When `prev` ended complete, nothing new is at
 * or below its head and its head is not ahead of `opts.now`, the walk goes
 * on from the head; otherwise it runs again over the carried events (still
 * no signature checks of the prefix). `prev` is not changed; it can be
 * extended again. Cost beyond the new events: copying the state (no hashing,
 * no signatures).
 * Throws TypeError when `prev` did not come from validateChain or extendChain
 * in this process (a state read back from JSON carries no trail).
 * @example
 * let state = await validateChain(stored, { now, chain });
 * state = await extendChain(state, [nextEvent], { now });
 * if (state.end.kind === 'complete' && state.head?.id === eventId(nextEvent)) store(nextEvent);
 */
export async function extendChain(
  prev: ChainState,
  events: readonly unknown[],
  opts: ExtendOptions,
): Promise<ChainState> {
  const trail = trails.get(prev);
  if (!trail)
    throw new TypeError('extendChain: prev is not a state made by validateChain or extendChain');
  if (!Array.isArray(events)) throw new TypeError('extendChain: events must be an array');
  return processCandidates(events, opts, { state: prev, trail });
}
