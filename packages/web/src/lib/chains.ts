/**
 * A key's sigchain, as the page sees it (SPEC §8.10): asked of every
 * configured sig-server (`GET {server}/v1/chains/{keyref}`, 200 = a JSONL
 * bundle, 404 = none) through the page's Net, merged, and processed by core's
 * validateChain. No server is trusted (SPEC §11.4): events are
 * self-authenticating, so a server — or the relay in front of it — can only
 * withhold them. Only a definitive 404 from every server means "no chain".
 */
import { judgeClaim, parseBundle, validateChain } from '@kez/core';
import type { ChainState, Json, ReasonCode } from '@kez/core';
import type { ChainHook, ChainLookup, Net } from '@kez/channels/browser';

/** SPEC §8.9: readers accept bundles up to 1 MiB. */
const MAX_BUNDLE_BYTES = 1024 * 1024;

export type ChainFetch =
  | { type: 'none'; sources: string[] }
  | { type: 'failed'; reason: ReasonCode; detail: string; location: string }
  | { type: 'found'; state: ChainState; sources: string[] };

type One =
  | { type: 'events'; events: Json[]; url: string }
  | { type: 'none'; url: string }
  | { type: 'failed'; reason: ReasonCode; detail: string; url: string };

async function fetchOne(net: Net, server: string, keyRef: string): Promise<One> {
  const url = `${server}/v1/chains/${encodeURIComponent(keyRef)}`;
  try {
    const res = await net.fetch(url, {
      headers: { accept: 'application/jsonl' },
      maxBytes: MAX_BUNDLE_BYTES,
    });
    if (res.status === 404) return { type: 'none', url };
    if (res.status !== 200)
      return { type: 'failed', reason: 'chain_unavailable', detail: `HTTP ${res.status}`, url };
    try {
      return { type: 'events', events: parseBundle(res.body, { maxBytes: MAX_BUNDLE_BYTES }), url };
    } catch (e) {
      return { type: 'failed', reason: 'bad_response', detail: (e as Error).message, url };
    }
  } catch (e) {
    const code = (e as { code?: ReasonCode }).code;
    return {
      type: 'failed',
      reason: code === 'timeout' ? 'timeout' : 'chain_unavailable',
      detail: (e as Error).message,
      url,
    };
  }
}

/**
 * Fetch and process the chain of `keyRef` from every server.
 * @example const c = await fetchChain(net, ['https://sig.example'], 'nostr:3bf0…', now)
 */
export async function fetchChain(
  net: Net,
  servers: readonly string[],
  keyRef: string,
  now: number,
): Promise<ChainFetch> {
  const answers = await Promise.all(servers.map((s) => fetchOne(net, s, keyRef)));
  const events = answers.flatMap((a) => (a.type === 'events' ? a.events : []));
  const failed = answers.find((a) => a.type === 'failed');
  if (events.length === 0) {
    if (failed)
      return {
        type: 'failed',
        reason: failed.reason,
        detail: `${failed.url}: ${failed.detail}`,
        location: failed.url,
      };
    return { type: 'none', sources: answers.map((a) => a.url) };
  }
  // SPEC §8.10: merge the union; validateChain dedups and keeps forks as evidence.
  const state = await validateChain(events, { now });
  return {
    type: 'found',
    state,
    sources: answers.filter((a) => a.type === 'events').map((a) => a.url),
  };
}

/**
 * Does the chain contain this key: its id, its current key, a rotated key or
 * a device (SPEC §9.2 step 7)?
 * @example chainContains(state, 'ed25519:ab…')
 */
export function chainContains(state: ChainState, keyRef: string): boolean {
  return (
    state.chain === keyRef ||
    state.current === keyRef ||
    state.rotated.some((r) => r.key === keyRef) ||
    Object.hasOwn(state.devices, keyRef)
  );
}

/** The verify hook's view of a fetched chain. */
export function toChainLookup(c: ChainFetch): ChainLookup {
  if (c.type === 'none') return { type: 'none' };
  if (c.type === 'failed')
    return { type: 'failed', reason: c.reason, detail: c.detail, location: c.location };
  const state = c.state;
  return {
    type: 'found',
    source: c.sources.join(', '),
    judge: (claim, now) => judgeClaim(claim, state, now),
    contains: (k) => chainContains(state, k),
  };
}

/**
 * A ChainHook for @kez/channels' verifyIdentity; lookups of one key share one fetch.
 * @example verifyIdentity(id, { ctx, chain: chainHook(net, config.sigServers, now) })
 */
export function chainHook(net: Net, servers: readonly string[], now: number): ChainHook {
  const seen = new Map<string, Promise<ChainLookup>>();
  return (keyRef) => {
    if (servers.length === 0) return Promise.resolve({ type: 'none' });
    let p = seen.get(keyRef);
    if (!p) {
      p = fetchChain(net, servers, keyRef, now).then(toChainLookup);
      seen.set(keyRef, p);
    }
    return p;
  };
}
