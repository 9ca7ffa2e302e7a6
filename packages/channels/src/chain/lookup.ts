/**
 * Finding a key's chain from the key alone (SPEC §8.10): ask every source
 * that fits — the configured sig-servers, nostr relays for a nostr key, the
 * gists of a `github:` and the `_kez-chain` pointer of a `dns:` identity the
 * key claims — in parallel, merge what they serve (union: chains are
 * self-authenticating, so a source withholding events is overruled by any
 * other), process each chain with core's validateChain and keep the ones
 * that belong to the key.
 */
import { parseIdentity, parseKeyRef, validateChain } from '@kez/core';
import type { ChainState, Identity, Json } from '@kez/core';
import type { ChannelContext } from '../types.js';
import type { ChainHook, ChainLookup } from '../verify.js';
import { fetchFromDns } from './dns.js';
import { fetchFromGist } from './gist.js';
import { chainBelongsTo, chainHasKey, judgeAcross } from './judge.js';
import { fetchFromNostr, nostrSourceApplies } from './nostr.js';
import { fetchFromSigServer } from './sig-server.js';
import { reportSource } from './types.js';
import type { ChainOutcome, SourceResult } from './types.js';

/** Different chain ids processed from one key's sources (junk from others is bounded). */
const MAX_CHAINS = 8;
/** Identity-bound locations asked when expanding from a chain's claims (each is a request or two). */
const MAX_EXPAND = 16;

export interface ChainLookupOptions {
  /**
   * Identities whose locations may hold the chain: a `github:` identity's
   * gists, a `dns:` identity's `_kez-chain` pointer (SPEC §8.10: "an
   * identity the key claims"; a wrong guess only costs a request).
   */
  identities?: readonly (string | Identity)[];
  /**
   * After a chain is found, also ask the gist and DNS locations of the
   * identities its claims name, and merge again (a key's whole graph, SPEC §9.9).
   */
  expand?: boolean;
}

/** What was asked for one identity-bound location. */
function identitySource(
  id: Identity,
): { key: string; run: (ctx: ChannelContext) => Promise<SourceResult> } | undefined {
  if (id.channel === 'github')
    return { key: `gist:${id.id}`, run: (ctx) => fetchFromGist(id.id, ctx) };
  if (id.channel === 'dns') return { key: `dns:${id.id}`, run: (ctx) => fetchFromDns(id.id, ctx) };
  return undefined;
}

/** Process the merged events of every chain id seen; keep the chains that belong to `key`. */
async function mergeChains(
  key: string,
  results: SourceResult[],
  now: number,
): Promise<ChainState[]> {
  const groups = new Map<string, Json[]>();
  for (const r of results) {
    if (r.type !== 'found') continue;
    for (const ev of r.events) {
      const chain = (ev as { chain?: unknown }).chain;
      if (typeof chain !== 'string') continue;
      let g = groups.get(chain);
      if (!g) {
        if (groups.size >= MAX_CHAINS && chain !== key) continue;
        g = [];
        groups.set(chain, g);
      }
      g.push(ev);
    }
  }
  const states: ChainState[] = [];
  // The key's own chain first: most keys have exactly that one.
  const ids = [...groups.keys()].sort((a, b) => (a === key ? -1 : b === key ? 1 : a < b ? -1 : 1));
  for (const chain of ids) {
    const state = await validateChain(groups.get(chain)!, { now, chain });
    if (chainBelongsTo(state, key)) states.push(state);
  }
  return states;
}

function failedDetail(results: SourceResult[]): string {
  const failed = results.filter((r) => r.type === 'failed');
  return failed
    .map((r) => `${r.kind} ${r.location}: ${r.type === 'failed' ? `${r.reason}: ${r.detail}` : ''}`)
    .join('; ');
}

/** Identities named by the claims of processed chains (live and revoked). */
function claimedIdentities(states: ChainState[]): Identity[] {
  const out: Identity[] = [];
  for (const s of states) {
    const claims = [
      ...Object.values(s.liveClaims).map((l) => l.claim),
      ...Object.values(s.revokedClaims).flatMap((r) => (r.claim ? [r.claim] : [])),
    ];
    for (const c of claims) {
      try {
        out.push(parseIdentity(c.subject));
      } catch {
        // a claim in an applied add is well-formed; nothing to do otherwise
      }
    }
  }
  return out;
}

/**
 * Looks chains up and remembers them for one run: each source is asked once
 * however many keys and claims need it.
 *
 * @example
 * const chains = new ChainResolver(ctx, { identities: ['github:alice'] });
 * const outcome = await chains.lookup('nostr:3bf0…'); // { type: 'found', states, sources } | …
 * await verifyIdentity('github:alice', { ctx, chain: chains.hook() });
 */
export class ChainResolver {
  private readonly outcomes = new Map<string, Promise<ChainOutcome>>();
  private readonly sources = new Map<string, Promise<SourceResult>>();
  private readonly hints: Identity[];

  constructor(
    private readonly ctx: ChannelContext,
    private readonly opts: ChainLookupOptions = {},
  ) {
    this.hints = (opts.identities ?? []).map((i) => (typeof i === 'string' ? parseIdentity(i) : i));
  }

  private source(key: string, run: () => Promise<SourceResult>): Promise<SourceResult> {
    let p = this.sources.get(key);
    if (!p) {
      p = run();
      this.sources.set(key, p);
    }
    return p;
  }

  private identitySources(ids: Identity[], asked: Set<string>): Promise<SourceResult>[] {
    const out: Promise<SourceResult>[] = [];
    for (const id of ids) {
      const s = identitySource(id);
      if (!s || asked.has(s.key)) continue;
      asked.add(s.key);
      out.push(this.source(s.key, () => s.run(this.ctx)));
    }
    return out;
  }

  /** The chains that belong to `keyRef` (a key ref or npub), from every source that fits. */
  lookup(keyRef: string): Promise<ChainOutcome> {
    const key = parseKeyRef(keyRef).text;
    let p = this.outcomes.get(key);
    if (!p) {
      p = this.run(key);
      this.outcomes.set(key, p);
    }
    return p;
  }

  private async run(key: string): Promise<ChainOutcome> {
    const { ctx } = this;
    const asked = new Set<string>();
    const first: Promise<SourceResult>[] = ctx.config.sigServers.map((s) =>
      this.source(`sig-server:${s}:${key}`, () => fetchFromSigServer(s, key, ctx)),
    );
    if (nostrSourceApplies(key, ctx))
      first.push(this.source(`nostr:${key}`, () => fetchFromNostr(key, ctx)));
    first.push(...this.identitySources(this.hints, asked));
    const results = await Promise.all(first);
    let states = await mergeChains(key, results, ctx.now());
    if (this.opts.expand && states.length) {
      const claimed = claimedIdentities(states)
        .filter((i) => identitySource(i) !== undefined)
        .slice(0, MAX_EXPAND);
      const more = await Promise.all(this.identitySources(claimed, asked));
      if (more.length) {
        results.push(...more);
        states = await mergeChains(key, results, ctx.now());
      }
    }
    const sources = results.map(reportSource);
    if (states.length) return { type: 'found', key, states, sources };
    if (results.some((r) => r.type === 'failed'))
      return {
        type: 'failed',
        key,
        reason: 'chain_unavailable',
        detail: `the sigchain of ${key} could not be fetched: ${failedDetail(results)}`,
        sources,
      };
    return { type: 'none', key, sources };
  }

  /** The hook verify.ts consults (SPEC §9.2 step 9, §9.3). */
  hook(): ChainHook {
    return async (keyRef) => toChainLookup(await this.lookup(keyRef));
  }
}

/** Which sources served the chain, for results (`chain_source`). */
export function describeSources(outcome: ChainOutcome): string {
  const found = outcome.sources.filter((s) => s.outcome === 'found');
  return found.map((s) => `${s.kind} ${s.location}`).join(' + ');
}

/** A lookup outcome as verify.ts's ChainLookup. */
export function toChainLookup(outcome: ChainOutcome): ChainLookup {
  if (outcome.type === 'none') return { type: 'none' };
  if (outcome.type === 'failed') {
    const loc = outcome.sources.find((s) => s.outcome === 'failed')?.location;
    return {
      type: 'failed',
      reason: outcome.reason,
      detail: outcome.detail,
      ...(loc ? { location: loc } : {}),
    };
  }
  const states = outcome.states;
  return {
    type: 'found',
    source: describeSources(outcome),
    judge: (claim, now) => judgeAcross(states, claim, now),
    contains: (key) => states.some((s) => chainHasKey(s, key)),
  };
}
