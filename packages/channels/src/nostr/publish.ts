/**
 * Publish a claim as the nostr proof event (SPEC §7.4): kind 30078,
 * `d` = `kez-claim`, content the compact encoding, signed by the npub's own
 * key, sent to the configured relays and the author's NIP-65 write relays.
 */
import { ChannelError, encodeClaim, getSuite, InputError, toHex } from '@kez/core';
import type { Claim, Identity } from '@kez/core';
import type { ChannelContext, PublishOptions, PublishResult } from '../types.js';
import { signEvent } from './event.js';
import type { NostrEvent } from './event.js';
import { configuredRelays, relayOptions } from './fetch.js';
import {
  authorKey,
  DELETION_KIND,
  mergeRelays,
  normalizeRelayUrl,
  PROOF_D_TAG,
  PROOF_KIND,
  currentStateFilters,
} from './locate.js';
import { authenticEvents, writeRelays } from './match.js';
import { publishToRelay, queryRelay } from './relay.js';
import type { RelayOptions } from './relay.js';

/** Build and sign the proof event for `claim` (pure apart from signature randomness). */
export async function proofEvent(
  claim: Claim,
  secretKey: Uint8Array,
  createdAt: number,
): Promise<NostrEvent> {
  return signEvent(
    {
      kind: PROOF_KIND,
      created_at: createdAt,
      tags: [['d', PROOF_D_TAG]],
      content: await encodeClaim(claim, 'compact'),
    },
    secretKey,
  );
}

/** Send a signed event to every relay; one target per relay with its OK answer. */
export async function sendEvent(
  event: NostrEvent,
  relays: string[],
  opts: RelayOptions,
): Promise<PublishResult> {
  const answers = await Promise.all(relays.map((r) => publishToRelay(r, event, opts)));
  const targets = answers.map((a) => ({ target: a.relay, ok: a.ok, message: a.message }));
  if (!targets.some((t) => t.ok))
    throw new ChannelError(
      'network_error',
      `no relay accepted event ${event.id}: ${targets.map((t) => `${t.target}: ${t.message || 'refused'}`).join('; ')}`,
    );
  return { location: `nostr event ${event.id}`, targets };
}

/**
 * @example
 * await publishNostrProof(claim, parseIdentity('nostr:npub1…'), ctx, { nostrSecretKey: sk });
 */
export async function publishNostrProof(
  claim: Claim,
  identity: Identity,
  ctx: ChannelContext,
  opts: PublishOptions = {},
): Promise<PublishResult> {
  if (claim.subject !== identity.text)
    throw new InputError(`the claim is for ${claim.subject}, not ${identity.text}`);
  const pubkey = authorKey(identity);
  const sk = opts.nostrSecretKey;
  if (!sk) throw new InputError(`publishing to ${identity.text} needs that npub's secret key`);
  if (toHex(getSuite('nostr').getPublicKey(sk)) !== pubkey)
    throw new InputError(`the nostr key given is not the key of ${identity.text}`);
  const relayOpts = relayOptions(ctx);
  if ('type' in relayOpts)
    throw new ChannelError(
      'network_error',
      relayOpts.type === 'failed' ? relayOpts.detail : 'no WebSocket',
    );
  const first = configuredRelays(ctx);
  if (!first.length)
    throw new InputError(
      'no nostr relays configured (set nostrRelays, KEZ_NOSTR_RELAYS or --relay)',
    );

  // The author's NIP-65 write relays are where readers look (outbox model);
  // the current proof event tells the time the new one must beat.
  const answers = await Promise.all(
    first.map((r) => queryRelay(r, currentStateFilters(pubkey), relayOpts)),
  );
  const { events } = await authenticEvents(answers, ctx.now());
  const listed = writeRelays(events, pubkey)
    .map((r) => normalizeRelayUrl(r, { trusted: false, allowPrivate: ctx.config.allowPrivate }))
    .filter((r): r is string => r !== undefined);
  // A NIP-09 deletion by address removes versions up to its own time, so beat that too.
  const current = events
    .filter((s) => s.event.pubkey === pubkey && [PROOF_KIND, DELETION_KIND].includes(s.event.kind))
    .reduce((t, s) => Math.max(t, s.event.created_at), 0);

  // NIP-01: on equal created_at the lowest id wins, so a replacement must be strictly newer.
  const event = await proofEvent(claim, sk, Math.max(ctx.now(), current + 1));
  return sendEvent(event, mergeRelays(first, listed), relayOpts);
}
