/**
 * Where the proof of `nostr:<npub>` lives (SPEC §7.4), from the identity alone:
 * the author key, the REQ filters, and which relays to ask. Pure.
 */
import { nostrIdentityKey } from '@kez/core';
import type { Identity } from '@kez/core';
import { isIpLiteral, isPrivateAddress } from '../net/address.js';
import type { Filter } from './relay.js';

/** SPEC §7.4: the addressable event kind and `d` tag of a KEZ proof. */
export const PROOF_KIND = 30078;
export const PROOF_D_TAG = 'kez-claim';
/** NIP-65 relay list metadata. */
export const RELAY_LIST_KIND = 10002;
/** NIP-09 deletion request. */
export const DELETION_KIND = 5;
/** SPEC §7.4: at most 8 relays are asked. */
export const MAX_RELAYS = 8;

/** The author's 32-byte key as lowercase hex. */
export function authorKey(identity: Identity): string {
  return nostrIdentityKey(identity);
}

/** NIP-01 address of the proof event: `<kind>:<pubkey>:<d>` (used by NIP-09 `a` deletions). */
export function proofAddress(pubkey: string): string {
  return `${PROOF_KIND}:${pubkey}:${PROOF_D_TAG}`;
}

/**
 * The filters of the one REQ sent to each relay: the proof event, NIP-09
 * deletions that may name it, and (on the first round) the NIP-65 relay list.
 */
export function proofFilters(pubkey: string, withRelayList: boolean): Filter[] {
  const filters: Filter[] = [
    { kinds: [PROOF_KIND], authors: [pubkey], '#d': [PROOF_D_TAG] },
    { kinds: [DELETION_KIND], authors: [pubkey], '#a': [proofAddress(pubkey)] },
    // NIP-09 deletions by id carry a `k` tag with the deleted kind.
    { kinds: [DELETION_KIND], authors: [pubkey], '#k': [String(PROOF_KIND)] },
  ];
  if (withRelayList) filters.push({ kinds: [RELAY_LIST_KIND], authors: [pubkey], limit: 1 });
  return filters;
}

/**
 * What a publisher asks first (SPEC §7.4 publish): the newest proof version
 * and deletion (a replacement must be newer) and the relay list. `limit: 1`
 * also keeps these apart from the verifier's filters in relays that cache
 * results per filter (@nostr-relay/core does, for 1 s).
 */
export function currentStateFilters(pubkey: string): Filter[] {
  return [
    { kinds: [PROOF_KIND], authors: [pubkey], '#d': [PROOF_D_TAG], limit: 1 },
    { kinds: [DELETION_KIND], authors: [pubkey], '#a': [proofAddress(pubkey)], limit: 1 },
    { kinds: [RELAY_LIST_KIND], authors: [pubkey], limit: 1 },
  ];
}

/**
 * Normalize a relay URL (lowercase scheme and host, no trailing slash on an
 * empty path), or undefined when it is not a usable `ws`/`wss` URL.
 * `trusted` URLs came from the user's config; others (a NIP-65 list) must be
 * `wss` to a public host unless private addresses are allowed (SPEC §7.1.1–2).
 */
export function normalizeRelayUrl(
  raw: string,
  opts: { trusted: boolean; allowPrivate: boolean },
): string | undefined {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== 'wss:' && u.protocol !== 'ws:') return undefined;
  if (u.username || u.password || u.hash) return undefined;
  if (!opts.trusted && !opts.allowPrivate) {
    if (u.protocol !== 'wss:') return undefined;
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (host === 'localhost' || host.endsWith('.localhost')) return undefined;
    if (isIpLiteral(host) && isPrivateAddress(host)) return undefined;
  }
  const path = u.pathname === '/' ? '' : u.pathname;
  return `${u.protocol}//${u.host}${path}${u.search}`;
}

/** Configured relays first, then the user's own, without duplicates, at most `max`. */
export function mergeRelays(configured: string[], fromList: string[], max = MAX_RELAYS): string[] {
  return [...new Set([...configured, ...fromList])].slice(0, max);
}
