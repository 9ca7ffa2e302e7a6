/**
 * Appending to a chain: the one place that decides what is stored.
 *
 * For each request: check the events' basic shape (object, seq, chain), drop
 * exact duplicates, then compare with the stored primary line:
 * - an event equal to the stored one at its seq → duplicate (idempotent);
 * - a different event at a stored seq → fork evidence (SPEC §8.5: keep both):
 *   checked against the stored prefix, stored beside — never instead of —
 *   the first, and answered 409 with both ids; with `on_conflict=reject`
 *   nothing is stored and the answer is 409 seq_taken;
 * - events after the head → core's state of the stored line (kept by
 *   ChainCache) extended with the new events (extendChain: the same state as
 *   validateChain of line + new events, only the new signatures checked)
 *   must apply every new event (signature, linkage, op rules), then one
 *   transaction stores them; the database's unique (chain, seq) primary
 *   constraint settles races between requests and between server processes.
 */
import { nodeSha256Text, yieldToEventLoop } from '@kez/core-node';
import type { ChainState, EventFault } from '@kez/core';
import { canonicalize, extendChain, KezError, objectIdOfJcs, validateChain } from '@kez/core';
import type { Limits } from '../config/config.js';
import { HttpError } from '../http/errors.js';
import type { Metrics } from '../metrics.js';
import type { ChainHead, NewEvent, Store } from '../store/store.js';
import type { ChainCache, PrimaryLine } from './chain-cache.js';
import { headJson } from './head.js';

export type ConflictMode = 'evidence' | 'reject';

export interface AppendDeps {
  store: Store;
  cache: ChainCache;
  limits: Limits;
  metrics: Metrics;
  /** Unix seconds. */
  now: () => number;
}

export interface AppendAnswer {
  status: 200 | 201 | 409;
  body: Record<string, unknown>;
  /** The chain's head after the request, when known. */
  head: ChainHead | null;
}

interface Candidate {
  seq: number;
  /**
   * Event id (SPEC §8.4), null until needed: an event that extends the line gets it from
   * core's walk instead of hashing it again here (see idsFromWalk).
   */
  id: string | null;
  /**
   * JCS text (the stored body and bundle line), null until needed: an event core reads
   * gets the text core hashed (ValidateOptions.jcsByValue) instead of a second canonicalization.
   */
  jcs: string | null;
  /** Position in the request, for error messages. */
  index: number;
  value: Record<string, unknown>;
}

/** The candidate's JCS, canonicalized here when core has not given it. */
function jcsOf(c: Candidate): string {
  if (c.jcs !== null) return c.jcs;
  try {
    return (c.jcs = canonicalize(c.value));
  } catch (e) {
    if (e instanceof KezError)
      throw new HttpError('malformed', `event ${c.index + 1}: ${e.message}`, { index: c.index });
    throw e;
  }
}

/** The candidate's event id (SPEC §8.4, core's definition), when core has not given it. */
function idOf(c: Candidate): string {
  return (c.id ??= objectIdOfJcs(jcsOf(c)));
}

/**
 * Ids of events core applied, without hashing them again: `add` applied in full (seqs
 * contiguous, one candidate per seq, `state.head` the last), so core has checked that each
 * one's `prev` is the id of the one before (SPEC §8.5 linkage), and the head's id is the last.
 */
function idsFromWalk(add: Candidate[], state: ChainState): void {
  for (let i = 0; i < add.length - 1; i++) add[i]!.id ??= add[i + 1]!.value.prev as string;
  add.at(-1)!.id ??= state.head!.id;
}

/** Tries before a request that keeps losing races is answered seq_taken. */
const ATTEMPTS = 3;

/** RFC 6962 §2.1 leaf hash: SHA-256(0x00 ‖ leaf data); the leaf data is the event's JCS. */
export function leafHash(jcs: string): Uint8Array {
  // The 0x00 prefix is one UTF-8 byte, prepended as text. Made on V8's heap: cheaper per
  // event than the off-heap Buffer a 'buffer' digest allocates; the stores bind it as is.
  return nodeSha256Text('\0' + jcs);
}

function toNew(c: Candidate): NewEvent {
  const jcs = jcsOf(c);
  return { seq: c.seq, id: idOf(c), body: jcs, leafHash: leafHash(jcs) };
}

/** Shape checks the request needs before anything else: object, seq, chain. */
function candidates(chain: string, values: unknown[]): Candidate[] {
  const all: Candidate[] = [];
  values.forEach((v, i) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new HttpError('malformed', `event ${i + 1} is not a JSON object`, { index: i });
    const o = v as Record<string, unknown>;
    if (typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq) || o.seq < 1)
      throw new HttpError('malformed', `event ${i + 1}: "seq" must be an integer >= 1`, {
        index: i,
      });
    if (o.chain !== chain)
      throw new HttpError(
        'wrong_chain',
        `event ${i + 1} is for chain ${String(o.chain).slice(0, 80)}, not ${chain}`,
        { index: i },
      );
    all.push({ seq: o.seq, id: null, jcs: null, index: i, value: o });
  });
  all.sort((a, b) => a.seq - b.seq);
  const list: Candidate[] = [];
  for (let i = 0; i < all.length;) {
    let j = i + 1;
    while (j < all.length && all[j]!.seq === all[i]!.seq) j++;
    // SPEC §8.5 step 1: exact duplicates (same JCS, so same id) count once.
    const atSeq =
      j - i === 1 ? [all[i]!] : [...new Map(all.slice(i, j).map((c) => [jcsOf(c), c])).values()];
    if (atSeq.length > 1) {
      const ids = atSeq.map(idOf).sort();
      throw new HttpError(
        'fork',
        `the request carries two different events at seq ${all[i]!.seq}; send one`,
        { seq: all[i]!.seq, ids: [ids[0], ids[1]] },
      );
    }
    list.push(atSeq[0]!);
    i = j;
  }
  return list;
}

/** The first thing core's walk held against one of `ids`, as an HttpError. */
function faultOf(state: ChainState, ids: Set<string>, head: ChainHead | null): HttpError {
  const extra = head ? { head: headJson(head) } : {};
  const mk = (why: EventFault, detail: string, seq: number | null, id: string | null) =>
    new HttpError(why, detail, { seq, id, ...extra });
  for (const d of state.dropped)
    if (d.id === null || ids.has(d.id)) return mk(d.why, d.detail, d.seq, d.id);
  for (const u of state.unapplied) if (ids.has(u.id)) return mk(u.why, u.detail, u.seq, u.id);
  const end = state.end;
  switch (end.kind) {
    case 'halted':
      return mk(end.why, end.detail, end.seq, end.id);
    case 'pending':
      return mk(
        'event_in_future',
        `the event at seq ${end.seq} is dated more than 300 s ahead`,
        end.seq,
        end.id,
      );
    case 'gap':
      return new HttpError('chain_gap', `the chain is missing seq ${end.seq}`, {
        seq: end.seq,
        ...extra,
      });
    case 'fork':
      return new HttpError('fork', `two events at seq ${end.seq}`, {
        seq: end.seq,
        ids: end.ids,
        ...extra,
      });
    default:
      return new HttpError('malformed', 'the events do not apply to the chain', extra);
  }
}

/**
 * Core's state of `line` followed by `add`; only the signatures of `add` are checked.
 * Each candidate core read keeps the JCS core hashed.
 */
async function withEvents(
  chain: string,
  line: PrimaryLine,
  add: Candidate[],
  now: number,
): Promise<ChainState> {
  const values = add.map((c) => c.value);
  const jcsByValue = new Map<object, string>();
  const state = await (line.state
    ? extendChain(line.state, values, { now, jcsByValue })
    : validateChain(values, { now, chain, jcsByValue }));
  for (const c of add) c.jcs ??= jcsByValue.get(c.value) ?? null;
  return state;
}

/** `state` if it applied every one of `add` (the last is its head), else the first fault. */
function applied(state: ChainState, add: Candidate[], head: ChainHead | null): ChainState {
  const last = add.at(-1)!;
  // Core was given exactly `add` (one event per seq) on top of the stored line: a walk that
  // reached the last one's seq applied every one of them.
  if (
    state.end.kind === 'complete' &&
    state.head?.seq === last.seq &&
    (last.id === null || state.head.id === last.id)
  ) {
    idsFromWalk(add, state);
    return state;
  }
  throw faultOf(state, new Set(add.map(idOf)), head);
}

/**
 * Append event values (already parsed from the body) to `chain`.
 * @example const { status, body } = await appendEvents(deps, chain, values, 'evidence');
 */
export async function appendEvents(
  deps: AppendDeps,
  chain: string,
  values: unknown[],
  mode: ConflictMode,
): Promise<AppendAnswer> {
  const { store, cache, limits, metrics } = deps;
  const list = candidates(chain, values);
  for (let attempt = 1; ; attempt++) {
    const head = await store.head(chain);
    const now = deps.now();
    const line: PrimaryLine = await cache.primary(chain, head, now);
    const h = line.ids.length;
    const duplicates: string[] = [];
    const siblings: { c: Candidate; storedId: string }[] = [];
    const ext: Candidate[] = [];
    for (const c of list) {
      if (c.seq > h) ext.push(c);
      else if (line.ids[c.seq - 1] === idOf(c)) duplicates.push(idOf(c));
      else siblings.push({ c, storedId: line.ids[c.seq - 1]! });
    }

    if (siblings.length) {
      // Evidence already stored is a duplicate too.
      const fresh: typeof siblings = [];
      for (const s of siblings) {
        const atSeq = await store.events(chain, s.c.seq - 1, 1);
        if (atSeq.some((e) => e.id === idOf(s.c))) duplicates.push(idOf(s.c));
        else fresh.push(s);
      }
      if (fresh.length) return forkAnswer(deps, chain, line, head!, fresh, duplicates, mode, now);
    }

    if (ext.length === 0) {
      metrics.duplicateEvents.inc({}, duplicates.length);
      return {
        status: 200,
        body: { chain, head: head && headJson(head), appended: [], duplicates },
        head,
      };
    }
    if (ext[0]!.seq !== h + 1 || ext.some((c, i) => c.seq !== h + 1 + i)) {
      const missing =
        ext[0]!.seq !== h + 1 ? h + 1 : ext.find((c, i) => c.seq !== h + 1 + i)!.seq - 1;
      throw new HttpError('chain_gap', `seq ${missing} is missing: the server's head is seq ${h}`, {
        expected_seq: h + 1,
        head: head && headJson(head),
      });
    }
    if (ext.at(-1)!.seq > limits.maxChainLength)
      throw new HttpError(
        'chain_too_long',
        `the chain would have ${ext.at(-1)!.seq} events; this server keeps at most ${limits.maxChainLength}`,
      );
    const state = applied(await withEvents(chain, line, ext, now), ext, head);

    const keys = ext.flatMap((c) =>
      c.value.op === 'rotate' && typeof c.value.new_key === 'string' ? [c.value.new_key] : [],
    );
    const res = await store.append({ chain, events: ext.map(toNew), evidence: [], keys, now });
    if (!res.ok) {
      // Another request stored at one of these seqs first (the unique constraint said so).
      if (mode === 'reject' || attempt >= ATTEMPTS) {
        const now2 = await store.head(chain);
        throw new HttpError(
          'seq_taken',
          `another event was stored at seq ${ext[0]!.seq} first; nothing was stored`,
          { seq: ext[0]!.seq, submitted_id: idOf(ext[0]!), head: now2 && headJson(now2) },
        );
      }
      continue; // look again: the events are now duplicates or fork evidence
    }
    cache.extend(
      chain,
      line,
      ext.map((c) => ({ value: c.value, id: idOf(c) })),
      state,
    );
    metrics.appendedEvents.inc({}, ext.length);
    if (duplicates.length) metrics.duplicateEvents.inc({}, duplicates.length);
    return {
      status: 201,
      head: res.head,
      body: {
        chain,
        head: headJson(res.head),
        appended: ext.map(idOf),
        duplicates,
        leaves: ext.map((_, i) => res.firstLeaf + i),
      },
    };
  }
}

/** Different events at stored seqs: check each against the prefix, keep as evidence, answer 409. */
async function forkAnswer(
  deps: AppendDeps,
  chain: string,
  line: PrimaryLine,
  head: ChainHead,
  fresh: { c: Candidate; storedId: string }[],
  duplicates: string[],
  mode: ConflictMode,
  now: number,
): Promise<AppendAnswer> {
  const { store, limits, metrics } = deps;
  const first = fresh[0]!;
  const forks = fresh.map((s) => ({
    seq: s.c.seq,
    stored_id: s.storedId,
    submitted_id: idOf(s.c),
  }));
  if (mode === 'reject') {
    throw new HttpError(
      'seq_taken',
      `seq ${first.c.seq} already holds event ${first.storedId}; nothing was stored`,
      {
        seq: first.c.seq,
        stored_id: first.storedId,
        submitted_id: idOf(first.c),
        forks,
        head: headJson(head),
      },
    );
  }
  // Only an event that would have been authorised at its seq is evidence of a fork (SPEC §8.5 step 3).
  for (const s of fresh) {
    // First, checking only its signatures: does it fork the stored line? Only the key holder can
    // make such an event, so only then is the prefix validated anew to check it would have applied.
    const st = await withEvents(chain, line, [s.c], now);
    const end = st.end;
    if (end.kind !== 'fork' || end.seq !== s.c.seq || !end.ids.includes(idOf(s.c)))
      throw faultOf(st, new Set([idOf(s.c)]), head);
    const prefix = line.values.slice(0, s.c.seq - 1);
    const whole = await validateChain([...prefix, s.c.value], {
      now,
      chain,
      pause: yieldToEventLoop,
    });
    applied(whole, [s.c], head);
  }
  let stored = false;
  let newHead = head;
  if (head.forks + fresh.length <= limits.maxForkEvidence) {
    const res = await store.append({
      chain,
      events: [],
      evidence: fresh.map((s) => toNew(s.c)),
      keys: [],
      now,
    });
    // A concurrent request stored the same evidence first: it is stored either way.
    stored = true;
    if (res.ok) {
      newHead = res.head;
      metrics.forkEvidence.inc({}, fresh.length);
    } else newHead = (await store.head(chain)) ?? head;
  }
  metrics.conflicts.inc({ error: 'fork' });
  const e = new HttpError(
    'fork',
    `seq ${first.c.seq} already holds event ${first.storedId}; the different event ${idOf(first.c)} ${stored ? 'is kept as fork evidence' : 'was not stored (evidence limit reached)'}`,
    {
      seq: first.c.seq,
      stored_id: first.storedId,
      submitted_id: idOf(first.c),
      forks,
      evidence_stored: stored,
      duplicates,
      head: headJson(newHead),
    },
  );
  return { status: 409, body: e.body(), head: newHead };
}
