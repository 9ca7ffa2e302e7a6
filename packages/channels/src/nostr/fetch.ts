/**
 * Fetch the proof of `nostr:<npub>` (SPEC §7.4): ask the configured relays
 * (in parallel) for the proof event, its deletions and the author's NIP-65
 * relay list; then ask the author's own write relays that were not asked yet.
 */
import type { Identity } from '@kez/core';
import type { ChannelContext, FetchOutcome } from '../types.js';
import { authorKey, MAX_RELAYS, mergeRelays, normalizeRelayUrl, proofFilters } from './locate.js';
import { authenticEvents, decideProof, writeRelays } from './match.js';
import { queryRelay } from './relay.js';
import { yieldToNetwork } from '../yield.js';
import type { RelayOptions, RelayQuery } from './relay.js';

/** SPEC §6.6: a claim-bearing document is at most 64 KiB; a relay message wraps one event. */
const MAX_MESSAGE_BYTES = 128 * 1024;
const MAX_EVENTS_PER_RELAY = 50;

/** The relay options for a context, or a failure saying what is missing. */
export function relayOptions(ctx: ChannelContext): RelayOptions | FetchOutcome {
  if (!ctx.net.webSocket)
    return {
      type: 'failed',
      reason: 'network_error',
      detail: 'no WebSocket implementation available to reach nostr relays',
    };
  return {
    webSocket: ctx.net.webSocket,
    timeoutMs: ctx.config.timeoutMs,
    maxMessageBytes: Math.min(ctx.config.maxBytes, MAX_MESSAGE_BYTES),
    maxEvents: MAX_EVENTS_PER_RELAY,
  };
}

/** The configured relays, normalized (trusted: the user chose them). */
export function configuredRelays(ctx: ChannelContext): string[] {
  const out: string[] = [];
  for (const r of ctx.config.nostrRelays) {
    const u = normalizeRelayUrl(r, { trusted: true, allowPrivate: ctx.config.allowPrivate });
    if (u && !out.includes(u)) out.push(u);
  }
  return out.slice(0, MAX_RELAYS);
}

/**
 * Ask the relays and decide. Never throws for network trouble: it is a
 * `failed` outcome.
 *
 * @example
 * const outcome = await fetchNostrProof(parseIdentity('nostr:npub1…'), createNodeContext(cfg));
 */
export async function fetchNostrProof(
  identity: Identity,
  ctx: ChannelContext,
): Promise<FetchOutcome> {
  const opts = relayOptions(ctx);
  if ('type' in opts) return opts;
  const pubkey = authorKey(identity);
  const first = configuredRelays(ctx);
  if (!first.length)
    return {
      type: 'failed',
      reason: 'network_error',
      detail: 'no nostr relays configured (set nostrRelays, KEZ_NOSTR_RELAYS or --relay)',
    };
  const queries: RelayQuery[] = await Promise.all(
    first.map((r) => queryRelay(r, proofFilters(pubkey, true), opts)),
  );

  // NIP-65 outbox: the author publishes to their write relays; ask those too.
  const now = ctx.now();
  await yieldToNetwork();
  let checked = await authenticEvents(queries, now);
  const listed = writeRelays(checked.events, pubkey)
    .map((r) => normalizeRelayUrl(r, { trusted: false, allowPrivate: ctx.config.allowPrivate }))
    .filter((r): r is string => r !== undefined);
  const more = mergeRelays(first, listed).filter((r) => !first.includes(r));
  if (more.length) {
    const extra = await Promise.all(
      more.map((r) => queryRelay(r, proofFilters(pubkey, false), opts)),
    );
    queries.push(...extra);
    await yieldToNetwork();
    checked = await authenticEvents(extra, now, checked);
  }
  return decideProof(pubkey, queries, checked);
}
