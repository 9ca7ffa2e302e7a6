/**
 * Online verification of one identity (SPEC §9.2), the same judging for every
 * channel: the plugin fetches the documents that may hold proofs, then per
 * candidate claim
 *   extract → subject → signature → account binding (owner) → key filter →
 *   time → sigchain (through an optional hook),
 * and the identity's result is the best candidate by SPEC §9.4. Never throws
 * for a bad or missing proof; a fetch failure is `unreachable`, never `valid`.
 */
import {
  ChannelError,
  KezError,
  checkClaim,
  claimId,
  extractClaims,
  parseIdentity,
  parseKeyRef,
  verdict,
} from '@kez/core';
import type { Claim, EncodingName, Identity, ReasonCode, Status, Verdict } from '@kez/core';
import { getPlugin } from './plugins.js';
import type { Binding, ChannelContext, ChannelPlugin, FetchOutcome, ProofText } from './types.js';
import { yieldToNetwork } from './yield.js';

/**
 * What the sigchain says about a key (the sigchain code wires this through
 * core's judgeClaim): none published, could not be fetched, or a chain that
 * judges claims and says which keys belong to it (SPEC §8.10, §9.3).
 */
export type ChainLookup =
  | { type: 'none' }
  | { type: 'failed'; reason: ReasonCode; detail: string; location?: string }
  | {
      type: 'found';
      source: string;
      /** SPEC §9.3 for one claim. */
      judge(claim: Claim, now: number): Verdict;
      /** SPEC §9.2 step 7: the chain contains this key (chain id, rotated keys, devices). */
      contains?(keyRef: string): boolean;
    };

/** Looks up the chain that belongs to a key ref. */
export type ChainHook = (keyRef: string) => Promise<ChainLookup>;

export interface VerifyOptions {
  ctx: ChannelContext;
  /** Key filter (SPEC §9.2 step 7): only a claim by this key, or a key of its chain, counts. */
  key?: string;
  /** Sigchain consultation; without it a claim stands alone (`chain: 'none'`). */
  chain?: ChainHook;
  /** Defaults to the registered plugin of the identity's channel. */
  plugin?: ChannelPlugin;
}

export interface StepTimings {
  /** Locate + fetch: all network time of the channel. */
  fetch: number;
  /** Finding and decoding candidate claims. */
  extract: number;
  /** Subject, signature, owner, key and time checks. */
  check: number;
  /** Sigchain lookups. */
  chain: number;
  total: number;
}

/** One candidate's result (SPEC §9.4: all are reported alongside the chosen one). */
export interface CandidateResult {
  location: string;
  encoding: EncodingName;
  status: Status;
  reason: ReasonCode;
  detail?: string;
  claimId?: string;
}

export interface VerifyResult {
  identity: string;
  status: Status;
  reason: ReasonCode;
  detail?: string;
  /** Where the deciding proof (or the failure) was found: URL or DNS name. */
  location?: string;
  /** What the account binding rests on (BRIEF §5, SPEC §11.3). */
  binding?: Binding;
  claim?: Claim;
  claimId?: string;
  encoding?: EncodingName;
  /** Documents the channel returned. */
  texts: number;
  candidates: CandidateResult[];
  /** `present` when a sigchain was consulted for the deciding claim. */
  chain: 'none' | 'present';
  chainSource?: string;
  timings: StepTimings;
  /** When the proof was fetched (ISO 8601). */
  fetchedAt: string;
}

/** SPEC §9.4 rule 1. */
const STATUS_RANK: Record<Status, number> = {
  valid: 6,
  unreachable: 5,
  fork: 4,
  revoked: 3,
  expired: 2,
  invalid: 1,
};
/** SPEC §9.2 step numbers, so a later step wins within `invalid` (§9.4 rule 2). */
const STEP = { extract: 3, subject: 4, signature: 5, owner: 6, key: 7, time: 8, chain: 9 };
/** Within the extract step, §9.4's order: weak_key > unknown_suite > malformed. */
const EXTRACT_SUB: Partial<Record<ReasonCode, number>> = { weak_key: 2, unknown_suite: 1 };

interface Judged {
  step: number;
  verdict: Verdict;
  text: ProofText;
  encoding: EncodingName;
  claim?: Claim;
  chainSource?: string;
}

const ms = (t0: number) => Math.round((performance.now() - t0) * 100) / 100;

/** True when `a` ranks before `b` (SPEC §9.4). */
function better(a: Judged, b: Judged): boolean {
  const sa = STATUS_RANK[a.verdict.status];
  const sb = STATUS_RANK[b.verdict.status];
  if (sa !== sb) return sa > sb;
  const ra = a.step * 10 + (EXTRACT_SUB[a.verdict.reason] ?? 0);
  const rb = b.step * 10 + (EXTRACT_SUB[b.verdict.reason] ?? 0);
  if (ra !== rb) return ra > rb;
  const ca = a.claim?.created_at ?? -1;
  const cb = b.claim?.created_at ?? -1;
  if (ca !== cb) return ca > cb;
  if (a.claim && b.claim) return claimId(a.claim) < claimId(b.claim);
  return false;
}

/** Judges candidates; shares chain lookups across them. */
class Judge {
  readonly lookups = new Map<string, Promise<ChainLookup>>();
  private readonly wantKey: string | undefined;

  constructor(
    private readonly identity: Identity,
    private readonly opts: VerifyOptions,
    private readonly now: number,
  ) {
    // A malformed key filter is a usage error (SPEC §9.2 step 1), thrown before any fetch.
    this.wantKey = opts.key === undefined ? undefined : parseKeyRef(opts.key).text;
  }

  lookup(keyRef: string): Promise<ChainLookup> {
    let p = this.lookups.get(keyRef);
    if (!p) {
      p = this.opts.chain!(keyRef);
      this.lookups.set(keyRef, p);
    }
    return p;
  }

  /** SPEC §9.2 steps 4–8 for one well-formed candidate. */
  async upToTime(claim: Claim, text: ProofText): Promise<Pick<Judged, 'step' | 'verdict'>> {
    const id = this.identity;
    if (claim.subject !== id.text)
      return {
        step: STEP.subject,
        verdict: verdict('subject_mismatch', `claim is for ${claim.subject}, not ${id.text}`),
      };
    // Signature and time in one offline check (core, SPEC §5.3); the order of reporting is ours.
    const offline = await checkClaim(claim, { now: this.now });
    if (
      offline.reason !== 'ok' &&
      offline.reason !== 'expired' &&
      offline.reason !== 'not_yet_valid'
    )
      return { step: STEP.signature, verdict: plain(offline) };
    if (text.owner !== id.id) {
      const why = text.ownerDetail ? ` (${text.ownerDetail})` : '';
      return {
        step: STEP.owner,
        verdict: verdict(
          'owner_mismatch',
          `${text.location} was published by ${text.owner || 'an unknown account'}, not ${id.id}${why}`,
        ),
      };
    }
    if (this.wantKey !== undefined && claim.key !== this.wantKey) {
      // SPEC §9.2 step 7: a key of the wanted key's chain also matches; `primary` alone never does.
      let viaChain = false;
      if (this.opts.chain) {
        const look = await this.lookup(this.wantKey);
        // Whether the chain holds claim.key is unknown, not false (SPEC §8.10: chain_unavailable).
        if (look.type === 'failed')
          return { step: STEP.key, verdict: verdict(look.reason, look.detail) };
        viaChain = look.type === 'found' && (look.contains?.(claim.key) ?? false);
      }
      if (!viaChain)
        return {
          step: STEP.key,
          verdict: verdict('key_mismatch', `claim is signed by ${claim.key}, not ${this.wantKey}`),
        };
    }
    if (offline.reason !== 'ok') return { step: STEP.time, verdict: plain(offline) };
    return { step: STEP.time, verdict: verdict('ok') };
  }

  /** SPEC §9.2 step 9 for a candidate that passed everything else. */
  async chain(j: Judged): Promise<void> {
    const claim = j.claim!;
    const keyRef = claim.primary ?? claim.key;
    const look: ChainLookup = this.opts.chain ? await this.lookup(keyRef) : { type: 'none' };
    j.step = STEP.chain;
    if (look.type === 'failed') {
      j.verdict = verdict(look.reason, look.detail);
    } else if (look.type === 'found') {
      j.chainSource = look.source;
      const v = look.judge(claim, this.now);
      j.verdict = plain(v);
    } else if (claim.primary !== undefined) {
      // Only a chain can confirm that `key` is a device of `primary`.
      j.verdict = verdict(
        'not_in_chain',
        `claim names primary ${claim.primary}, but no sigchain for it was found`,
      );
    }
  }
}

function plain(v: Verdict): Verdict {
  return v.detail === undefined
    ? { status: v.status, reason: v.reason }
    : { status: v.status, reason: v.reason, detail: v.detail };
}

/** Candidates of one document, judged up to (not including) the sigchain. */
async function judgeText(text: ProofText, judge: Judge, timings: StepTimings): Promise<Judged[]> {
  await yieldToNetwork(); // the checks below are CPU: answers already due go first
  const te = performance.now();
  let found;
  try {
    found = await extractClaims(text.text);
  } catch (e) {
    if (!(e instanceof KezError)) throw e;
    found = [{ encoding: 'json' as const, error: e }];
  }
  timings.extract += ms(te);
  const tc = performance.now();
  const out: Judged[] = [];
  for (const c of found) {
    if (!c.claim) {
      const err = c.error!;
      out.push({
        step: STEP.extract,
        verdict: verdict(err.code, `${text.location}: ${err.message}`),
        text,
        encoding: c.encoding,
      });
      continue;
    }
    const j = await judge.upToTime(c.claim, text);
    out.push({ ...j, text, claim: c.claim, encoding: c.encoding });
  }
  timings.check += ms(tc);
  return out;
}

/**
 * Verify an identity online.
 *
 * @example
 * const ctx = createNodeContext(loadChannelConfig({ env: process.env }));
 * const r = await verifyIdentity('github:alice', { ctx });
 * r.status; // 'valid' | 'invalid' | 'revoked' | 'expired' | 'unreachable' | 'fork'
 */
export async function verifyIdentity(
  input: string | Identity,
  opts: VerifyOptions,
): Promise<VerifyResult> {
  const identity = typeof input === 'string' ? parseIdentity(input) : input;
  const plugin = opts.plugin ?? getPlugin(identity.channel);
  const now = opts.ctx.now();
  const judge = new Judge(identity, opts, now);
  const fetchedAt = new Date(now * 1000).toISOString();
  const t0 = performance.now();
  const timings: StepTimings = { fetch: 0, extract: 0, check: 0, chain: 0, total: 0 };
  const result = (v: Verdict, fields: Partial<VerifyResult> = {}): VerifyResult => {
    timings.total = ms(t0);
    const out: VerifyResult = {
      identity: identity.text,
      status: v.status,
      reason: v.reason,
      texts: 0,
      candidates: [],
      chain: 'none',
      ...fields,
      timings,
      fetchedAt,
    };
    if (v.detail !== undefined) out.detail = v.detail;
    return out;
  };

  const run = async (): Promise<VerifyResult> => {
    // Texts judged during the fetch (the probe) are not judged twice.
    const judged = new Map<ProofText, Promise<Judged[]>>();
    const judgeOnce = (t: ProofText) => {
      let p = judged.get(t);
      if (!p) {
        p = judgeText(t, judge, timings);
        judged.set(t, p);
      }
      return p;
    };
    const ctx: ChannelContext = {
      ...opts.ctx,
      probe: async (t) => (await judgeOnce(t)).some((j) => j.verdict.reason === 'ok'),
    };
    const tf = performance.now();
    let outcome: FetchOutcome;
    try {
      outcome = await plugin.fetchProofs(identity, ctx);
    } catch (e) {
      // Plugins return `failed`; a ChannelError that escapes means the same.
      if (!(e instanceof ChannelError)) throw e;
      outcome = {
        type: 'failed',
        reason: e.code,
        detail: e.message,
        ...(e.location ? { location: e.location } : {}),
      };
    }
    timings.fetch = ms(tf);
    if (outcome.type === 'failed')
      return result(verdict(outcome.reason, outcome.detail), {
        ...(outcome.location ? { location: outcome.location } : {}),
      });
    if (outcome.type === 'absent')
      return result(verdict('not_found', outcome.detail), { location: outcome.location });

    const all = (await Promise.all(outcome.texts.map(judgeOnce))).flat();
    const where = outcome.texts.map((t) => t.location);
    if (all.length === 0) {
      const shown = where.slice(0, 3).join(', ') + (where.length > 3 ? ', …' : '');
      return result(
        verdict(
          'not_found',
          where.length ? `no KEZ claim in ${where.length} document(s): ${shown}` : 'no documents',
        ),
        { texts: outcome.texts.length, ...(where[0] ? { location: where[0] } : {}) },
      );
    }
    const tch = performance.now();
    for (const j of all) if (j.verdict.reason === 'ok') await judge.chain(j);
    timings.chain = ms(tch);

    let best = all[0]!;
    for (const j of all) if (better(j, best)) best = j;
    const candidates = all.map((j): CandidateResult => {
      const c: CandidateResult = {
        location: j.text.location,
        encoding: j.encoding,
        status: j.verdict.status,
        reason: j.verdict.reason,
      };
      if (j.verdict.detail !== undefined) c.detail = j.verdict.detail;
      if (j.claim) c.claimId = claimId(j.claim);
      return c;
    });
    return result(best.verdict, {
      texts: outcome.texts.length,
      candidates,
      location: best.text.location,
      binding: best.text.binding,
      encoding: best.encoding,
      chain: best.chainSource === undefined ? 'none' : 'present',
      ...(best.chainSource === undefined ? {} : { chainSource: best.chainSource }),
      ...(best.claim ? { claim: best.claim, claimId: claimId(best.claim) } : {}),
    });
  };

  // SPEC §7.1.1: one deadline for all requests of one identity.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = opts.ctx.config.verifyTimeoutMs;
  const deadline = new Promise<VerifyResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve(
          result(verdict('timeout', `verifying ${identity.text} took longer than ${limit} ms`)),
        ),
      limit,
    );
  });
  try {
    return await Promise.race([run(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
