/**
 * A nostr key's chain on relays (SPEC §8.10): the addressable event kind
 * 30078 with `d` = `kez-sigchain`, authored by the key itself, whose content
 * is the JSONL bundle. Every authentic version any relay sends is read and
 * merged (a relay holding an older version cannot hide newer events another
 * relay has); a NIP-09 deletion does not erase events — only the chain's own
 * `revoke` can.
 */
import { ChannelError, InputError, exportBundle, getSuite, parseKeyRef, toHex } from '@kez/core';
import type { ChainState, Json } from '@kez/core';
import type { ChannelContext } from '../types.js';
import { signEvent, tagValue } from '../nostr/event.js';
import { configuredRelays, relayOptions } from '../nostr/fetch.js';
import { MAX_RELAYS, RELAY_LIST_KIND, mergeRelays, normalizeRelayUrl } from '../nostr/locate.js';
import { authenticEvents, writeRelays } from '../nostr/match.js';
import { publishToRelay, queryRelay } from '../nostr/relay.js';
import type { Filter, RelayOptions, RelayQuery } from '../nostr/relay.js';
import { MAX_CHAIN_BYTES, bundleResult } from './fetch-bundle.js';
import type { SourceResult } from './types.js';

/** SPEC §8.10: the chain's event kind and `d` tag. */
export const CHAIN_KIND = 30078;
export const CHAIN_D_TAG = 'kez-sigchain';

/** Versions kept from one relay. */
const MAX_VERSIONS = 8;

/** The REQ filters: the chain event and, first time round, the NIP-65 relay list. */
export function chainFilters(pubkey: string, withRelayList: boolean): Filter[] {
  const f: Filter[] = [{ kinds: [CHAIN_KIND], authors: [pubkey], '#d': [CHAIN_D_TAG] }];
  if (withRelayList) f.push({ kinds: [RELAY_LIST_KIND], authors: [pubkey], limit: 1 });
  return f;
}

function options(ctx: ChannelContext): RelayOptions | undefined {
  const o = relayOptions(ctx);
  if ('type' in o) return undefined;
  // A relay message wraps the whole bundle (JSON-escaped): room for a large chain.
  return {
    ...o,
    maxMessageBytes: Math.min(MAX_CHAIN_BYTES, 2 * ctx.config.maxBytes + 4096),
    maxEvents: MAX_VERSIONS + 1,
  };
}

/** True when a nostr source can be asked for `keyRef` (a nostr key, relays configured). */
export function nostrSourceApplies(keyRef: string, ctx: ChannelContext): boolean {
  return parseKeyRef(keyRef).suite === 'nostr' && configuredRelays(ctx).length > 0;
}

/**
 * Ask the configured relays (then the author's NIP-65 write relays) for the
 * chain event of nostr key `keyRef`.
 * @example await fetchFromNostr('nostr:3bf0…', ctx)
 */
export async function fetchFromNostr(keyRef: string, ctx: ChannelContext): Promise<SourceResult> {
  const ref = parseKeyRef(keyRef);
  const pubkey = toHex(ref.publicKey);
  const relays = configuredRelays(ctx);
  const opts = options(ctx);
  const location = relays.join(', ');
  if (!opts)
    return {
      type: 'failed',
      kind: 'nostr',
      location,
      reason: 'network_error',
      detail: 'no WebSocket implementation available to reach nostr relays',
    };
  const queries: RelayQuery[] = await Promise.all(
    relays.map((r) => queryRelay(r, chainFilters(pubkey, true), opts)),
  );
  const first = await authenticEvents(queries, ctx.now());
  const listed = writeRelays(first.events, pubkey)
    .map((r) => normalizeRelayUrl(r, { trusted: false, allowPrivate: ctx.config.allowPrivate }))
    .filter((r): r is string => r !== undefined);
  const more = mergeRelays(relays, listed, MAX_RELAYS).filter((r) => !relays.includes(r));
  let checked = first;
  if (more.length) {
    const extra = await Promise.all(
      more.map((r) => queryRelay(r, chainFilters(pubkey, false), opts)),
    );
    queries.push(...extra);
    // Events of the first answers are not checked twice.
    checked = await authenticEvents(extra, ctx.now(), first);
  }
  const { events } = checked;
  const versions = events.filter(
    (s) =>
      s.event.pubkey === pubkey &&
      s.event.kind === CHAIN_KIND &&
      tagValue(s.event, 'd') === CHAIN_D_TAG,
  );
  const asked = queries.map((q) => q.relay).join(', ');
  if (versions.length === 0) {
    if (queries.some((q) => q.complete))
      return {
        type: 'none',
        kind: 'nostr',
        location: asked,
        detail: `no kez-sigchain event by ${keyRef} on ${asked}`,
      };
    const failure = queries.find((q) => q.failure)?.failure;
    return {
      type: 'failed',
      kind: 'nostr',
      location: asked,
      reason: failure?.reason ?? 'network_error',
      detail: `no relay answered: ${queries.map((q) => q.failure?.detail ?? q.relay).join('; ')}`,
    };
  }
  // Union of every authentic version; an unreadable one is reported only if none is readable.
  const merged: Json[] = [];
  let bad: SourceResult | undefined;
  for (const v of versions) {
    const r = bundleResult('nostr', `${v.relay} event ${v.event.id}`, v.event.content);
    if (r.type === 'found') merged.push(...r.events);
    else bad ??= r;
  }
  if (merged.length === 0 && bad) return bad;
  const newest = versions.reduce((a, b) => (b.event.created_at > a.event.created_at ? b : a));
  return {
    type: 'found',
    kind: 'nostr',
    location: `${newest.relay} event ${newest.event.id}`,
    events: merged,
  };
}

/** What the relays answered to a chain publish. */
export interface NostrChainPublish {
  event: string;
  targets: { target: string; ok: boolean; message: string }[];
}

/**
 * Publish a chain as the kind-30078 `kez-sigchain` event signed by the nostr
 * key `secretKey` (the chain's current primary key, or a key it rotated
 * from: readers look the chain up by the key they hold). Strictly newer than
 * the version the relays have, so it replaces it (NIP-01).
 * @example await publishChainToNostr(state, secretKey, ctx)
 */
export async function publishChainToNostr(
  state: ChainState,
  secretKey: Uint8Array,
  ctx: ChannelContext,
): Promise<NostrChainPublish> {
  if (state.events.length === 0) throw new InputError('the chain is empty: nothing to publish');
  const opts = options(ctx);
  if (!opts) throw new ChannelError('network_error', 'no WebSocket to reach nostr relays');
  const relays = configuredRelays(ctx);
  if (!relays.length)
    throw new InputError(
      'no nostr relays configured (set nostrRelays, KEZ_NOSTR_RELAYS or --relay)',
    );
  const pubkey = toHex(getSuite('nostr').getPublicKey(secretKey));
  const answers = await Promise.all(
    relays.map((r) =>
      queryRelay(
        r,
        [
          { kinds: [CHAIN_KIND], authors: [pubkey], '#d': [CHAIN_D_TAG], limit: 1 },
          { kinds: [RELAY_LIST_KIND], authors: [pubkey], limit: 1 },
        ],
        opts,
      ),
    ),
  );
  const { events } = await authenticEvents(answers, ctx.now());
  const listed = writeRelays(events, pubkey)
    .map((r) => normalizeRelayUrl(r, { trusted: false, allowPrivate: ctx.config.allowPrivate }))
    .filter((r): r is string => r !== undefined);
  const current = events
    .filter((s) => s.event.pubkey === pubkey && s.event.kind === CHAIN_KIND)
    .reduce((t, s) => Math.max(t, s.event.created_at), 0);
  const relaysToSend = mergeRelays(relays, listed);
  const sign = (createdAt: number) =>
    signEvent(
      {
        kind: CHAIN_KIND,
        created_at: createdAt,
        tags: [['d', CHAIN_D_TAG]],
        content: exportBundle(state.events),
      },
      secretKey,
    );
  let event = await sign(Math.max(ctx.now(), current + 1));
  let targets = await Promise.all(relaysToSend.map((r) => publishToRelay(r, event, opts)));
  // A relay that holds a version of the same second keeps the lowest id and says "duplicate"
  // (NIP-01); its answer to the query above may have been a cached one. One second later wins.
  if (targets.some((t) => t.ok && /^duplicate:/.test(t.message))) {
    event = await sign(event.created_at + 1);
    targets = await Promise.all(relaysToSend.map((r) => publishToRelay(r, event, opts)));
  }
  const out = targets.map((t) => ({ target: t.relay, ok: t.ok, message: t.message }));
  if (!out.some((t) => t.ok))
    throw new ChannelError(
      'network_error',
      `no relay accepted the chain event ${event.id}: ${out.map((t) => `${t.target}: ${t.message || 'refused'}`).join('; ')}`,
    );
  return { event: event.id, targets: out };
}
