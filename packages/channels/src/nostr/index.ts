/** The nostr channel (SPEC §7.4): the proof is a kind 30078 event signed by the npub itself. */
import type { ChannelPlugin } from '../types.js';
import { fetchNostrProof } from './fetch.js';
import { publishNostrProof } from './publish.js';

export const nostrPlugin: ChannelPlugin = {
  name: 'nostr',
  fetchProofs: fetchNostrProof,
  publish: publishNostrProof,
};

export { fetchNostrProof } from './fetch.js';
export { publishNostrProof, proofEvent, sendEvent } from './publish.js';
export { checkEvent, computeEventId, parseEvent, serializeEvent, signEvent } from './event.js';
export type { NostrEvent, UnsignedEvent } from './event.js';
export { matchProof, decideProof, authenticEvents, writeRelays } from './match.js';
export { proofFilters, normalizeRelayUrl, PROOF_KIND, PROOF_D_TAG } from './locate.js';
export { queryRelay, publishToRelay } from './relay.js';
export type { RelayOptions, RelayQuery, RelayPublish, Filter } from './relay.js';
