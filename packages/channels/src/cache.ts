/**
 * The proof result cache (SPEC §9.8, modelled on Keybase's): one entry per
 * (identity, key filter) holding the last definitive result and the proof
 * (claim id) it rests on.
 *
 * | cached      | fresh                               | aged                          |
 * | valid       | < 1 h: reused; the chain is still   | 1 h–24 h: re-checked; an      |
 * |             | consulted, so a revocation shows    | unreachable re-check reports  |
 * |             | at once                             | unreachable, the aged entry   |
 * |             |                                     | only as context, never valid  |
 * | invalid,    | < 1 h (5 min when asking again may  | —                             |
 * | revoked, …  | change it: not_found, not_in_chain) |                               |
 * | unreachable | never cached: soft failures are never truth                         |
 *
 * A valid entry is never reused past the claim's expires_at (device expiry
 * comes from the chain, consulted on every reuse). The store is injected:
 * a file store on Node (cache-file.ts), a Map in tests and browsers.
 */
import { REASONS, claimId, parseIdentity, parseKeyRef, verdict } from '@kez/core';
import type { Claim, Identity, Status } from '@kez/core';
import type { ChannelConfig } from './config.js';
import { verifyIdentity } from './verify.js';
import type { VerifyOptions, VerifyResult } from './verify.js';

/** Lifetimes in seconds (SPEC §9.8). */
export const CACHE_LIFETIMES = Object.freeze({
  /** A valid result is reused without fetching the proof. */
  validFresh: 3600,
  /** A valid result older than this is never used, not even as context. */
  validAged: 24 * 3600,
  /** invalid, revoked, expired, fork whose reason is final. */
  negative: 3600,
  /** Negatives that asking again may change (REASONS[reason].retry): not_found, not_in_chain, … */
  negativeRetry: 300,
});

/** Where entries live; implementations never throw (a broken cache is an empty one). */
export interface CacheStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

/** How a result relates to the cache. */
export type CacheUse =
  /** Reused from a fresh entry (the proof was not fetched; the chain was consulted). */
  | 'fresh'
  /** An aged entry existed and was re-checked now. */
  | 'aged'
  /** No usable entry: checked now. */
  | 'miss'
  /** No cache in use (or --no-cache: checked now, stored for next time). */
  | 'off';

export interface CachedVerifyResult extends VerifyResult {
  cache: CacheUse;
  /** When the proof behind this result was fetched and checked (unix seconds). */
  checkedAt: number;
  /**
   * The aged valid entry behind an unreachable re-check: context for people
   * ("it was valid 5 h ago"), never the result (SPEC §9.8, BRIEF §10).
   */
  aged?: { status: Status; checkedAt: number; claimId?: string; location?: string };
}

interface Entry {
  v: 1;
  identity: string;
  key: string | null;
  checked_at: number;
  result: VerifyResult;
}

export interface CacheOptions {
  store: CacheStore;
  /** Do not reuse entries (still store the new result). */
  noCache?: boolean;
}

/**
 * The store key of one (identity, key filter), scoped to the endpoints the
 * proof is fetched from: an answer of one API base or resolver says nothing
 * about another's (a mirror, a test peer).
 */
export function cacheKey(identity: string, key: string | undefined, config: ChannelConfig): string {
  const scope = [
    config.githubApi,
    config.githubRaw,
    config.dnsServers.join(','),
    config.dohUrl ?? '',
    config.nostrRelays.join(','),
    config.plcDirectory,
    config.bskyAppView,
    config.bskyPds ?? '',
    config.atprotoHandleUrl ?? '',
    config.apScheme,
    String(config.allowPrivate),
  ].join('\n');
  return `kez-verify-v1\n${identity}\n${key ?? ''}\n${scope}`;
}

/** Read back an entry; anything unexpected is no entry. */
function readEntry(raw: unknown, identity: string, key: string | null): Entry | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const e = raw as Partial<Entry>;
  const r = e.result;
  if (e.v !== 1 || e.identity !== identity || e.key !== key) return undefined;
  if (typeof e.checked_at !== 'number' || typeof r !== 'object' || r === null) return undefined;
  if (typeof r.reason !== 'string' || !Object.hasOwn(REASONS, r.reason)) return undefined;
  if (REASONS[r.reason].status !== r.status || r.identity !== identity) return undefined;
  if (r.status === 'valid') {
    // A valid entry must carry the proof it rests on.
    try {
      if (!r.claim || claimId(r.claim) !== r.claimId || r.claim.subject !== identity)
        return undefined;
    } catch {
      return undefined;
    }
  }
  return e as Entry;
}

/** May a valid entry be used at `now` at all (SPEC §9.8 "never" column, expiry part)? */
function usable(e: Entry, now: number): boolean {
  const age = now - e.checked_at;
  if (age < 0 || age >= CACHE_LIFETIMES.validAged) return false;
  const exp = e.result.claim?.expires_at;
  return exp === undefined || now < exp;
}

/**
 * SPEC §9.2 step 7 (key filter through the chain) and step 9 (the chain) for
 * a claim taken from the cache: the proof is not fetched again, the chain is.
 */
async function consultChain(
  r: VerifyResult,
  opts: VerifyOptions,
  now: number,
): Promise<VerifyResult> {
  const claim = r.claim as Claim;
  const hook = opts.chain;
  if (!hook) return { ...r, chain: 'none' };
  const want = opts.key === undefined ? undefined : parseKeyRef(opts.key).text;
  if (want !== undefined && claim.key !== want) {
    const look = await hook(want);
    if (look.type === 'failed') return withVerdict(r, verdict(look.reason, look.detail));
    if (!(look.type === 'found' && (look.contains?.(claim.key) ?? false)))
      return withVerdict(
        r,
        verdict('key_mismatch', `claim is signed by ${claim.key}, not ${want}`),
      );
  }
  const look = await hook(claim.primary ?? claim.key);
  if (look.type === 'failed') return withVerdict(r, verdict(look.reason, look.detail));
  if (look.type === 'found') {
    const v = look.judge(claim, now);
    const out = withVerdict(r, verdict(v.reason, v.detail));
    return { ...out, chain: 'present', chainSource: look.source };
  }
  if (claim.primary !== undefined)
    return withVerdict(
      r,
      verdict(
        'not_in_chain',
        `claim names primary ${claim.primary}, but no sigchain for it was found`,
      ),
    );
  const out: VerifyResult = { ...r, chain: 'none' };
  delete out.chainSource;
  return out;
}

function withVerdict(
  r: VerifyResult,
  v: { status: Status; reason: VerifyResult['reason']; detail?: string },
): VerifyResult {
  const out: VerifyResult = { ...r, status: v.status, reason: v.reason };
  if (v.detail === undefined) delete out.detail;
  else out.detail = v.detail;
  return out;
}

async function save(
  opts: CacheOptions,
  k: string,
  r: VerifyResult,
  now: number,
  key: string | null,
) {
  // Soft failures are never cached as truth (SPEC §9.8).
  if (r.status === 'unreachable') return;
  const entry: Entry = { v: 1, identity: r.identity, key, checked_at: now, result: r };
  await opts.store.set(k, entry);
}

/**
 * verifyIdentity with the SPEC §9.8 cache in front. Without `cache` it is
 * verifyIdentity with `cache: 'off'`.
 *
 * @example
 * const r = await verifyCached('github:alice', { ctx, chain: resolver.hook() }, { store });
 * r.cache; // 'fresh' | 'aged' | 'miss' | 'off'
 */
export async function verifyCached(
  input: string | Identity,
  opts: VerifyOptions,
  cache?: CacheOptions,
): Promise<CachedVerifyResult> {
  const identity = typeof input === 'string' ? parseIdentity(input) : input;
  const now = opts.ctx.now();
  if (!cache) return { ...(await verifyIdentity(identity, opts)), cache: 'off', checkedAt: now };
  const key = opts.key === undefined ? null : parseKeyRef(opts.key).text;
  const k = cacheKey(identity.text, key ?? undefined, opts.ctx.config);
  const entry = cache.noCache ? undefined : readEntry(await cache.store.get(k), identity.text, key);

  const use: CacheUse = cache.noCache ? 'off' : 'miss';
  if (entry) {
    const r = entry.result;
    const age = now - entry.checked_at;
    if (r.status === 'valid' && usable(entry, now)) {
      if (age < CACHE_LIFETIMES.validFresh) {
        const again = await consultChain(r, opts, now);
        // A definitive change seen in the chain (a revocation) replaces the entry.
        if (again.status !== 'valid') await save(cache, k, again, entry.checked_at, key);
        return { ...again, cache: 'fresh', checkedAt: entry.checked_at };
      }
      const fresh = await verifyIdentity(identity, opts);
      await save(cache, k, fresh, now, key);
      const out: CachedVerifyResult = { ...fresh, cache: 'aged', checkedAt: now };
      if (fresh.status === 'unreachable') {
        out.aged = { status: 'valid', checkedAt: entry.checked_at };
        if (r.claimId) out.aged.claimId = r.claimId;
        if (r.location) out.aged.location = r.location;
      }
      return out;
    }
    if (r.status !== 'valid' && r.status !== 'unreachable') {
      const life = REASONS[r.reason].retry
        ? CACHE_LIFETIMES.negativeRetry
        : CACHE_LIFETIMES.negative;
      if (age >= 0 && age < life) return { ...r, cache: 'fresh', checkedAt: entry.checked_at };
    }
  }
  const fresh = await verifyIdentity(identity, opts);
  await save(cache, k, fresh, now, key);
  return { ...fresh, cache: use, checkedAt: now };
}

/**
 * A store in memory (tests, browsers, one process).
 * @example verifyCached(id, opts, { store: memoryCacheStore() })
 */
export function memoryCacheStore(): CacheStore & { entries: Map<string, unknown> } {
  const entries = new Map<string, unknown>();
  return {
    entries,
    get: async (k) => structuredClone(entries.get(k)),
    set: async (k, v) => {
      entries.set(k, structuredClone(v));
    },
  };
}
