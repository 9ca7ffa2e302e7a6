/**
 * Badges: the identities a sender has proven (github:…, dns:…), from the
 * claims in their sigchain, each verified online with the sender's key as key
 * filter (SPEC §9.9) by a pluggable verifier (the CLI plugs in
 * @kez/channels). A badge that does not verify is shown with its status as a
 * warning; it never hides the message (BRIEF §10: people need to talk about
 * the broken proof).
 *
 * Cache after SPEC §9.8: a definitive result is reused for an hour; an
 * unreachable one is shown but never cached. Lookups of one sender share one
 * run.
 */
import type { ReasonCode, Status } from '@kez/core';
import type { ChainSource } from '../chain/chain-source.js';

export interface Badge {
  identity: string;
  status: Status;
  reason: ReasonCode;
  detail?: string;
  /** Unix seconds of the check. */
  checkedAt: number;
}

/** Verifies that `identity` is proven by a claim of `key` (status and reason as SPEC §9.5/§9.6). */
export type BadgeVerifier = (
  identity: string,
  key: string,
) => Promise<{ status: Status; reason: ReasonCode; detail?: string }>;

export interface BadgesOptions {
  chains: ChainSource;
  verify: BadgeVerifier;
  /** Unix seconds. */
  now?: () => number;
  /** Seconds a definitive result is reused (default 3600). */
  ttl?: number;
}

/**
 * @example const badges = new Badges({ chains, verify }); (await badges.of(event.from)).map((b) => b.identity)
 */
export class Badges {
  readonly #chains: ChainSource;
  readonly #verify: BadgeVerifier;
  readonly #now: () => number;
  readonly #ttl: number;
  readonly #results = new Map<string, Badge>();
  readonly #running = new Map<string, Promise<Badge[]>>();
  readonly #last = new Map<string, Badge[]>();

  constructor(opts: BadgesOptions) {
    this.#chains = opts.chains;
    this.#verify = opts.verify;
    this.#now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.#ttl = opts.ttl ?? 3600;
  }

  /** The badges last computed for `userId`, without waiting (undefined: never asked). */
  peek(userId: string): Badge[] | undefined {
    return this.#last.get(userId);
  }

  /** The badges of `userId`, verifying what is not cached. */
  of(userId: string): Promise<Badge[]> {
    let p = this.#running.get(userId);
    if (!p) {
      p = this.#compute(userId).finally(() => this.#running.delete(userId));
      this.#running.set(userId, p);
    }
    return p;
  }

  async #compute(userId: string): Promise<Badge[]> {
    const chain = await this.#chains.lookup(userId);
    if (chain.type !== 'found') return [];
    const now = this.#now();
    const s = chain.state;
    const out: Badge[] = [];
    const live = new Set(Object.values(s.liveClaims).map((c) => c.claim.subject));
    // Revoked claims need no fetch (SPEC §9.9); a live claim for the same identity wins.
    for (const r of Object.values(s.revokedClaims))
      if (r.claim && !live.has(r.claim.subject))
        out.push({
          identity: r.claim.subject,
          status: 'revoked',
          reason: 'revoked',
          checkedAt: now,
        });
    const checks = [...live].map(async (identity) => {
      const key = `${identity} ${userId}`;
      const hit = this.#results.get(key);
      if (hit && now - hit.checkedAt < this.#ttl) return hit;
      const r = await this.#verify(identity, userId).catch(
        (e: unknown): { status: Status; reason: ReasonCode; detail?: string } => ({
          status: 'unreachable',
          reason: 'network_error',
          detail: (e as Error).message,
        }),
      );
      const badge: Badge = { identity, status: r.status, reason: r.reason, checkedAt: now };
      if (r.detail !== undefined) badge.detail = r.detail;
      // SPEC §9.8: unreachable is never cached as truth.
      if (r.status !== 'unreachable') this.#results.set(key, badge);
      return badge;
    });
    out.push(...(await Promise.all(checks)));
    out.sort((a, b) => a.identity.localeCompare(b.identity));
    this.#last.set(userId, out);
    return out;
  }
}
