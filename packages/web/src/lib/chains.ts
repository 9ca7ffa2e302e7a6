/**
 * A key's sigchains, as the page sees them: @kez/channels' ChainResolver
 * (SPEC §8.10 — every configured sig-server, the nostr relays for a nostr
 * key, the gists and `_kez-chain` pointers of identities the key claims;
 * merged by union, validated, kept when they belong to the key) over the
 * page's Net, so sig-servers without CORS go through the fetch relay and
 * every request is logged. No source is trusted (SPEC §11.4): events are
 * self-authenticating, so a source — or the relay — can only withhold them.
 */
import type { ChainState, LiveClaim, RevokedClaim } from '@kez/core';
import { ChainResolver } from '@kez/channels/browser';
import type { ChainOutcome, WebSocketConstructor } from '@kez/channels/browser';
import type { AppConfig } from './config.js';
import { createWebNet } from './net/web-net.js';
import type { HopListener } from './net/routing-transport.js';

export interface ChainEnv {
  config: AppConfig;
  /** Unix seconds. */
  now(): number;
  fetchFn?: typeof fetch;
  webSocket?: WebSocketConstructor;
  onHop?: HopListener;
}

/**
 * A resolver for one run (each source asked once per key).
 * @example const chains = pageChainResolver({ config, now }); await chains.lookup('nostr:3bf0…')
 */
export function pageChainResolver(
  env: ChainEnv,
  identities: readonly string[] = [],
): ChainResolver {
  const net = createWebNet(env.config, {
    ...(env.fetchFn ? { fetchFn: env.fetchFn } : {}),
    ...(env.webSocket ? { webSocket: env.webSocket } : {}),
    ...(env.onHop ? { onHop: env.onHop } : {}),
  });
  return new ChainResolver(
    { net, config: { ...env.config.channels, sigServers: env.config.sigServers }, now: env.now },
    { identities, expand: true },
  );
}

/** The chain a key names itself (its id or a key it rotated into), else the first found. */
export function mainState(outcome: ChainOutcome): ChainState | undefined {
  if (outcome.type !== 'found') return undefined;
  return (
    outcome.states.find((s) => s.chain === outcome.key || s.current === outcome.key) ??
    outcome.states[0]
  );
}

/** Live and revoked claims across every chain that belongs to the key. */
export function claimsOf(outcome: ChainOutcome): {
  live: LiveClaim[];
  revoked: RevokedClaim[];
} {
  if (outcome.type !== 'found') return { live: [], revoked: [] };
  const live = new Map<string, LiveClaim>();
  const revoked = new Map<string, RevokedClaim>();
  for (const s of outcome.states) {
    for (const [id, c] of Object.entries(s.liveClaims)) live.set(id, c);
    for (const [id, r] of Object.entries(s.revokedClaims)) revoked.set(id, r);
  }
  // Revocation is final (SPEC §9.3): revoked in any chain is not live.
  for (const id of revoked.keys()) live.delete(id);
  return { live: [...live.values()], revoked: [...revoked.values()] };
}
