/**
 * Validate a sigchain (SPEC §8.4): order the events, drop exact duplicates,
 * walk seq by seq applying the rules, stop at the first fork, gap or broken
 * event. Never throws on bad data: everything wrong is a ChainProblem.
 */
import { KezError } from '../errors.js';
import type { KeyRef } from '../keys.js';
import { objectId } from '../signing.js';
import { getSuite } from '../suites/index.js';
import type { KeyCache } from './event.js';
import { prepareEvent } from './prepare.js';
import type { PreparedEvent } from './prepare.js';
import { applyEvent, checkEvent } from './rules.js';
import type { SigResults, Working } from './rules.js';
import type { ChainProblem, ChainState } from './state.js';

export interface ValidateOptions {
  /** The verifier's clock, unix seconds (events may be at most 300 s ahead of it). */
  now: number;
  /**
   * The chain asked for (key ref of its genesis key). Events of another chain
   * are then refused as wrong_chain. Default: the chain named by the
   * lowest-seq well-formed event.
   */
  chain?: string;
  /** Signature checks kept in flight ahead of the walk (default 64). */
  lookahead?: number;
}

interface Entry {
  index: number;
  /** null: the event is too broken to place. */
  seq: number | null;
  /** Event id, when the value could be canonicalized at all. */
  id: string | null;
  prepared?: PreparedEvent;
  error?: ChainProblem;
}

function readableSeq(v: unknown): number | null {
  if (typeof v !== 'object' || v === null) return null;
  const seq = (v as { seq?: unknown }).seq;
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1 ? seq : null;
}

function safeId(v: unknown): string | null {
  try {
    return typeof v === 'object' && v !== null ? objectId(v) : null;
  } catch {
    return null;
  }
}

function prepare(value: unknown, index: number, cache: KeyCache): Entry {
  try {
    const prepared = prepareEvent(value, cache);
    return { index, seq: prepared.event.seq, id: prepared.id, prepared };
  } catch (e) {
    if (!(e instanceof KezError)) throw e;
    const seq = readableSeq(value);
    const id = safeId(value);
    const error: ChainProblem = { seq, reason: e.code, detail: e.message };
    if (id !== null) error.id = id;
    return { index, seq, id, error };
  }
}

function verifyOne(key: KeyRef, sig: Uint8Array, digest: Uint8Array): Promise<boolean> {
  return getSuite(key.suite)
    .verify(sig, digest, key.publicKey)
    .catch(() => false);
}

/** Each signature of an event, checked once. */
async function verifySigs(p: PreparedEvent): Promise<SigResults> {
  const [event, claim, counter] = await Promise.all([
    verifyOne(p.signer, p.sig, p.digest),
    p.claim ? verifyOne(p.claim.key, p.claim.sig, p.claim.digest) : undefined,
    p.rotate ? verifyOne(p.rotate.newKey, p.rotate.countersig, p.rotate.digest) : undefined,
  ]);
  return { event, claim, counter };
}

function emptyState(): ChainState {
  return {
    chain: null,
    head: null,
    currentKey: null,
    keyHistory: [],
    liveClaims: {},
    revokedClaims: {},
    devices: {},
    forks: [],
    status: 'ok',
    problems: [],
    appliedThrough: 0,
  };
}

/**
 * Validate a chain given as parsed JSON values, in any order.
 * @example
 * const state = await validateChain(parseBundle(text), { now: Math.floor(Date.now() / 1000) });
 * if (state.status === 'ok') console.log(state.currentKey, Object.keys(state.liveClaims).length);
 */
export async function validateChain(
  events: readonly unknown[],
  opts: ValidateOptions,
): Promise<ChainState> {
  const state = emptyState();
  if (!Array.isArray(events)) {
    state.status = 'invalid';
    state.problems.push({ seq: null, reason: 'malformed', detail: 'events must be an array' });
    return state;
  }
  const now = opts.now;
  const lookahead = opts.lookahead ?? 64;
  const cache: KeyCache = new Map();

  // SPEC §8.4: exact duplicates (same event id) count once.
  const byId = new Map<string, Entry>();
  const entries: Entry[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = prepare(events[i], i, cache);
    if (e.id !== null) {
      if (byId.has(e.id)) continue;
      byId.set(e.id, e);
    }
    if (e.seq === null) state.problems.push(e.error!);
    else entries.push(e);
  }
  // SPEC §8.4: events may arrive in any order; seq, then event id, fixes one.
  entries.sort((a, b) => a.seq! - b.seq! || cmp(a.id ?? '', b.id ?? '') || a.index - b.index);

  state.chain = opts.chain ?? entries.find((e) => e.prepared)?.prepared!.event.chain ?? null;
  state.currentKey = state.chain;
  const w: Working = { state, keys: new Map() };

  const pending: (Promise<SigResults> | undefined)[] = new Array(entries.length);
  let started = 0;
  const startUpTo = (end: number) => {
    for (end = Math.min(end, entries.length); started < end; started++) {
      const p = entries[started]!.prepared;
      if (p) pending[started] = verifySigs(p);
    }
  };

  let expected = 1;
  let stopped: 'fork' | 'gap' | 'invalid' | null = null;
  let ignored = false;
  for (let i = 0; i < entries.length;) {
    const seq = entries[i]!.seq!;
    let j = i + 1;
    while (j < entries.length && entries[j]!.seq === seq) j++;
    if (seq !== expected) {
      // SPEC §8.4: events after a gap are not applied.
      state.problems.push({
        seq: expected,
        reason: 'chain_gap',
        detail:
          seq === expected + 1
            ? `seq ${expected} is missing`
            : `seqs ${expected}..${seq - 1} are missing`,
      });
      stopped = 'gap';
      break;
    }
    startUpTo(j + lookahead);
    const valid: PreparedEvent[] = [];
    const groupProblems: ChainProblem[] = [];
    for (let k = i; k < j; k++) {
      const e = entries[k]!;
      if (!e.prepared) {
        groupProblems.push(e.error!);
        continue;
      }
      const bad = checkEvent(w, e.prepared, await pending[k]!, now);
      pending[k] = undefined;
      if (bad) groupProblems.push(bad);
      else valid.push(e.prepared);
    }
    state.problems.push(...groupProblems);
    if (valid.length === 0) {
      stopped = 'invalid';
      break;
    }
    if (valid.length > 1) {
      // SPEC §8.4: two different valid events at one seq → fork; keep both, stop before it.
      state.forks.push({ seq, events: valid.map((p) => p.event), ids: valid.map((p) => p.id) });
      stopped = 'fork';
      break;
    }
    if (groupProblems.length) ignored = true;
    applyEvent(w, valid[0]!);
    expected++;
    i = j;
  }

  if (state.appliedThrough === 0) state.currentKey = null;
  state.status =
    stopped === 'fork'
      ? 'fork'
      : stopped === 'gap'
        ? 'gap'
        : stopped || ignored || state.problems.length
          ? 'invalid'
          : 'ok';
  return state;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
