/**
 * What the chat needs to judge people: their sigchains (does a message's key
 * speak for its sender?) and their proven identities (the badge row), both
 * fetched and verified here in the page through the same Net as the
 * explorer — never taken from the chat-server's word.
 */
import { verifyIdentity } from '@kez/channels/browser';
import type { BadgeVerifier, ChainSource } from '@kez/chat-server/protocol';
import { fetchChain, toChainLookup } from '../chains.js';
import type { ChainFetch } from '../chains.js';
import type { AppConfig } from '../config.js';
import { createWebNet } from '../net/web-net.js';

export interface TrustEnv {
  config: AppConfig;
  /** Unix seconds. */
  now(): number;
  fetchFn?: typeof fetch;
  /** Seconds a fetched chain is reused (default 30). */
  ttl?: number;
}

/** Chains cached briefly, shared by key bindings and badges. */
export class PageChains implements ChainSource {
  readonly #env: TrustEnv;
  readonly #net;
  readonly #cache = new Map<string, { at: number; p: Promise<ChainFetch> }>();

  constructor(env: TrustEnv) {
    this.#env = env;
    this.#net = createWebNet(env.config, env.fetchFn ? { fetchFn: env.fetchFn } : {});
  }

  fetch(keyRef: string): Promise<ChainFetch> {
    const now = this.#env.now();
    const hit = this.#cache.get(keyRef);
    if (hit && now - hit.at < (this.#env.ttl ?? 30)) return hit.p;
    const servers = this.#env.config.sigServers;
    const p: Promise<ChainFetch> = servers.length
      ? fetchChain(this.#net, servers, keyRef, now)
      : Promise.resolve({ type: 'none', sources: [] });
    this.#cache.set(keyRef, { at: now, p });
    // SPEC §9.8: a failure is never reused.
    void p.then((c) => {
      if (c.type === 'failed' && this.#cache.get(keyRef)?.p === p) this.#cache.delete(keyRef);
    });
    return p;
  }

  async lookup(keyRef: string) {
    const c = await this.fetch(keyRef);
    if (c.type === 'found') return { type: 'found' as const, state: c.state };
    if (c.type === 'none') return { type: 'none' as const };
    return { type: 'failed' as const, reason: c.reason, detail: c.detail };
  }
}

/**
 * Verifies one badge: the identity, with the sender's key as key filter
 * (SPEC §9.9), in the page.
 * @example new Badges({ chains, verify: createBadgeVerifier(env, chains) })
 */
export function createBadgeVerifier(env: TrustEnv, chains: PageChains): BadgeVerifier {
  return async (identity, key) => {
    const net = createWebNet(env.config, env.fetchFn ? { fetchFn: env.fetchFn } : {});
    const r = await verifyIdentity(identity, {
      ctx: { net, config: env.config.channels, now: env.now },
      key,
      chain: async (k) => toChainLookup(await chains.fetch(k)),
    });
    return r.detail === undefined
      ? { status: r.status, reason: r.reason }
      : { status: r.status, reason: r.reason, detail: r.detail };
  };
}
