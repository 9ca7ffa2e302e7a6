/**
 * Publishing from the page where no account password is needed: a claim for
 * a nostr identity, signed by that npub's own key, goes to the configured
 * relays as the proof event (SPEC §7.4) — through @kez/channels' own
 * publisher and the page's WebSocket.
 */
import { npubEncode, parseIdentity, parseKeyRef } from '@kez/core';
import type { Claim } from '@kez/core';
import { nostrChannel } from '@kez/channels/browser';
import type { PublishResult } from '@kez/channels/browser';
import type { AppConfig } from '../config.js';
import { createWebNet } from '../net/web-net.js';

/**
 * True when the page can publish this claim itself: a nostr claim about the
 * npub of its own (nostr) key, and relays to send it to.
 * @example canPublishToNostr(claim, config) // true for nostr:<own npub> with relays configured
 */
export function canPublishToNostr(claim: Claim, config: AppConfig): boolean {
  const key = parseKeyRef(claim.key);
  return (
    key.suite === 'nostr' &&
    claim.subject === `nostr:${npubEncode(key.publicKey)}` &&
    config.channels.nostrRelays.length > 0
  );
}

/**
 * @example const r = await publishToNostr(claim, secret, config, now); r.targets
 */
export async function publishToNostr(
  claim: Claim,
  secret: Uint8Array,
  config: AppConfig,
  now: () => number,
  fetchFn?: typeof fetch,
): Promise<PublishResult> {
  const net = createWebNet(config, fetchFn ? { fetchFn } : {});
  return nostrChannel.publishNostrProof(
    claim,
    parseIdentity(claim.subject),
    { net, config: config.channels, now },
    { nostrSecretKey: secret },
  );
}
