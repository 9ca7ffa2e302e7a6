export type * from './types.js';
export { reportSource } from './types.js';
export { ChainResolver, describeSources, toChainLookup } from './lookup.js';
export type { ChainLookupOptions } from './lookup.js';
export { judgeAcross, chainBelongsTo, chainHasKey } from './judge.js';
export { chainUrl, fetchFromSigServer, publishToSigServer } from './sig-server.js';
export type { SigServerPublish } from './sig-server.js';
export {
  CHAIN_D_TAG,
  CHAIN_KIND,
  chainFilters,
  fetchFromNostr,
  publishChainToNostr,
} from './nostr.js';
export type { NostrChainPublish } from './nostr.js';
export { CHAIN_GIST_DESCRIPTION, fetchFromGist, publishChainToGist } from './gist.js';
export { CHAIN_DNS_LABEL, chainDnsName, chainPointers, fetchFromDns } from './dns.js';
export { MAX_CHAIN_BYTES } from './fetch-bundle.js';
