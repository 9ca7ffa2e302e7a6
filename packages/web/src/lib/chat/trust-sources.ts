/**
 * What the chat needs to judge people: their sigchains (does a message's key
 * speak for its sender?) and their proven identities (the badge row), both
 * looked up and verified here in the page through the same Net as the
 * explorer — never taken from the chat-server's word.
 */
import { toChainLookup, verifyIdentity } from '@kez/channels/browser';
import type { ChainOutcome, ChainResolver } from '@kez/channels/browser';
import type { BadgeVerifier, ChainSource } from '@kez/chat-server/protocol';
import { mainState, pageChainResolver } from '../chains.js';
import type { AppConfig } from '../config.js';
import { createWebNet } from '../net/web-net.js';

export interface TrustEnv {
  config: AppConfig;
  /** Unix seconds. */
  now(): number;
  fetchFn?: typeof fetch;
  /** Seconds looked-up chains are reused (default 30). */
  ttl?: number;
}

/** Chains shared by key bindings and badges; a fresh resolver every `ttl` seconds or after a failure. */
export class PageChains implements ChainSource {
  readonly #env: TrustEnv;
  #resolver: ChainResolver | undefined;
  #since = 0;

  constructor(env: TrustEnv) {
    this.#env = env;
  }

  /** The resolver of the current window (verify hooks use it directly). */
  resolver(): ChainResolver {
    const now = this.#env.now();
    if (!this.#resolver || now - this.#since >= (this.#env.ttl ?? 30)) {
      this.#resolver = pageChainResolver(this.#env);
      this.#since = now;
    }
    return this.#resolver;
  }

  async outcome(keyRef: string): Promise<ChainOutcome> {
    const r = this.resolver();
    const out = await r.lookup(keyRef);
    // SPEC §9.8: a failure is never reused.
    if (out.type === 'failed' && this.#resolver === r) this.#resolver = undefined;
    return out;
  }

  /** chat-server's view: one state, the chain the key names itself. */
  async lookup(keyRef: string) {
    const c = await this.outcome(keyRef);
    if (c.type === 'found') return { type: 'found' as const, state: mainState(c)! };
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
      chain: async (k) => toChainLookup(await chains.outcome(k)),
    });
    return r.detail === undefined
      ? { status: r.status, reason: r.reason }
      : { status: r.status, reason: r.reason, detail: r.detail };
  };
}
