/**
 * Online verification of one identity (SPEC §9.2), the same judging for every
 * channel: the plugin fetches the texts that may hold proofs, then
 *   extract candidate claims (any encoding) → subject → signature →
 *   owner (the account that published the text is the one claimed) →
 *   key (when asked) → validity window → sigchain (when a hook is given).
 * Any candidate that passes wins; otherwise the failure that got furthest
 * down that list is reported. Never throws for a bad or missing proof; a
 * fetch failure is `unreachable`, never `valid`.
 */
import {
  ChannelError,
  KezError,
  checkClaim,
  claimId,
  extractClaims,
  parseIdentity,
  verdict,
} from '@kez/core';
import type { Claim, EncodingName, Identity, ReasonCode, Status, Verdict } from '@kez/core';
import { getPlugin } from './plugins.js';
import type { Binding, ChannelContext, ChannelPlugin, ProofText } from './types.js';

/**
 * What the sigchain says about a key (wired by the sigchain code through
 * core's judgeClaim): no chain published, the chain could not be fetched, or
 * a chain whose state judges claims.
 */
export type ChainLookup =
  | { type: 'none' }
  | { type: 'failed'; reason: ReasonCode; detail: string; location?: string }
  | { type: 'found'; source: string; judge(claim: Claim, now: number): Verdict };

/** Looks up the sigchain of a key ref (`claim.primary ?? claim.key`). */
export type ChainHook = (keyRef: string) => Promise<ChainLookup>;

export interface VerifyOptions {
  ctx: ChannelContext;
  /** Only a claim signed by this key (or naming it as primary) counts (key_mismatch otherwise). */
  key?: string;
  /** Sigchain consultation; without it every claim stands alone (`chain: 'none'`). */
  chain?: ChainHook;
  /** Defaults to the registered plugin of the identity's channel. */
  plugin?: ChannelPlugin;
}

export interface StepTimings {
  /** Locate + fetch (all network time of the channel). */
  fetch: number;
  /** Finding and decoding candidate claims. */
  extract: number;
  /** Subject, signature, owner, key and time checks. */
  check: number;
  /** Sigchain lookups. */
  chain: number;
  total: number;
}

export interface VerifyResult {
  identity: string;
  status: Status;
  reason: ReasonCode;
  detail?: string;
  /** Where the deciding proof (or the failure) was found. */
  location?: string;
  /** What the account binding rests on (BRIEF §5). */
  binding?: Binding;
  claim?: Claim;
  claimId?: string;
  encoding?: EncodingName;
  /** How many texts the channel returned, and how many candidate claims they held. */
  texts: number;
  candidates: number;
  /** `none`: no chain consulted or none published; otherwise where it came from. */
  chain: 'none' | { source: string };
  timings: StepTimings;
  /** When the proof was fetched (ISO 8601). */
  fetchedAt: string;
}

/** How far down the checks a failure got: the furthest is the most specific. */
const RANK: Partial<Record<ReasonCode, number>> = {
  malformed: 1,
  unknown_suite: 1,
  weak_key: 1,
  subject_mismatch: 2,
  bad_signature: 3,
  owner_mismatch: 4,
  key_mismatch: 5,
  not_yet_valid: 6,
  expired: 6,
};
const CHAIN_RANK = 7;
const VALID_RANK = 8;

interface Judged {
  rank: number;
  verdict: Verdict;
  text: ProofText;
  claim?: Claim;
  encoding: EncodingName;
}

const ms = (t0: number) => Math.round((performance.now() - t0) * 100) / 100;

/** Judge one candidate up to (not including) the sigchain. */
async function judgeCandidate(
  claim: Claim,
  text: ProofText,
  identity: Identity,
  opts: VerifyOptions,
  now: number,
): Promise<{ rank: number; verdict: Verdict }> {
  // SPEC §9.2 step 3: a claim about another identity is not a proof of this one.
  if (claim.subject !== identity.text)
    return {
      rank: RANK.subject_mismatch!,
      verdict: verdict('subject_mismatch', `claim is for ${claim.subject}, not ${identity.text}`),
    };
  const v = await checkClaim(claim, {
    now,
    subject: identity.text,
    ...(opts.key === undefined ? {} : { key: opts.key }),
  });
  // SPEC §9.2 step 5: the account binding comes after the signature, before key and time.
  if (v.reason !== 'bad_signature' && text.owner !== identity.id) {
    const why = text.ownerDetail ? ` (${text.ownerDetail})` : '';
    return {
      rank: RANK.owner_mismatch!,
      verdict: verdict(
        'owner_mismatch',
        `${text.location} was published by ${text.owner || 'an unknown account'}, not ${identity.id}${why}`,
      ),
    };
  }
  const base: Verdict = { status: v.status, reason: v.reason };
  if (v.detail !== undefined) base.detail = v.detail;
  return { rank: v.reason === 'ok' ? VALID_RANK : (RANK[v.reason] ?? 1), verdict: base };
}

function resultOf(
  identity: Identity,
  v: Verdict,
  fields: Partial<VerifyResult> & Pick<VerifyResult, 'timings' | 'fetchedAt'>,
): VerifyResult {
  const out: VerifyResult = {
    identity: identity.text,
    status: v.status,
    reason: v.reason,
    texts: 0,
    candidates: 0,
    chain: 'none',
    ...fields,
  };
  if (v.detail !== undefined) out.detail = v.detail;
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
  const fetchedAt = new Date(now * 1000).toISOString();
  const t0 = performance.now();
  const timings: StepTimings = { fetch: 0, extract: 0, check: 0, chain: 0, total: 0 };
  const done = (v: Verdict, fields: Partial<VerifyResult> = {}) => {
    timings.total = ms(t0);
    return resultOf(identity, v, { ...fields, timings, fetchedAt });
  };

  let outcome;
  try {
    outcome = await plugin.fetchProofs(identity, opts.ctx);
  } catch (e) {
    // Plugins should return `failed`; a ChannelError that escapes means the same.
    if (!(e instanceof ChannelError)) throw e;
    outcome = {
      type: 'failed' as const,
      reason: e.code,
      detail: e.message,
      ...(e.location ? { location: e.location } : {}),
    };
  }
  timings.fetch = ms(t0);
  if (outcome.type === 'failed')
    return done(verdict(outcome.reason, outcome.detail), {
      ...(outcome.location ? { location: outcome.location } : {}),
    });
  if (outcome.type === 'absent')
    return done(verdict('not_found', outcome.detail), { location: outcome.location });

  const judged: Judged[] = [];
  let candidates = 0;
  for (const text of outcome.texts) {
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
    for (const c of found) {
      candidates++;
      if (!c.claim) {
        const err = c.error!;
        judged.push({
          rank: RANK[err.code] ?? 1,
          verdict: verdict(err.code, `${text.location}: ${err.message}`),
          text,
          encoding: c.encoding,
        });
        continue;
      }
      const j = await judgeCandidate(c.claim, text, identity, opts, now);
      judged.push({ ...j, text, claim: c.claim, encoding: c.encoding });
    }
    timings.check += ms(tc);
  }
  const where = outcome.texts.map((t) => t.location);
  const counts = { texts: outcome.texts.length, candidates };
  if (judged.length === 0) {
    const shown = where.slice(0, 3).join(', ') + (where.length > 3 ? ', …' : '');
    return done(
      verdict(
        'not_found',
        where.length ? `no KEZ claim in ${where.length} text(s): ${shown}` : 'no texts found',
      ),
      { ...counts, ...(where[0] ? { location: where[0] } : {}) },
    );
  }

  // SPEC §9.2 step 8: the sigchain has the last word on claims that pass everything else.
  let chainSource: VerifyResult['chain'] = 'none';
  if (opts.chain) {
    const tch = performance.now();
    const lookups = new Map<string, Promise<ChainLookup>>();
    for (const j of judged) {
      if (j.rank !== VALID_RANK || !j.claim) continue;
      const keyRef = j.claim.primary ?? j.claim.key;
      if (!lookups.has(keyRef)) lookups.set(keyRef, opts.chain(keyRef));
      const look = await lookups.get(keyRef)!;
      if (look.type === 'none') continue;
      if (look.type === 'failed') {
        j.rank = CHAIN_RANK;
        j.verdict = verdict(look.reason, look.detail);
        continue;
      }
      chainSource = { source: look.source };
      const v = look.judge(j.claim, now);
      if (v.reason !== 'ok') {
        j.rank = CHAIN_RANK;
        j.verdict = v;
      }
    }
    timings.chain = ms(tch);
  }

  let best = judged[0]!;
  for (const j of judged) if (j.rank > best.rank) best = j;
  return done(best.verdict, {
    ...counts,
    location: best.text.location,
    binding: best.text.binding,
    encoding: best.encoding,
    chain: chainSource,
    ...(best.claim ? { claim: best.claim, claimId: claimId(best.claim) } : {}),
  });
}
